vim9script
scriptencoding utf-8
# autoload/whosaid/props.vim: the loops of autoload/whosaid/vim.vim that
# place and remove the text properties, in Vim9 script, which runs them
# about eight times faster than legacy Vimscript (1 MB of news text has
# some 25,000 highlights). Vim only; Neovim never loads it.

# What is placed in a buffer, for the functions below (whosaid#vim#placed()):
#   live     the host ids of the highlights, as keys
#   labels   host id of a label -> [Vim's id of its virtual text, its type,
#            the id of its anchor]
#   texts    Vim's id of a label -> the label (prop_list() of Vim 9.0 does
#            not give a label's text)
#   anchors  id of an anchor -> the host id of its label
# A label ("— Name" after a quote) is virtual text, whose id Vim chooses,
# and which prop_list() of Vim 9.1 lists without it: so each label has an
# anchor beside it, a property of no width of type ANCHOR at column 1 of
# its line, with an id of its own. The anchor tells where a label is (a
# line deleted or joined takes both along), and whether one that an undo
# brought back is still placed (its anchor's id is then unknown: ids are
# never used twice, unlike the host's, which count again from 1 when a
# buffer is attached again).
const ANCHOR = 'WhoSaidLabelAt'
const LABEL_TYPES = ['WhoSaidAnnotation', 'WhoSaidCorrection']
var last_anchor = 0

# The property type of the anchors, for whosaid#vim#clear().
export def AnchorType(): string
  return ANCHOR
enddef

# Add the host's marks ADDS to BUF (see whosaid#vim#api(): [id, row, col,
# label] an annotation, [id, row, col, name, group] a correction, [id, row,
# col, end_row, end_col, group, priority] a highlight); SHOWN: the groups to
# highlight; VIRTUAL: whether to add the labels, MARKER before a
# correction's name; AFTER: whether Vim puts virtual text after the line
# (9.0.0121), else the label is inline text at the line's end (9.0.0067).
# PLACED (above) is updated. Returns how many marks failed.
export def Add(buf: number, adds: list<any>, shown: dict<any>, virtual: bool, marker: string,
    after: bool, placed: dict<any>): number
  var failed = 0
  for m in adds
    try
      if len(m) == 4 || len(m) == 5
        if virtual
          var label = len(m) == 4 ? m[3] : empty(marker) ? m[3] : marker .. ' ' .. m[3]
          var type = len(m) == 4 ? 'WhoSaidAnnotation' : m[4]
          last_anchor += 1
          prop_add(m[1] + 1, 1, {type: ANCHOR, id: last_anchor, bufnr: buf, length: 0})
          var id: number
          try
            id = AddLabel(buf, m[1] + 1, type, label, after)
          catch
            prop_remove({id: last_anchor, types: [ANCHOR], both: true, bufnr: buf}, m[1] + 1)
            throw v:exception
          endtry
          placed.labels[string(m[0])] = [id, type, last_anchor]
          placed.texts[string(id)] = label
          placed.anchors[string(last_anchor)] = m[0]
        endif
      elseif get(shown, m[5], 0) != 0
        prop_add(m[1] + 1, m[2] + 1, {type: m[5], id: m[0], bufnr: buf, end_lnum: m[3] + 1,
          end_col: m[4] + 1})
        placed.live[string(m[0])] = true
      endif
    catch
      failed += 1
    endtry
  endfor
  return failed
enddef

# Add LABEL as virtual text of TYPE on line LNUM of BUF; Vim's id of it.
def AddLabel(buf: number, lnum: number, type: string, label: string, after: bool): number
  var props: dict<any> = {type: type, text: ' ' .. label, bufnr: buf}
  var col = 0
  if after
    props.text_align = 'after'
    # A label after a line that fills the window goes on to the next screen
    # line rather than being cut to "— …".
    if has('patch-9.0.0139')
      props.text_wrap = 'wrap'
    endif
  else
    col = strlen(get(getbufline(buf, lnum), 0, '')) + 1
  endif
  return prop_add(lnum, col, props)
enddef

# Remove the host's marks IDS from BUF: one pass over the buffer finds the
# highlights (a property split by a line break is in two lines), another
# the anchors of the labels. PLACED is updated.
export def Remove(buf: number, ids: list<any>, types: list<string>, placed: dict<any>)
  var wanted: list<number> = []
  var anchors: list<number> = []
  for id in ids
    var key = string(id)
    if has_key(placed.labels, key)
      anchors->add(placed.labels[key][2])
    else
      wanted->add(id)
      if has_key(placed.live, key)
        remove(placed.live, key)
      endif
    endif
  endfor
  var done: dict<bool> = {}
  if !empty(wanted)
    for prop in prop_list(1, {bufnr: buf, end_lnum: -1, ids: wanted, types: types})
      var key = prop.lnum .. ':' .. prop.id
      if !has_key(done, key)
        done[key] = true
        prop_remove({id: prop.id, types: types, both: true, bufnr: buf, all: true}, prop.lnum)
      endif
    endfor
  endif
  if !empty(anchors)
    for anchor in prop_list(1, {bufnr: buf, end_lnum: -1, ids: anchors, types: [ANCHOR]})
      RemoveLabel(buf, anchor.lnum, anchor.id, placed)
    endfor
    for anchor in anchors  # (a label whose anchor is gone went with its line)
      ForgetLabel(anchor, placed)
    endfor
  endif
enddef

# Remove the label of anchor ANCHOR_ID and the anchor from line LNUM of BUF.
def RemoveLabel(buf: number, lnum: number, anchor_id: number, placed: dict<any>)
  var key = string(get(placed.anchors, string(anchor_id), ''))
  if has_key(placed.labels, key)
    prop_remove({id: placed.labels[key][0], types: LABEL_TYPES, both: true, bufnr: buf,
      all: true}, lnum)
  endif
  prop_remove({id: anchor_id, types: [ANCHOR], both: true, bufnr: buf, all: true}, lnum)
  ForgetLabel(anchor_id, placed)
enddef

def ForgetLabel(anchor_id: number, placed: dict<any>)
  var anchor = string(anchor_id)
  if has_key(placed.anchors, anchor)
    var [vim_id, _, _] = remove(placed.labels, string(remove(placed.anchors, anchor)))
    if has_key(placed.texts, string(vim_id))
      remove(placed.texts, string(vim_id))
    endif
  endif
enddef

# Remove the properties in lines FIRST to LAST of BUF that an undo or a
# redo brought back: the highlights that are not the host's; and the labels
# of a line with an anchor that is not placed, whose line's labels are
# placed again from its anchors (AFTER as for Add()). PLACED is updated.
export def DropStale(buf: number, first: number, last: number, types: list<string>,
    placed: dict<any>, after: bool)
  var done: dict<bool> = {}
  var stale_lines: dict<bool> = {}
  for prop in prop_list(first, {bufnr: buf, end_lnum: last, types: types + [ANCHOR]})
    if prop.type == ANCHOR
      if !has_key(placed.anchors, string(prop.id))
        stale_lines[string(prop.lnum)] = true
        prop_remove({id: prop.id, types: [ANCHOR], both: true, bufnr: buf, all: true}, prop.lnum)
      endif
    elseif !has_key(prop, 'text') && get(prop, 'id', 0) > 0  # a highlight, not a label
      var key = string(prop.id)
      if !has_key(placed.live, key) && !has_key(done, prop.lnum .. ':' .. key)
        done[prop.lnum .. ':' .. key] = true
        prop_remove({id: prop.id, types: types, both: true, bufnr: buf, all: true}, prop.lnum)
      endif
    endif
  endfor
  for line in keys(stale_lines)
    PlaceLabelsAgain(buf, str2nr(line), placed, after)
  endfor
enddef

# The labels of line LNUM of BUF, placed again from its anchors.
def PlaceLabelsAgain(buf: number, lnum: number, placed: dict<any>, after: bool)
  prop_remove({types: LABEL_TYPES, bufnr: buf, all: true}, lnum)
  for anchor in prop_list(lnum, {bufnr: buf, types: [ANCHOR]})
    var key = string(get(placed.anchors, string(anchor.id), ''))
    if has_key(placed.labels, key)
      var [old_id, type, anchor_id] = placed.labels[key]
      var label = get(placed.texts, string(old_id), '')
      if has_key(placed.texts, string(old_id))
        remove(placed.texts, string(old_id))
      endif
      var id = AddLabel(buf, lnum, type, label, after)
      placed.labels[key] = [id, type, anchor_id]
      placed.texts[string(id)] = label
    endif
  endfor
enddef
