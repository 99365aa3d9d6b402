vim9script
scriptencoding utf-8
# autoload/whosaid/props.vim: the loops of autoload/whosaid/vim.vim that
# place and remove the text properties, in Vim9 script, which runs them
# about eight times faster than legacy Vimscript (1 MB of news text has
# some 25,000 highlights). Vim only; Neovim never loads it.

# Add the host's marks ADDS to BUF (see whosaid#vim#api(): [id, row, col,
# label] an annotation, [id, row, col, name, group] a correction, [id, row,
# col, end_row, end_col, group, priority] a highlight); SHOWN: the groups to
# highlight; VIRTUAL: whether to add the labels, MARKER before a
# correction's name; AFTER: whether Vim puts virtual text after the line
# (9.0.0121), else the label is inline text at the line's end (9.0.0067).
# LABELS (host id -> Vim's id) and TEXTS (Vim's id -> label) get the labels
# added, LIVE the ids of the highlights. Returns how many marks failed.
export def Add(buf: number, adds: list<any>, shown: dict<any>, virtual: bool, marker: string,
    after: bool, labels: dict<any>, texts: dict<any>, live: dict<any>): number
  var failed = 0
  for m in adds
    try
      if len(m) == 4 || len(m) == 5
        if virtual
          var label = len(m) == 4 ? m[3] : empty(marker) ? m[3] : marker .. ' ' .. m[3]
          var props: dict<any> = {type: len(m) == 4 ? 'WhoSaidAnnotation' : m[4],
            text: ' ' .. label, bufnr: buf}
          var col = 0
          if after
            props.text_align = 'after'
          else
            col = strlen(get(getbufline(buf, m[1] + 1), 0, '')) + 1
          endif
          var id = prop_add(m[1] + 1, col, props)
          labels[string(m[0])] = id
          texts[string(id)] = label
        endif
      elseif get(shown, m[5], 0) != 0
        prop_add(m[1] + 1, m[2] + 1, {type: m[5], id: m[0], bufnr: buf, end_lnum: m[3] + 1,
          end_col: m[4] + 1})
        live[string(m[0])] = true
      endif
    catch
      failed += 1
    endtry
  endfor
  return failed
enddef

# Remove the host's marks IDS from BUF: one pass over the buffer finds
# them (a property split by a line break is in two lines); a label by the
# id Vim gave it (LABELS, TEXTS and LIVE are updated).
export def Remove(buf: number, ids: list<any>, types: list<string>, labels: dict<any>,
    texts: dict<any>, live: dict<any>)
  if empty(ids)
    return
  endif
  var wanted: list<number> = []
  for id in ids
    var key = string(id)
    if has_key(labels, key)
      var label = remove(labels, key)
      wanted->add(label)
      if has_key(texts, string(label))
        remove(texts, string(label))
      endif
    else
      wanted->add(id)
      if has_key(live, key)
        remove(live, key)
      endif
    endif
  endfor
  var done: dict<bool> = {}
  for prop in prop_list(1, {bufnr: buf, end_lnum: -1, ids: wanted, types: types})
    var key = prop.lnum .. ':' .. prop.id
    if !has_key(done, key)
      done[key] = true
      prop_remove({id: prop.id, types: types, both: true, bufnr: buf, all: true}, prop.lnum)
    endif
  endfor
enddef

# Remove the properties in lines FIRST to LAST of BUF that are neither a
# highlight the host placed (LIVE) nor a label (TEXTS).
export def DropStale(buf: number, first: number, last: number, types: list<string>,
    live: dict<any>, texts: dict<any>)
  var done: dict<bool> = {}
  for prop in prop_list(first, {bufnr: buf, end_lnum: last, types: types})
    var key = string(prop.id)
    if !has_key(live, key) && !has_key(texts, key) && !has_key(done, prop.lnum .. ':' .. key)
      done[prop.lnum .. ':' .. key] = true
      prop_remove({id: prop.id, types: types, bufnr: buf, all: true}, prop.lnum)
    endif
  endfor
enddef
