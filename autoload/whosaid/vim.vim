" autoload/whosaid/vim.vim: what the host asks of the editor, done in Vim.
" In Neovim the host calls the API (nvim_buf_attach, nvim_exec_lua, ...);
" in Vim (`whosaid host --vim`, Vim's JSON channel) it calls
" whosaid#vim#api(method, params) with the same methods and arguments, and
" this file does in Vimscript what Neovim would:
"
" - the edits: listener_add() on an attached buffer; each batch of changes
"   Vim reports becomes one nvim_buf_lines_event, as Neovim sends it
"   (firstline, lastline: 0-based, end exclusive, in the lines before the
"   change; linedata: the new lines);
" - the highlights: text properties whose types are named after the
"   highlight groups (WhoSaidQuote, ...), with the host's mark ids as their
"   ids, and the speaker label "— Name" as virtual text after the line
"   (Vim 9.0.0067 or later), whose ids Vim chooses: s:placed maps the
"   host's ids to them.
scriptencoding utf-8

" The text property types, one per highlight group, with the host's
" priorities: quotes below names, names below the speaker's mention.
let s:groups = {'WhoSaidPerson': 120, 'WhoSaidOrganization': 120, 'WhoSaidLocation': 120,
      \ 'WhoSaidMisc': 120, 'WhoSaidQuote': 110, 'WhoSaidSpeaker': 130,
      \ 'WhoSaidAnnotation': 100, 'WhoSaidCorrection': 100}
let s:types = keys(s:groups)
let s:anchor = whosaid#props#AnchorType()
let s:entity_groups = {'PER': 'WhoSaidPerson', 'ORG': 'WhoSaidOrganization',
      \ 'LOC': 'WhoSaidLocation', 'MISC': 'WhoSaidMisc'}

" Per attached buffer: {'listener': id, 'lines': the line count the host
" has}. s:placed: per buffer, what is placed there, as
" autoload/whosaid/props.vim describes it ({live, labels, texts, anchors}):
" Vim's undo brings a line back with the properties it had, which the host
" may have deleted since, and those go (s:drop_restored()).
let s:buffers = {}
let s:placed = {}
let s:namespaces = {}
" Whether this Vim shows virtual text (9.0.0067), and after a line's end
" (9.0.0121; before, the label is inline text at the line's end).
let s:virtual_text = has('patch-9.0.0067')
let s:after = has('patch-9.0.0121')

function! s:define_types() abort
  for [name, priority] in items(s:groups)
    if empty(prop_type_get(name))
      call prop_type_add(name, {'highlight': name, 'priority': priority})
    endif
  endfor
  if empty(prop_type_get(s:anchor))  " where a label is (autoload/whosaid/props.vim)
    call prop_type_add(s:anchor, {})
  endif
endfunction
call s:define_types()

" The property types, for tests and for reading the highlights.
function! whosaid#vim#types() abort
  return copy(s:types)
endfunction

function! whosaid#vim#virtual_text() abort
  return s:virtual_text
endfunction

" The host's calls **********************************************************

" Called by the host over the channel (["call", "whosaid#vim#api", ...],
" autoload/whosaid/host.vim). An error thrown here is answered "ERROR": the
" host takes it as a failed call, as it takes an error from Neovim's API.
function! whosaid#vim#api(method, params) abort
  let p = a:params
  if a:method ==# 'whosaid_update'
    return s:update(p[0], p[2], p[3])
  elseif a:method ==# 'nvim_create_namespace'
    if !has_key(s:namespaces, p[0])
      let s:namespaces[p[0]] = len(s:namespaces) + 1
    endif
    return s:namespaces[p[0]]
  elseif a:method ==# 'nvim_buf_attach'
    return s:attach(p[0], get(p, 1, v:false))
  elseif a:method ==# 'nvim_buf_detach'
    call s:detach(p[0], 0)
    return v:true
  elseif a:method ==# 'nvim_buf_clear_namespace'
    call whosaid#vim#clear(p[0], p[2], p[3])
    return v:null
  elseif a:method ==# 'nvim_buf_get_lines'
    return s:get_lines(p[0], p[1], p[2])
  elseif a:method ==# 'whosaid_notify'
    call s:notify(p[0])
    return v:null
  elseif a:method ==# 'whosaid_buffer_size'
    return s:size(p[0])
  endif
  throw 'whosaid: the host called an unknown method ' . a:method
endfunction

" Buffers and their edits ***************************************************

function! s:send(message) abort
  if a:message[0] ==# 'nvim_buf_lines_event'
    let a:message[1][4] = s:sendable(a:message[1][4])
  endif
  call whosaid#host#vim_notify(a:message)
endfunction

" LINES as the host must get them. Vim's json_encode() writes U+FFFD, three
" bytes, for each byte that is not UTF-8, and every column after it on that
" line would reach the host two bytes too far: such a byte goes as "\x1a"
" instead (SUB: one byte, which the analysis takes as it takes any byte
" that is not UTF-8, a character of no kind). Only a line whose encoding
" holds a U+FFFD is looked at; one with a real U+FFFD goes as it is.
function! s:sendable(lines) abort
  if stridx(json_encode(a:lines), "\uFFFD") < 0
    return a:lines
  endif
  return map(copy(a:lines),
        \ {_, line -> stridx(json_encode(line), "\uFFFD") < 0 ? line : s:bytes_as_sub(line)})
endfunction

" LINE with each byte that is not UTF-8 (a character of one byte above 127,
" to Vim) as "\x1a".
function! s:bytes_as_sub(line) abort
  return join(map(split(a:line, '\zs'),
        \ {_, c -> strlen(c) == 1 && char2nr(c) > 127 ? "\x1a" : c}), '')
endfunction

function! s:attach(buf, send_buffer) abort
  if !bufloaded(a:buf)
    return v:false
  endif
  call s:detach(a:buf, 0)
  let lines = getbufline(a:buf, 1, '$')
  let s:buffers[a:buf] = {'listener': listener_add(function('s:on_change'), a:buf),
        \ 'lines': len(lines)}
  if a:send_buffer
    call s:send(['nvim_buf_lines_event',
          \ [a:buf, getbufvar(a:buf, 'changedtick'), 0, -1, lines, v:false]])
  endif
  return v:true
endfunction

" Stop following BUF; with TELL, tell the host (the buffer was unloaded).
function! s:detach(buf, tell) abort
  if has_key(s:buffers, a:buf)
    call listener_remove(s:buffers[a:buf].listener)
    call remove(s:buffers, a:buf)
    if a:tell
      call s:send(['nvim_buf_detach_event', [a:buf]])
    endif
  endif
endfunction

" From BufUnload: the host forgets the buffer, as Neovim's detach event
" tells it.
function! whosaid#vim#unloaded(buf) abort
  call whosaid#host#forget(a:buf)
  call s:detach(a:buf, 1)
  call s:forget_placed(a:buf)
endfunction

" The host is gone: stop following every buffer (a new host attaches
" them again).
function! whosaid#vim#reset() abort
  for buf in keys(s:buffers)
    call s:detach(str2nr(buf), 0)
  endfor
endfunction

" Send what the listeners have gathered, before a request: the host must
" have every edit before it answers.
function! whosaid#vim#flush() abort
  for buf in keys(s:buffers)
    if bufloaded(str2nr(buf))
      call listener_flush(str2nr(buf))
    endif
  endfor
endfunction

" A batch of changes in BUF: one nvim_buf_lines_event for the lines they
" touched. Each change is in the lines as they were when it was made, so
" the region is followed through them: [start, new_end) now, which was
" [start, old_end) before the batch (1-based, end exclusive). Vim reports
" a batch when a change would move the lines of an earlier one, so the
" changes of a batch do not overlap in ways this cannot follow; should the
" line count still disagree, the whole buffer is sent.
function! s:on_change(buf, start, end, added, changes) abort
  if !has_key(s:buffers, a:buf)
    return
  endif
  let state = s:buffers[a:buf]
  let [start, old_end, new_end] = [-1, 0, 0]
  for change in a:changes
    if start < 0
      let [start, old_end, new_end] = [change.lnum, change.end, change.end + change.added]
      continue
    endif
    let union_end = max([new_end, change.end])
    let old_end += union_end - new_end
    let start = min([start, change.lnum])
    let new_end = union_end + change.added
  endfor
  if start < 0
    return
  endif
  call s:drop_restored(a:buf, start, new_end)
  let line_count = s:line_count(a:buf)
  let tick = getbufvar(a:buf, 'changedtick')
  if state.lines + (new_end - old_end) != line_count || old_end - 1 > state.lines
    call s:send(['nvim_buf_lines_event',
          \ [a:buf, tick, 0, -1, getbufline(a:buf, 1, '$'), v:false]])
  else
    let lines = new_end > start ? getbufline(a:buf, start, new_end - 1) : []
    call s:send(['nvim_buf_lines_event', [a:buf, tick, start - 1, old_end - 1, lines, v:false]])
  endif
  let state.lines = line_count
endfunction

" The properties in lines FIRST to END - 1 of BUF that the host no longer
" has: those of lines that an undo or a redo brought back (Vim keeps a
" line's properties with its text). Left there, each would stand beside the
" one the host places again, a label twice.
function! s:drop_restored(buf, first, end) abort
  if a:end > a:first
    call whosaid#props#DropStale(a:buf, a:first, a:end - 1, s:types, s:placed_in(a:buf),
          \ s:after ? v:true : v:false)
  endif
endfunction

" BUF's line count, without copying its lines.
function! s:line_count(buf) abort
  return a:buf == bufnr('%') ? line('$') : get(get(getbufinfo(a:buf), 0, {}), 'linecount', 0)
endfunction

function! s:get_lines(buf, first, last) abort
  if !bufloaded(a:buf)
    throw 'whosaid: buffer ' . a:buf . ' is not loaded'
  endif
  let line_count = s:line_count(a:buf)
  let first = a:first < 0 ? line_count + 1 + a:first : a:first
  let last = a:last < 0 ? line_count + 1 + a:last : a:last
  return last > first ? s:sendable(getbufline(a:buf, first + 1, last)) : []
endfunction

" [bytes, lines] of BUF, each line with its newline, or v:null when it is
" not loaded.
function! s:size(buf) abort
  if !bufloaded(a:buf)
    return v:null
  endif
  return [whosaid#vim#bytes(a:buf), s:line_count(a:buf)]
endfunction

" The bytes of BUF, each line with its newline (as nvim_buf_get_offset()
" counts them up to the end).
function! whosaid#vim#bytes(buf) abort
  if a:buf == bufnr('%')
    return max([0, line2byte(line('$') + 1) - 1])
  endif
  let bytes = 0
  for line in getbufline(a:buf, 1, '$')
    let bytes += strlen(line) + 1
  endfor
  return bytes
endfunction

" Once, without a prompt that would wait: after the call returns.
function! s:notify(message) abort
  call timer_start(0, {-> s:warn(a:message)})
endfunction

function! s:warn(message) abort
  echohl WarningMsg
  echomsg a:message
  echohl None
endfunction

" Highlights ****************************************************************

" Remove whosaid's properties from the 0-based lines FIRST to LAST (end
" exclusive, -1: to the end).
function! whosaid#vim#clear(buf, first, last) abort
  if !bufloaded(a:buf)
    return
  endif
  let line_count = s:line_count(a:buf)
  let last = a:last < 0 || a:last > line_count ? line_count : a:last
  if last <= a:first
    return
  endif
  call prop_remove({'types': s:types + [s:anchor], 'bufnr': a:buf, 'all': 1}, a:first + 1, last)
  if a:first == 0 && last == line_count
    call s:forget_placed(a:buf)
  endif
endfunction

function! s:forget_placed(buf) abort
  if has_key(s:placed, a:buf)
    call remove(s:placed, a:buf)
  endif
endfunction

" What is placed in BUF (see props.vim), made empty the first time.
function! s:placed_in(buf) abort
  if !has_key(s:placed, a:buf)
    let s:placed[a:buf] = {'live': {}, 'labels': {}, 'texts': {}, 'anchors': {}}
  endif
  return s:placed[a:buf]
endfunction

" The value of option NAME (b:whosaid_NAME, else g:whosaid_NAME) in BUF.
function! s:option(buf, name, default) abort
  let value = getbufvar(a:buf, 'whosaid_' . a:name, v:null)
  if value is v:null
    let value = get(g:, 'whosaid_' . a:name, a:default)
  endif
  return value
endfunction

" What update_lua does in Neovim (src/host/marks.c): remove the marks DELS,
" add ADDS ([id, row, col, label] an annotation, [id, row, col, name,
" group] a correction, [id, row, col, end_row, end_col, group, priority] a
" highlight), with the options read now; returns how many failed, -1 for a
" buffer that is gone.
function! s:update(buf, dels, adds) abort
  if !bufloaded(a:buf)
    return -1
  endif
  let virtual = s:option(a:buf, 'virtual_text', 1)
  let virtual = s:virtual_text && virtual isnot v:false && virtual isnot 0
  let types = s:option(a:buf, 'types', v:null)
  let marker = s:option(a:buf, 'correction_marker', '✎')
  let shown = {'WhoSaidQuote': 1, 'WhoSaidSpeaker': 1}
  for group in values(s:entity_groups)
    let shown[group] = types is v:null
  endfor
  for type in types is v:null ? [] : types
    let shown[get(s:entity_groups, type, '')] = 1
  endfor
  let placed = s:placed_in(a:buf)
  " (The loops are in Vim9 script, autoload/whosaid/props.vim.)
  call whosaid#props#Remove(a:buf, a:dels, s:types, placed)
  let failed = whosaid#props#Add(a:buf, a:adds, shown, virtual ? v:true : v:false, marker,
        \ s:after ? v:true : v:false, placed)
  silent! doautocmd <nomodeline> User WhoSaidDone
  return failed
endfunction

" whosaid's properties in BUF (for tests): prop_list() items with lnum,
" col, length, type, and for a label its text.
function! whosaid#vim#props(buf) abort
  if !bufloaded(a:buf)
    return []
  endif
  let props = prop_list(1, {'bufnr': a:buf, 'end_lnum': -1, 'types': s:types})
  let texts = get(get(s:placed, a:buf, {}), 'texts', {})
  for prop in props
    if get(prop, 'id', 0) < 0 && !has_key(prop, 'text')  " (Vim 9.0 gives no text)
      let prop.text = get(texts, prop.id, '')
    endif
  endfor
  return props
endfunction
