" autoload/whosaid/annotations.vim: a person's corrections (annotations):
" the commands that make them, the sidecar file that keeps them, and a copy
" in the buffer so that a host that dies loses none of them.
"
" The host keeps each buffer's set and answers every change with the whole
" set as sidecar JSON. That copy lives in b:whosaid_sidecar, a dictionary:
"   json     the host's last sidecar text ('' before the first answer)
"   path     the sidecar file the set came from or was saved to
"   error    the message of a failed load ('' when the file loaded)
"   unsaved  1 when a correction was made since the set was read or saved
" Positions are the host's: 0-based rows and byte columns.
scriptencoding utf-8

" Helpers ********************************************************************

function! s:error(message) abort
  echohl ErrorMsg
  echomsg a:message
  echohl None
endfunction

" Nothing after the host failed in this command: that was said already
" (autoload/whosaid/host.vim).
function! s:info(message) abort
  if !whosaid#host#failed()
    echo a:message
  endif
endfunction

" The host's own words from a request's exception ("Vim(return):Error
" invoking 'x' on channel 3:\nwhat is wrong"), starting with "whosaid: ".
function! s:message(exception) abort
  let text = substitute(a:exception,
        \ '^.\{-}Error invoking ''[^'']*'' on channel \d\+:[[:space:]]*', '', '')
  let text = substitute(text, '^Vim\%((\a\+)\)\=:\%(E\d\+: \)\=', '', '')
  return text =~# '^whosaid: ' ? text : 'whosaid: ' . text
endfunction

" The host's answer, or v:null after an error message.
function! s:request(method, ...) abort
  try
    return call('whosaid#host#request', [a:method] + a:000)
  catch
    call s:request_failed(v:exception)
  endtry
  return v:null
endfunction

" Say what went wrong with a request (unless the host's failure, said
" already), from its EXCEPTION.
function! s:request_failed(exception) abort
  if !whosaid#host#reported(a:exception)
    call s:error(s:message(a:exception))
  endif
endfunction

function! s:plural(count, word) abort
  return printf('%d %s%s', a:count, a:word, a:count == 1 ? '' : 's')
endfunction

" BUF's b:whosaid_sidecar, created empty on first use. The dictionary is
" shared, so that changing it changes the buffer's.
function! s:state(buf) abort
  let state = getbufvar(a:buf, 'whosaid_sidecar', {})
  if empty(state)
    let state = {'json': '', 'path': '', 'error': '', 'unsaved': 0}
    call setbufvar(a:buf, 'whosaid_sidecar', state)
  endif
  return state
endfunction

" How many annotations a sidecar text holds.
function! s:count(json) abort
  try
    return len(get(json_decode(a:json), 'annotations', []))
  catch
    return 0
  endtry
endfunction

" The sidecar file ***************************************************************

" Where BUF's corrections are kept: the file name with .whosaid.json added,
" or, with g:whosaid_annotations_dir, a file there named after the whole
" path with "/" as "%" (as 'undodir' does). '' for a buffer that is not a
" file (no name, or a 'buftype').
function! whosaid#annotations#path(buf) abort
  let name = bufname(a:buf)
  if empty(name) || getbufvar(a:buf, '&buftype') !=# ''
    return ''
  endif
  let full = fnamemodify(name, ':p')
  let directory = get(g:, 'whosaid_annotations_dir', '')
  if empty(directory)
    return full . '.whosaid.json'
  endif
  " (':p' ends a directory with '/' only when it exists.)
  let directory = substitute(fnamemodify(expand(directory), ':p'), '/*$', '/', '')
  return directory . substitute(full, '/', '%', 'g')
endfunction

" Replace the host's set for BUF with SOURCE ({path} or {json, name}) and
" keep the answer. A load that fails leaves the host's set empty; its
" message (which names FILE:LINE:COLUMN) is shown once, not at every retry.
function! s:load(buf, source) abort
  let state = s:state(a:buf)
  try
    let answer = whosaid#host#request('annotations_load', a:buf, a:source)
  catch
    if whosaid#host#reported(v:exception)
      " The host failed, not the file: said already, and the set stays as it was.
      return 0
    endif
    let message = s:message(v:exception)
    if message !=# state.error
      call s:error(message)
    endif
    let [state.error, state.json, state.unsaved] = [message, '', 0]
    return 0
  endtry
  let [state.error, state.json] = ['', answer.sidecar]
  return 1
endfunction

" On :WhoSaid on, before the first analysis: BUF's corrections from the
" sidecar file, or from the copy in the buffer when it holds corrections
" not yet saved (so that :WhoSaid off and on loses none). A file that
" failed to load is always read again: it may have been mended, and if not
" the host must know, to refuse to overwrite it.
function! whosaid#annotations#load(buf) abort
  let state = s:state(a:buf)
  let path = whosaid#annotations#path(a:buf)
  if state.unsaved && !empty(state.json)
    call s:load_copy(a:buf, state, empty(path) ? bufname(a:buf) : path)
  elseif !empty(path)
    let state.path = path
    call s:load(a:buf, {'path': path})
  endif
endfunction

" After the host restarted and attached BUF again: its set from the copy in
" the buffer, not from the file, which may be older. A file that failed to
" load is read again instead, so that the host still refuses to overwrite it.
function! whosaid#annotations#restore(buf) abort
  let state = getbufvar(a:buf, 'whosaid_sidecar', {})
  if empty(state)
    return
  elseif !empty(state.json)
    call s:load_copy(a:buf, state, empty(state.path) ? bufname(a:buf) : state.path)
  elseif !empty(state.error)
    call s:load(a:buf, {'path': state.path})
  endif
endfunction

" The buffer's copy of its set back into the host. After a failed load the
" copy holds only the corrections made since; the host is told of that
" failure ('blocked'), so that it still refuses to overwrite the file.
function! s:load_copy(buf, state, name) abort
  let source = {'json': a:state.json, 'name': a:name}
  let error = a:state.error
  if !empty(error)
    let source.blocked = error
  endif
  if s:load(a:buf, source) && !empty(error)
    let a:state.error = error
  endif
endfunction

" Write BUF's set to its sidecar. QUIET (on :write) says nothing when all
" is well. A sidecar that failed to load is left alone unless FORCE.
function! s:save(buf, force, quiet) abort
  let state = s:state(a:buf)
  let path = whosaid#annotations#path(a:buf)
  if empty(path)
    if !a:quiet
      " (A scratch buffer stays one after ":write {file}": it is no file's.)
      call s:error('whosaid: this buffer is not a file, so its corrections stay in memory '
            \ . (getbufvar(a:buf, '&buftype') ==# ''
            \     ? '(:write it to a file, then :WhoSaid save)'
            \     : '(:WhoSaid export keeps them in a file)'))
    endif
    return
  endif
  if !empty(state.error) && state.path ==# path && !a:force
    if !a:quiet || s:count(state.json) > 0
      call s:error('whosaid: ' . path . ' failed to load, so it is left as it is; '
            \ . ':WhoSaid! save replaces it')
    endif
    return
  endif
  let directory = fnamemodify(path, ':h')
  if !isdirectory(directory) && s:count(state.json) > 0
    call mkdir(directory, 'p', 0700)
  endif
  let answer = s:request('annotations_save', a:buf, path, a:force ? v:true : v:false)
  if answer is v:null | return | endif
  let [state.path, state.error, state.unsaved] = [path, '', 0]
  if !a:quiet
    call s:info(answer.written ? printf('whosaid: %s saved in %s',
          \ s:plural(answer.count, 'correction'), answer.path) : 'whosaid: no corrections to save')
  endif
endfunction

" On BufWritePost: the corrections follow the article to disk. Writing a
" copy elsewhere (:write other.txt) is not writing the article.
function! whosaid#annotations#written(buf, file) abort
  if whosaid#host#attached(a:buf) && a:file ==# fnamemodify(bufname(a:buf), ':p')
    call s:save(a:buf, 0, 1)
  endif
endfunction

function! whosaid#annotations#save(buf, force) abort
  call s:save(a:buf, a:force, 0)
endfunction

" Corrections ********************************************************************

" Change the annotation at WHERE ([row, col]: the quoted span there; or a
" range) in BUF, keeping the sidecar the host answers with. Returns the
" answer, or v:null after a message.
function! s:annotate(buf, where, change) abort
  let answer = s:request('annotate', a:buf, a:where, a:change)
  if answer isnot v:null
    let state = s:state(a:buf)
    let [state.json, state.unsaved] = [answer.sidecar, 1]
  endif
  return answer
endfunction

function! s:cursor() abort
  return [line('.') - 1, col('.') - 1]
endfunction

" The names a quote can be given: the speakers', then those of the people
" and organisations the article names, each once (the host's names(buf)).
function! whosaid#annotations#names(buf) abort
  let names = s:request('names', a:buf)
  return names is v:null ? [] : map(names, 'v:val.name')
endfunction

" :WhoSaid assign [{name}]: '-' clears, '' asks (once it is sure that there
" is a quote to give the name to: not after the user chose one).
function! whosaid#annotations#assign(buf, name) abort
  if empty(a:name)
    let where = s:cursor()
    try
      let span = whosaid#host#request('quoted_span', a:buf, where[0], where[1])
    catch
      return s:request_failed(v:exception)
    endtry
    if span is v:null
      return s:error('whosaid: no quote under the cursor at line ' . (where[0] + 1))
    endif
    return s:ask_name(a:buf, where)
  endif
  call s:assign(a:buf, s:cursor(), a:name ==# '-' ? '' : a:name)
endfunction

function! s:assign(buf, where, name) abort
  if s:annotate(a:buf, a:where, {'speaker': a:name}) is v:null | return | endif
  call s:info(empty(a:name) ? 'whosaid: the speaker is found by whosaid again'
        \ : 'whosaid: a quote by ' . a:name . ' (corrected)')
endfunction

let s:new_name = 'Another name…'

" Choose a name with vim.ui.select (in Vim, inputlist()); the last entry
" asks for one that the article does not name, with vim.ui.input (input()).
" Both may answer later (a picker plugin), so the quote is remembered now.
function! s:ask_name(buf, where) abort
  let s:asking = {'buf': a:buf, 'where': a:where,
        \ 'names': whosaid#annotations#names(a:buf) + [s:new_name]}
  call whosaid#select(s:asking.names, 'Speaker of this quote',
        \ function('whosaid#annotations#picked'))
endfunction

function! whosaid#annotations#picked(index) abort
  let name = s:asking.names[a:index - 1]
  if name !=# s:new_name
    return s:assign(s:asking.buf, s:asking.where, name)
  endif
  call whosaid#input('Speaker: ', function('whosaid#annotations#typed'))
endfunction

function! whosaid#annotations#typed(name) abort
  call s:assign(s:asking.buf, s:asking.where, a:name)
endfunction

" The span of an :isquote or :notquote range ([count, line1, line2]): with
" the lines of the last Visual selection (:'<,'>), its exact characters (a
" line-wise one: whole lines); other lines whole; [] for no range.
function! s:span(range) abort
  let [given, line1, line2] = a:range
  if given == 0
    return []
  endif
  let [start, end] = [getpos("'<"), getpos("'>")]
  if start[1] != line1 || end[1] != line2 || visualmode() ==# 'V' || empty(visualmode())
    return [line1 - 1, 0, line2 - 1, strlen(getline(line2))]
  endif
  let last = getline(line2)
  let end_col = min([end[2] - 1, strlen(last)])
  if &selection !=# 'exclusive'
    " '> is the first byte of the last character: take the whole character.
    let end_col += strlen(matchstr(last, '\%' . (end_col + 1) . 'c.'))
  endif
  return [line1 - 1, min([start[2] - 1, strlen(getline(line1))]), line2 - 1, end_col]
endfunction

" :WhoSaid isquote / notquote, on RANGE or the quoted span under the cursor.
function! whosaid#annotations#verdict(buf, verdict, range) abort
  let span = s:span(a:range)
  let answer = s:annotate(a:buf, empty(span) ? s:cursor() : span, {'verdict': a:verdict})
  if answer isnot v:null
    call s:info(a:verdict ==# 'quote' ? 'whosaid: a quote' : 'whosaid: not a quote')
  endif
endfunction

" :WhoSaid note {text}; '-' removes it.
function! whosaid#annotations#note(buf, text) abort
  if empty(a:text)
    return s:error('whosaid: :WhoSaid note needs a text (or - to remove the note)')
  endif
  let note = a:text ==# '-' ? '' : a:text
  if s:annotate(a:buf, s:cursor(), {'note': note}) isnot v:null
    call s:info(empty(note) ? 'whosaid: note removed' : 'whosaid: note added')
  endif
endfunction

" The annotation attached to the smallest span around POSITION in BUF, or {}.
function! whosaid#annotations#at(buf, position) abort
  let annotations = s:request('annotations', a:buf)
  let found = {}
  for annotation in annotations is v:null ? [] : annotations
    if annotation.attached && s:inside(annotation.range, a:position)
          \ && (empty(found) || s:before(found.range, annotation.range))
      let found = annotation
    endif
  endfor
  return found
endfunction

" Whether range A starts before range B (of two nested spans, the outer).
function! s:before(a, b) abort
  return a:a[0] < a:b[0] || (a:a[0] == a:b[0] && a:a[1] < a:b[1])
endfunction

function! s:inside(range, position) abort
  let [row, col] = a:position
  let after_start = row > a:range[0] || (row == a:range[0] && col >= a:range[1])
  let before_end = row < a:range[2] || (row == a:range[2] && col < a:range[3])
  return after_start && before_end
endfunction

" Orphans and export ***************************************************************

" "Heiko Maas: “first words…”" for an annotation.
function! s:label(annotation) abort
  let entry = a:annotation
  let what = !empty(entry.speaker) ? entry.speaker
        \ : entry.verdict ==# 'not_quote' ? 'not a quote'
        \ : entry.verdict ==# 'quote' ? 'a quote' : 'note'
  let text = substitute(entry.text, '\s*\n\s*', ' ', 'g')
  if strchars(text) > 60
    let text = strcharpart(text, 0, 59) . '…'
  endif
  return what . ': ' . text
endfunction

" :WhoSaid orphans: the corrections whose words are no longer in the buffer,
" at the line where they were last seen.
function! whosaid#annotations#orphans(buf) abort
  let annotations = s:request('annotations', a:buf)
  if annotations is v:null | return | endif
  let last = line('$')
  let items = map(filter(annotations, '!v:val.attached'), {_, orphan -> {'bufnr': a:buf,
        \ 'lnum': min([orphan.line + 1, last]), 'text': 'orphan: ' . s:label(orphan)}})
  call setloclist(0, [], ' ', {'title': 'whosaid orphans', 'items': items})
  if empty(items)
    return s:info('whosaid: no orphans')
  endif
  lopen
  call s:info(printf('whosaid: %s (corrections whose words are no longer in the buffer; '
        \ . 'they stay in the sidecar)', s:plural(len(items), 'orphan')))
endfunction

" :WhoSaid export {file}: .json, .csv or .md.
function! whosaid#annotations#export(buf, file) abort
  if empty(a:file)
    return s:error('whosaid: :WhoSaid export needs a file name ending in .json, .csv or .md')
  endif
  " As :write takes it: %, #, ~ and $VAR expanded.
  try
    let file = expandcmd(a:file)
  catch
    return s:error(s:message(v:exception))
  endtry
  let path = fnamemodify(file, ':p')
  let kept = s:kept_file(a:buf, path)
  if !empty(kept)
    return s:error('whosaid: export: ' . path . ' is ' . kept . '; choose another file name')
  endif
  let answer = s:request('export', a:buf, path, v:null, s:file_form(a:buf))
  if answer isnot v:null
    let quotes = type(answer.quotes) == v:t_list ? len(answer.quotes) : answer.quotes
    let encoding = getbufvar(a:buf, '&fileencoding')
    call s:info(printf('whosaid: %s written to %s (%s)%s', s:plural(quotes, 'quote'),
          \ answer.path, answer.format, encoding =~? '^\(utf-\?8\)\=$' ? ''
          \ : printf('; its offsets count the text in UTF-8, the file is in %s', encoding)))
  endif
endfunction

" What PATH is of BUF's own files, which an export must not replace ("the
" article itself" for "export %" of a .md article), or ''.
function! s:kept_file(buf, path) abort
  let path = resolve(a:path)
  let article = bufname(a:buf)
  if !empty(article) && path ==# resolve(fnamemodify(article, ':p'))
    return 'the article itself'
  endif
  let sidecars = [whosaid#annotations#path(a:buf), s:state(a:buf).path]
  if index(map(filter(sidecars, '!empty(v:val)'), 'resolve(v:val)'), path) >= 0
    return 'where its corrections are kept'
  endif
  return ''
endfunction

" How BUF's file differs from its lines joined by newlines, which the host
" holds: for the export's offsets to be the file's, as FORMAT.md has them.
function! s:file_form(buf) abort
  let format = getbufvar(a:buf, '&fileformat')
  return {'crlf': format ==# 'dos' ? v:true : v:false, 'cr': format ==# 'mac' ? v:true : v:false,
        \ 'bom': getbufvar(a:buf, '&bomb') ? v:true : v:false}
endfunction
