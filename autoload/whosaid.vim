" autoload/whosaid.vim: the :WhoSaid command, its jumps and lists, and the
" Vimscript API. Positions from the host are 0-based rows and byte columns
" ([row, col, end_row, end_col]); Vim's are 1-based lines and columns.
scriptencoding utf-8

let s:subcommands = ['on', 'off', 'toggle', 'speaker', 'quote', 'mention', 'quotes',
      \ 'mentions', 'speakers', 'info', 'assign', 'notquote', 'isquote', 'note', 'orphans',
      \ 'save', 'export', 'health']

" Helpers ********************************************************************

function! s:error(message) abort
  echohl ErrorMsg
  echomsg a:message
  echohl None
endfunction

" Nothing after the host failed in this command: that was said already
" (autoload/whosaid/host.vim), and "no quote" would hide it.
function! s:info(message) abort
  if !whosaid#host#failed()
    echo a:message
  endif
endfunction

" The error in EXCEPTION, unless it is the host's failure, said already.
function! s:exception_error(exception) abort
  if whosaid#host#reported(a:exception)
    return
  elseif a:exception =~# '^Vim\%((\a\+)\)\=:E475\|^Vim\%((\a\+)\)\=:E5555\|whosaid:'
    call s:error(substitute(a:exception, '^Vim\%((\a\+)\)\=:E\d\+: ', '', ''))
  else
    call s:error('whosaid: ' . a:exception)
  endif
endfunction

" The host's answer, or v:null after an error message.
function! s:request(method, ...) abort
  try
    return call('whosaid#host#request', [a:method] + a:000)
  catch
    call s:exception_error(v:exception)
  endtry
  return v:null
endfunction

" The current buffer, attached (enabling it if needed); -1 after a message.
function! s:buffer() abort
  let buf = bufnr('%')
  if !whosaid#host#attached(buf) || !whosaid#host#running()
    if !s:enable(buf)
      return -1
    endif
  endif
  return buf
endfunction

" The cursor as the host counts it: [row, byte column], 0-based.
function! s:cursor() abort
  return [line('.') - 1, col('.') - 1]
endfunction

" Jump to the start of a host range, in the jumplist.
function! s:jump(range) abort
  normal! m'
  call cursor(a:range[0] + 1, a:range[1] + 1)
endfunction

function! s:inside(range, position) abort
  let [row, col] = a:position
  let after_start = row > a:range[0] || (row == a:range[0] && col >= a:range[1])
  let before_end = row < a:range[2] || (row == a:range[2] && col < a:range[3])
  return after_start && before_end
endfunction

" The bytes of BUF, each line with its newline.
function! s:bytes(buf) abort
  return has('nvim') ? nvim_buf_get_offset(a:buf, nvim_buf_line_count(a:buf))
        \ : whosaid#vim#bytes(a:buf)
endfunction

" Choose one of ITEMS (strings): vim.ui.select() in Neovim, inputlist() in
" Vim. CALLBACK gets the 1-based index of the choice; nothing is called
" when none is made.
function! whosaid#select(items, prompt, callback) abort
  if has('nvim')
    let s:selecting = a:callback
    call luaeval('vim.ui.select(_A[1], {prompt = _A[2]}, function(_, i) '
          \ . 'if i then vim.fn["whosaid#selected"](i) end end)', [a:items, a:prompt])
    return
  endif
  let choice = inputlist([a:prompt . ':'] + map(copy(a:items), {i, item -> (i + 1) . '. ' . item}))
  if choice >= 1 && choice <= len(a:items)
    call call(a:callback, [choice])
  endif
endfunction

function! whosaid#selected(index) abort
  call call(s:selecting, [a:index])
endfunction

" Ask for a text: vim.ui.input() in Neovim, input() in Vim. CALLBACK gets
" it, unless it is empty.
function! whosaid#input(prompt, callback) abort
  if has('nvim')
    let s:inputting = a:callback
    call luaeval('vim.ui.input({prompt = _A}, function(text) '
          \ . 'if text and text ~= "" then vim.fn["whosaid#typed"](text) end end)', a:prompt)
    return
  endif
  let text = input(a:prompt)
  if !empty(text)
    call call(a:callback, [text])
  endif
endfunction

function! whosaid#typed(text) abort
  call call(s:inputting, [a:text])
endfunction

" on, off, toggle ***************************************************************

let s:wait_bytes = 1024 * 1024

" The 'buftype's of text a person reads or writes: files, and scratch
" buffers (an article pasted into a 'nofile' buffer); not help, lists,
" terminals or prompts.
let s:text_buftypes = ['', 'acwrite', 'nofile', 'nowrite']

function! s:enable(buf) abort
  let buftype = getbufvar(a:buf, '&buftype')
  if index(s:text_buftypes, buftype) < 0
    call s:error('whosaid: not a text buffer (''buftype'' is ' . buftype . ')')
    return 0
  endif
  " (The host counts UTF-8 bytes; Vim may hold the text in another encoding.)
  if !has('nvim') && &encoding !=# 'utf-8'
    call s:error('whosaid: Vim''s ''encoding'' is ' . &encoding . ', and whosaid needs utf-8 '
          \ . '(:set encoding=utf-8 at the top of your vimrc)')
    return 0
  endif
  try
    call whosaid#host#attach(a:buf)
    if has('nvim')
      call luaeval('require("whosaid.reload").watch(_A)', a:buf)
    endif
    " The corrections first, so that the first highlights show them.
    call whosaid#annotations#load(a:buf)
    " Up to 1 MiB, wait for the first highlights (a few tens of ms), so that
    " what follows sees them. A larger buffer is analysed while the user goes
    " on: its highlights come when ready, and a request that needs the
    " analysis waits for it then.
    if s:bytes(a:buf) <= s:wait_bytes
      call whosaid#host#request('analyze', a:buf)  " returns once highlights are in place
    endif
  catch
    if !whosaid#host#reported(v:exception)
      call s:error(substitute(v:exception, '^Vim\%((\a\+)\)\=:E\d\+: ', '', ''))
    endif
    return 0
  endtry
  call setbufvar(a:buf, 'whosaid_enabled', 1)
  return 1
endfunction

function! s:disable(buf) abort
  try
    call whosaid#host#detach(a:buf)
  catch
    call s:exception_error(v:exception)
  endtry
  call setbufvar(a:buf, 'whosaid_enabled', 0)
endfunction

" BUF was read again: by :edit!, loaded again after an unload, or because
" its file changed on disk ('autoread', :checktime). From BufReadPost
" (plugin/whosaid.vim), and in Neovim from lua/whosaid/reload.lua once the
" reload is done (Neovim ends the host's attachment after BufReadPost then).
" Unless the buffer is attached already, it is enabled again at once: the
" corrections as :WhoSaid on finds them (unsaved ones from the buffer's
" copy, else the sidecar file, which may have changed with the article),
" and the highlights of the text as it is now.
function! whosaid#reloaded(buf) abort
  if !has('nvim')  " (an autoread reload unloads nothing: Vim's host is told here)
    call whosaid#vim#unloaded(a:buf)
  endif
  if bufloaded(a:buf) && getbufvar(a:buf, 'whosaid_enabled', 0)
        \ && !whosaid#host#attached(a:buf)
    call s:enable(a:buf)
  endif
endfunction

" From the FileType autocommand: enable once the buffer is displayed.
" Only a file's buffer: a plugin's scratch window of that filetype (a
" preview, a hover) is left alone, and without a word.
function! whosaid#enable_later(buf) abort
  let buf = str2nr(a:buf)
  if index(['', 'acwrite'], getbufvar(buf, '&buftype')) >= 0
        \ && !getbufvar(buf, 'whosaid_enabled', 0)
    call timer_start(0, {-> bufnr('%') == buf ? s:enable(buf) : 0})
  endif
endfunction

" speaker *************************************************************************

let s:last_jump = {}

function! s:speaker() abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let cursor = s:cursor()
  " Run again where the last jump landed: on to the speaker's first mention.
  if get(s:last_jump, 'buf', -1) == buf && s:inside(s:last_jump.target, cursor)
    call s:jump(s:last_jump.first)
    let s:last_jump = {}
    return
  endif
  let found = s:request('speaker_of', buf, cursor[0], cursor[1])
  if found is v:null
    return s:info('whosaid: the cursor is not in a quote')
  endif
  if found.speaker is v:null
    return s:info('whosaid: the speaker of this quote is unknown')
  endif
  " The name itself ("Geng Shuang" of "spokesman Geng Shuang"; for "he",
  " the nearest earlier mention by name).
  let target = found.named isnot v:null ? found.named
        \ : found.mention isnot v:null ? found.mention : found.first
  call s:jump(target)
  let s:last_jump = {'buf': buf, 'target': target, 'first': found.first}
  call s:info('whosaid: ' . found.speaker)
endfunction

" Speakers by name ****************************************************************

" The canonical speaker NAME means in the buffer ("Pompeo": Mike Pompeo;
" "." the speaker under the cursor), or '' after a message.
function! s:speaker_named(buf, name) abort
  if a:name ==# '.'
    let cursor = s:cursor()
    let found = s:request('speaker_of', a:buf, cursor[0], cursor[1])
    if found isnot v:null && found.speaker isnot v:null
      return found.speaker
    endif
    let found = s:request('mentions_of', a:buf, cursor[0], cursor[1])
    if found isnot v:null
      return found.name
    endif
    call s:info('whosaid: no quote or name under the cursor')
    return ''
  endif
  let name = s:request('speaker_named', a:buf, a:name)
  if name isnot v:null
    return name
  endif
  call s:info('whosaid: no speaker called ' . a:name)
  return ''
endfunction

" quote next / prev ****************************************************************

function! s:quote(direction, speaker, count) abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let name = v:null
  if !empty(a:speaker)
    let name = s:speaker_named(buf, a:speaker)
    if empty(name) | return | endif
  endif
  let cursor = s:cursor()
  let found = v:null
  for i in range(max([a:count, 1]))
    let next = s:request('quote_near', buf, cursor[0], cursor[1], a:direction, name)
    if next is v:null | break | endif
    let found = next
    let cursor = next.range[0:1]
  endfor
  if found is v:null
    return s:info('whosaid: no quote' . (name is v:null ? '' : ' by ' . name))
  endif
  call s:jump(found.range)
  if found.wrapped
    call s:info(a:direction > 0 ? 'search hit BOTTOM, continuing at TOP'
          \ : 'search hit TOP, continuing at BOTTOM')
  endif
endfunction

" mentions **************************************************************************

function! s:mentions_here(buf) abort
  let cursor = s:cursor()
  let found = s:request('mentions_of', a:buf, cursor[0], cursor[1])
  if found is v:null
    call s:info('whosaid: no name under the cursor')
  endif
  return found
endfunction

function! s:mention(direction, count) abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let found = s:mentions_here(buf)
  if found is v:null | return | endif
  let ranges = found.ranges
  let cursor = s:cursor()
  let here = 0
  for i in range(len(ranges))
    if s:inside(ranges[i], cursor) | let here = i | endif
  endfor
  let target = (here + a:direction * max([a:count, 1])) % len(ranges)
  call s:jump(ranges[target < 0 ? target + len(ranges) : target])
endfunction

" Lists *****************************************************************************

" "Speaker: “first words…”" for a quote in BUF.
function! s:quote_label(buf, quote) abort
  let [row, col, end_row, end_col] = a:quote.range
  let line = get(getbufline(a:buf, row + 1), 0, '')
  let text = row == end_row ? line[col : end_col - 1] : line[col :]
  if strchars(text) > 60
    let text = strcharpart(text, 0, 59) . '…'
  endif
  let who = a:quote.speaker is v:null ? 'unknown' : a:quote.speaker
  if get(a:quote, 'corrected', v:false)
    let who .= ' ' . get(g:, 'whosaid_correction_marker', '✎')
  endif
  return who . ': ' . text
endfunction

function! s:quotes_list(speaker) abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let name = v:null
  if !empty(a:speaker)
    let name = s:speaker_named(buf, a:speaker)
    if empty(name) | return | endif
  endif
  let quotes = s:request('quotes', buf)
  if quotes is v:null | return | endif
  let items = []
  for quote in quotes
    if name is v:null || quote.speaker is# name
      call add(items, {'bufnr': buf, 'lnum': quote.range[0] + 1, 'col': quote.range[1] + 1,
            \ 'text': s:quote_label(buf, quote)})
    endif
  endfor
  call setloclist(0, [], ' ', {'title': 'whosaid quotes', 'items': items})
  if empty(items)
    return s:info('whosaid: no quotes')
  endif
  lopen
endfunction

function! s:mentions_list() abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let found = s:mentions_here(buf)
  if found is v:null | return | endif
  " Each mention with its words around it, as :vimgrep lists a match (the
  " name alone, the same on every line, told nothing).
  let items = map(copy(found.ranges), {_, r -> {'bufnr': buf, 'lnum': r[0] + 1, 'col': r[1] + 1,
        \ 'end_lnum': r[2] + 1, 'end_col': r[3] + 1, 'text': s:context(buf, r)}})
  call setloclist(0, [], ' ', {'title': 'whosaid mentions of ' . found.name, 'items': items})
  lopen
endfunction

" The words around RANGE on its first line: whole words from up to 60
" bytes before it to up to 100 characters from its start, with "…" where
" the line goes on. (Slices, not a pattern: a regexp anchored at a column
" took 18 s for the 12,000 mentions of a 5 MB buffer.)
function! s:context(buf, range) abort
  let line = get(getbufline(a:buf, a:range[0] + 1), 0, '')
  let col = a:range[1]
  let from = max([0, col - 60])
  let before = strpart(line, from, col - from)
  let after = strpart(line, col, 100, 1)  " (characters: none is cut in two)
  if from > 0  " (a partial word, or character, goes)
    let before = '…' . substitute(before, '^\S*\s*', '', '')
  endif
  if col + strlen(after) < strlen(line)
    let after = substitute(after, '\s\+\S*$', '', '') . '…'
  endif
  return before . after
endfunction

function! s:speakers_pick() abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let speakers = s:request('speakers', buf)
  let quotes = s:request('quotes', buf)
  if speakers is v:null || quotes is v:null | return | endif
  if empty(speakers)
    return s:info('whosaid: no speakers in this buffer')
  endif
  let s:picked = {'buf': buf, 'speakers': speakers, 'quotes': quotes}
  let labels = map(copy(speakers), {_, s -> s.name . (s.role is v:null ? '' : ', ' . s.role)
        \ . printf(' (%d quote%s)', len(s.quotes), len(s.quotes) == 1 ? '' : 's')})
  call whosaid#select(labels, 'Speaker', function('whosaid#picked'))
endfunction

function! whosaid#picked(index) abort
  let speaker = s:picked.speakers[a:index - 1]
  if !empty(speaker.quotes)
    call s:jump(s:picked.quotes[speaker.quotes[0]].range)
  endif
endfunction

function! s:info_here() abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  let cursor = s:cursor()
  let found = s:request('speaker_of', buf, cursor[0], cursor[1])
  let annotation = whosaid#annotations#at(buf, cursor)
  let note = empty(get(annotation, 'note', v:null)) ? '' : '; note: ' . annotation.note
  if found isnot v:null
    let how = get(found, 'corrected', v:false) ? ' (corrected by a person)'
          \ : found.mention is v:null ? '' : ' (' . found.kind . ')'
    return s:info(printf('whosaid: a quote by %s%s%s', found.speaker is v:null
          \ ? 'an unknown speaker' : found.speaker, how, note))
  endif
  if get(annotation, 'verdict', '') ==# 'not_quote'
    return s:info('whosaid: not a quote (corrected by a person)' . note)
  endif
  " A quoted span that is no direct quote says why ("back door": a scare
  " quote), and the name under the cursor what it is.
  let what = []
  let span = s:request('quoted_span', buf, cursor[0], cursor[1])
  if span isnot v:null && !span.direct
    call add(what, 'not a direct quote: ' . span.why)
  endif
  " (The entity under the cursor alone, not the list of them all, which took
  " a quarter of a second in a 5 MB buffer.)
  let entity = s:request('mentions_of', buf, cursor[0], cursor[1])
  if entity isnot v:null
    call add(what, entity.type . ' ' . entity.name)
  endif
  call s:info('whosaid: ' . (empty(what) ? 'nothing here' : join(what, '; ')) . note)
endfunction

" The command ***************************************************************************

" Split ARGS into words; "double quotes" and backslash-escaped spaces keep
" a name with spaces whole.
function! s:words(args) abort
  let words = []
  for match in split(a:args, '\%("[^"]*"\|\%(\\ \|\S\)\+\)\zs\s*')
    call add(words, substitute(substitute(trim(match), '^"\(.*\)"$', '\1', ''), '\\ ', ' ', 'g'))
  endfor
  return filter(words, '!empty(v:val)')
endfunction

" ARGS, COUNT, then optionally BANG and RANGE ([<range>, <line1>, <line2>]).
function! whosaid#command(args, count, ...) abort
  call whosaid#host#next_command()
  let words = s:words(a:args)
  let [command, rest] = [get(words, 0, ''), words[1:]]
  let buf = bufnr('%')
  if command ==# 'health'
    " (Vim has no :checkhealth: the same report in a buffer.)
    if has('nvim')
      checkhealth whosaid
    else
      call whosaid#health#show()
    endif
    return
  endif
  if index(s:annotation_commands, command) >= 0
    return s:annotation_command(command, rest, a:args, get(a:000, 0, 0), get(a:000, 1, [0, 0, 0]))
  elseif command ==# 'on'
    call s:enable(buf)
  elseif command ==# 'off'
    call s:disable(buf)
  elseif command ==# 'toggle' && getbufvar(buf, 'whosaid_enabled', 0)
    call s:disable(buf)
  elseif command ==# 'toggle'
    call s:enable(buf)
  elseif command ==# 'speaker'
    call s:speaker()
  elseif command ==# 'quote' && index(['next', 'prev'], get(rest, 0, '')) >= 0
    call s:quote(rest[0] ==# 'next' ? 1 : -1, join(rest[1:]), a:count)
  elseif command ==# 'mention' && index(['next', 'prev'], get(rest, 0, '')) >= 0
    call s:mention(rest[0] ==# 'next' ? 1 : -1, a:count)
  elseif command ==# 'quotes'
    call s:quotes_list(join(rest))
  elseif command ==# 'mentions'
    call s:mentions_list()
  elseif command ==# 'speakers'
    call s:speakers_pick()
  elseif command ==# 'info'
    call s:info_here()
  else
    call s:error('whosaid: unknown command ' . string(a:args) . ' (try :WhoSaid on, speaker, '
          \ . 'quote next, quotes, speakers, assign; see :help whosaid)')
  endif
endfunction

let s:annotation_commands = ['assign', 'notquote', 'isquote', 'note', 'orphans', 'save',
      \ 'export']

" The corrections (autoload/whosaid/annotations.vim). A note is the text as
" typed (quotes and spaces kept); a name or a file name is split as words.
function! s:annotation_command(command, rest, args, bang, range) abort
  let buf = s:buffer()
  if buf < 0 | return | endif
  if a:command ==# 'assign'
    call whosaid#annotations#assign(buf, join(a:rest))
  elseif a:command ==# 'notquote' || a:command ==# 'isquote'
    call whosaid#annotations#verdict(buf, a:command ==# 'isquote' ? 'quote' : 'not_quote', a:range)
  elseif a:command ==# 'note'
    call whosaid#annotations#note(buf, trim(matchstr(a:args, '^\s*note\s\zs.*')))
  elseif a:command ==# 'orphans'
    call whosaid#annotations#orphans(buf)
  elseif a:command ==# 'save'
    call whosaid#annotations#save(buf, a:bang)
  else
    call whosaid#annotations#export(buf, join(a:rest))
  endif
endfunction

function! whosaid#complete(lead, line, position) abort
  let words = split(a:line[: a:position - 1], '\s\+', 1)[1:]
  if len(words) <= 1
    return filter(copy(s:subcommands), 'v:val =~# "^" . a:lead')
  endif
  if index(['quote', 'mention'], words[0]) >= 0 && len(words) == 2
    return filter(['next', 'prev'], 'v:val =~# "^" . a:lead')
  endif
  if words[0] ==# 'export'
    return map(getcompletion(a:lead, 'file'), 'escape(v:val, " ")')
  endif
  if words[0] ==# 'assign'
    let buf = bufnr('%')
    if !whosaid#host#attached(buf) | return [] | endif
    let names = map(whosaid#annotations#names(buf), 'escape(v:val, " ")')
    return filter(names, 'stridx(tolower(v:val), tolower(a:lead)) == 0')
  endif
  if (words[0] ==# 'quote' && len(words) == 3) || (words[0] ==# 'quotes' && len(words) == 2)
    let buf = bufnr('%')
    if !whosaid#host#attached(buf) | return [] | endif
    let speakers = s:request('speakers', buf)
    let names = map(speakers is v:null ? [] : speakers, {_, s -> escape(s.name, ' ')})
    return filter(names, 'tolower(v:val) =~# "^" . tolower(a:lead)')
  endif
  return []
endfunction

" The Vimscript API ***********************************************************************

" The buffer an API function is about: ARGS[0] as bufnr() reads it (a number
" or a name), the current one when it is 0 or absent. (0 as in Neovim's API:
" bufnr(0) would be the alternate buffer, a surprise for a caller from Lua.)
function! s:api_buffer(args) abort
  let buf = empty(a:args) || a:args[0] is 0 ? bufnr('%') : bufnr(a:args[0])
  if buf < 0
    throw 'whosaid: no buffer ' . string(a:args[0])
  endif
  " (Enabled, but read again since: attached again here.)
  if !whosaid#host#attached(buf)
        \ && !(getbufvar(buf, 'whosaid_enabled', 0) && bufloaded(buf) && s:enable(buf))
    throw 'whosaid: buffer ' . buf . ' is not enabled (:WhoSaid on)'
  endif
  return buf
endfunction

" The quotes of a buffer: {lnum, col, end_lnum, end_col, text, speaker,
" speaker_lnum, speaker_col, corrected, verdict, note}, 1-based, end
" exclusive.
function! whosaid#quotes(...) abort
  let buf = s:api_buffer(a:000)
  let result = []
  for quote in whosaid#host#request('quotes', buf)
    let [row, col, end_row, end_col] = quote.range
    let lines = getbufline(buf, row + 1, end_row + 1)
    let text = len(lines) == 1 ? lines[0][col : end_col - 1]
          \ : join([lines[0][col :]] + lines[1:-2] + [lines[-1][: end_col - 1]], "\n")
    let mention = quote.mention
    call add(result, {'lnum': row + 1, 'col': col + 1, 'end_lnum': end_row + 1,
          \ 'end_col': end_col + 1, 'text': text, 'speaker': quote.speaker,
          \ 'speaker_lnum': mention is v:null ? v:null : mention[0] + 1,
          \ 'speaker_col': mention is v:null ? v:null : mention[1] + 1,
          \ 'corrected': get(quote, 'corrected', v:false), 'verdict': get(quote, 'verdict', v:null),
          \ 'note': get(quote, 'note', v:null)})
  endfor
  return result
endfunction

" The entities of a buffer: {lnum, col, end_lnum, end_col, text, type, name}.
function! whosaid#entities(...) abort
  let buf = s:api_buffer(a:000)
  let entities = whosaid#host#request('entities', buf)
  let result = []
  for entity in entities
    let [row, col, end_row, end_col] = entity.range
    call add(result, {'lnum': row + 1, 'col': col + 1, 'end_lnum': end_row + 1,
          \ 'end_col': end_col + 1, 'text': entity.text, 'type': entity.type,
          \ 'name': entity.name})
  endfor
  return result
endfunction

" For the statusline: "3 speakers · 7 quotes", or '' when not enabled.
function! whosaid#status() abort
  let buf = bufnr('%')
  if !getbufvar(buf, 'whosaid_enabled', 0) || !whosaid#host#running()
    return ''
  endif
  " The counts of the last update: the statusline is drawn at every
  " keystroke, and must not wait for an analysis (nor fetch every quote).
  try
    let summary = whosaid#host#request('summary', buf)
  catch
    return ''
  endtry
  if summary is v:null
    return ''
  endif
  let [speakers, quotes] = [summary.speakers, summary.quotes]
  return printf('%d speaker%s · %d quote%s', speakers, speakers == 1 ? '' : 's', quotes,
        \ quotes == 1 ? '' : 's')
endfunction
