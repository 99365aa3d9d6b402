" plugin_e2e.vim: the plugin's end-to-end scenarios, run by test_plugin.py in
" Vim (vim -Nu NONE -es) and, the same script, in a headless Neovim, so that
" the two can be compared: on the example article, :WhoSaid on, the quotes,
" the highlights and labels, :WhoSaid speaker (and again, and back with
" CTRL-O), quote next/prev, mention next, the location lists, completion,
" the speakers picker, options read at each update, edits (the highlights
" follow), a correction, a killed host, a buffer that is not text. What
" happened is written as JSON to $WHOSAID_RESULT for the Python side.
set nocompatible hidden
let s:results = {}
let s:r = s:results

if !exists('g:loaded_whosaid')
  runtime plugin/whosaid.vim
endif

" The 1-based line and byte column of the first TEXT in the buffer.
function! s:find(text) abort
  for lnum in range(1, line('$'))
    let col = stridx(getline(lnum), a:text)
    if col >= 0
      return [lnum, col + 1]
    endif
  endfor
  throw 'not in the buffer: ' . a:text
endfunction

" The cursor's line, column and the text from it, after COMMAND at (LNUM, COL).
function! s:jump(lnum, col, command) abort
  call cursor(a:lnum, a:col)
  execute a:command
  return [line('.'), col('.'), getline('.')[col('.') - 1 :]]
endfunction

" BUF's highlights as [lnum, col, end_lnum, end_col, group] and its labels
" as [lnum, text, group]: extmarks in Neovim, text properties in Vim.
function! s:marks(buf) abort
  let [spans, labels] = [[], []]
  if has('nvim')
    let namespace = nvim_create_namespace('whosaid')
    for [id, row, col, details] in nvim_buf_get_extmarks(a:buf, namespace, 0, -1,
          \ {'details': v:true})
      if has_key(details, 'virt_text')
        call add(labels, [row + 1, details.virt_text[0][0], details.virt_text[0][1]])
      else
        call add(spans, [row + 1, col + 1, details.end_row + 1, details.end_col + 1,
              \ details.hl_group])
      endif
    endfor
  else
    for prop in whosaid#vim#props(a:buf)
      if has_key(prop, 'text')
        call add(labels, [prop.lnum, trim(prop.text), prop.type])
      elseif prop.start && prop.end
        call add(spans, [prop.lnum, prop.col, prop.lnum, prop.col + prop.length, prop.type])
      else
        call add(spans, [prop.lnum, prop.col, -1, -1, prop.type])  " (split: never expected)
      endif
    endfor
  endif
  return {'spans': spans, 'labels': labels}
endfunction

function! s:messages() abort
  return execute('messages')
endfunction

function! s:wait_until(expression, ms) abort
  let waited = 0
  while !eval(a:expression) && waited < a:ms
    sleep 10m
    let waited += 10
  endwhile
  return eval(a:expression)
endfunction

function! s:run() abort
  let r = s:r
  " (A copy: the scenarios edit it.)
  let article = tempname() . '-pompeo-huawei.txt'
  call writefile(readfile($WHOSAID_ARTICLE, 'b'), article, 'b')
  execute 'edit ' . fnameescape(article)
  let buf = bufnr('%')
  WhoSaid on
  let r.enabled = getbufvar(buf, 'whosaid_enabled', 0)
  let r.quotes = whosaid#quotes()
  let r.entities = whosaid#entities()
  let r.status = whosaid#status()
  let r.marks = s:marks(buf)
  " The API on another buffer by its number; 0 is the current one (where
  " bufnr(0) is the alternate one).
  enew
  let r.api_other = whosaid#quotes(buf)
  try
    call whosaid#quotes(0)
    let r.api_zero_elsewhere = 'answered'
  catch
    let r.api_zero_elsewhere = v:exception
  endtry
  execute 'buffer ' . buf
  bwipeout #
  let r.api_zero = whosaid#quotes(0)

  let [lnum, col] = s:find('We hope that the United States')
  let r.geng = s:jump(lnum, col + 5, 'WhoSaid speaker')
  let r.geng_again = s:jump(r.geng[0], r.geng[1], 'WhoSaid speaker')
  let [lnum, col] = s:find('(There is) a risk')
  let r.risk = s:jump(lnum, col + 5, 'WhoSaid speaker')
  let r.risk_again = s:jump(r.risk[0], r.risk[1], 'WhoSaid speaker')
  call s:jump(1, 1, 'WhoSaid quote next')
  execute "normal! \<C-O>"
  let r.back = [line('.'), col('.')]

  let r.pompeo_quotes = []
  call cursor(1, 1)
  for i in range(4)
    WhoSaid quote next Pompeo
    call add(r.pompeo_quotes, [line('.'), col('.')])
  endfor
  let r.next_quotes = []
  call cursor(1, 1)
  for i in range(6)
    WhoSaid quote next
    call add(r.next_quotes, [line('.'), col('.')])
  endfor
  let r.prev_quotes = []
  call cursor(line('$'), 1)
  for i in range(3)
    WhoSaid quote prev
    call add(r.prev_quotes, [line('.'), col('.')])
  endfor
  " The <Plug> mappings, with a count.
  call cursor(1, 1)
  execute "normal \<Plug>(whosaid-next-quote)"
  let r.plug_next = [line('.'), col('.')]
  execute "normal 2\<Plug>(whosaid-next-quote)"
  let r.plug_next2 = [line('.'), col('.')]
  execute "normal \<Plug>(whosaid-speaker)"
  let r.plug_speaker = [line('.'), col('.')]
  let [lnum, col] = s:find('Secretary of State Mike Pompeo')
  let r.mention = s:jump(lnum, col + 20, 'WhoSaid mention next')
  let r.mention_prev = s:jump(lnum, col + 20, 'WhoSaid mention prev')
  call cursor(1, 1)
  WhoSaid quotes
  let r.loclist = map(getloclist(0), {_, i -> {'lnum': i.lnum, 'col': i.col, 'text': i.text}})
  lclose
  WhoSaid quotes "Geng Shuang"
  let r.loclist_geng = map(getloclist(0), {_, i -> {'lnum': i.lnum, 'col': i.col,
        \ 'text': i.text}})
  lclose
  call cursor(lnum, col + 20)
  WhoSaid mentions
  let r.loclist_mentions = map(getloclist(0), {_, i -> [i.lnum, i.col, i.text]})
  lclose

  let r.complete_sub = getcompletion('WhoSaid q', 'cmdline')
  let r.complete_names = getcompletion('WhoSaid quote next ', 'cmdline')

  " The speakers picker: vim.ui.select in Neovim, inputlist() in Vim; the
  " first entry is chosen.
  call cursor(1, 1)
  if has('nvim')
    call luaeval('(function() vim.ui.select = function(items, _, on_choice) '
          \ . 'vim.g.whosaid_picker_items = items; on_choice(items[1], 1) end end)()')
    WhoSaid speakers
    let r.picker_items = g:whosaid_picker_items
  else
    call feedkeys("1\<CR>", 't')
    WhoSaid speakers
  endif
  let r.picked = [line('.'), col('.')]

  " An edit: the highlights follow. A quote's line moved right, a new
  " paragraph with a quote at the end, and (in one batch of Vim's
  " listener) a line added at the top and a line changed further down.
  let [lnum, col] = s:find('We hope that the United States')
  call setline(lnum, 'Then: ' . getline(lnum))
  call append(line('$'), ['', '"We will not give up on this," said Senator John Smith.'])
  call whosaid#host#request('analyze', buf)
  let r.edited_marks = s:marks(buf)
  let r.edited_quotes = whosaid#quotes()
  call append(0, ['A new first line.'])
  let [lnum, col] = s:find('(There is) a risk')
  call setline(lnum, substitute(getline(lnum), '(There is) a risk', 'a risk', ''))
  call whosaid#host#request('analyze', buf)
  let r.edited2_marks = s:marks(buf)
  let r.edited2_quotes = whosaid#quotes()
  " A quote's paragraph deleted.
  let [lnum, col] = s:find('We hope that the United States')
  execute lnum . 'delete'
  call whosaid#host#request('analyze', buf)
  let r.deleted_marks = s:marks(buf)
  let r.deleted_quotes = whosaid#quotes()
  " Typing, as a user does in Insert mode.
  let [lnum, col] = s:find('We will not give up')
  call cursor(lnum, 1)
  execute "normal! A Smith added: \"We will fight on.\"\<Esc>"
  call whosaid#host#request('analyze', buf)
  let r.typed_marks = s:marks(buf)
  let r.typed_quotes = whosaid#quotes()

  " A paragraph deleted and brought back by undo: its highlights once (Vim's
  " undo brings a line back with the properties it had).
  let r.undo_before = s:marks(buf)
  let &undolevels = &undolevels  " (the edits before are not undone with it)
  let [lnum, col] = s:find('We will not give up')
  execute lnum . 'delete'
  call whosaid#host#request('analyze', buf)
  undo
  call whosaid#host#request('analyze', buf)
  let r.undo_after = s:marks(buf)

  " A correction: the quote is Heiko Maas's.
  let [lnum, col] = s:find('a risk we will have')
  call cursor(lnum, col + 3)
  WhoSaid assign Heiko Maas
  let r.assigned_quotes = whosaid#quotes()
  let r.assigned_marks = s:marks(buf)
  " Kept in the sidecar file when the article is written.
  write
  let sidecar = article . '.whosaid.json'
  let r.sidecar = filereadable(sidecar) ? json_decode(join(readfile(sidecar), "\n")) : v:null
  let r.info_corrected = execute('WhoSaid info')
  call cursor(lnum, col + 3)
  WhoSaid assign -
  let r.unassigned_marks = s:marks(buf)
  let r.info = execute('WhoSaid info')
  " A scare quote says why it is none; a name, what it is.
  let [lnum, col] = s:find('"back door"')
  call cursor(lnum, col + 3)
  let r.info_scare = execute('WhoSaid info')
  let [lnum, col] = s:find('Heiko Maas')
  call cursor(lnum, col + 3)
  let r.info_name = execute('WhoSaid info')
  let [lnum, col] = s:find('a risk we will have')
  call cursor(lnum, col + 3)
  " Not a quote, and a quote again; the export.
  WhoSaid notquote
  let r.notquote_count = len(whosaid#quotes())
  WhoSaid isquote
  let r.isquote_count = len(whosaid#quotes())
  let r.isquote_verdicts = map(whosaid#quotes(), 'v:val.verdict')
  let export = tempname() . '.csv'
  execute 'WhoSaid export ' . fnameescape(export)
  let r.export = readfile(export)

  " Options read at each update, and User WhoSaidDone.
  let copy = tempname() . '.txt'
  call writefile(readfile($WHOSAID_ARTICLE), copy)
  let g:whosaid_done = 0
  autocmd User WhoSaidDone let g:whosaid_done += 1
  execute 'edit ' . fnameescape(copy)
  let b:whosaid_virtual_text = 0
  let b:whosaid_types = ['PER']
  WhoSaid on
  let r.optioned = s:marks(bufnr('%'))
  let r.done = g:whosaid_done
  WhoSaid off
  " (The host clears the highlights after it answers; a request after it
  " is answered once that is done.)
  call whosaid#host#request('poll')
  let r.off_marks = s:marks(bufnr('%'))
  WhoSaid toggle
  let r.toggled_on = [get(b:, 'whosaid_enabled', 0), len(s:marks(bufnr('%')).spans)]
  WhoSaid toggle
  call whosaid#host#request('poll')
  let r.toggled_off = [get(b:, 'whosaid_enabled', 0), len(s:marks(bufnr('%')).spans)]
  " Off again, in a buffer that is off: nothing to do, nothing to say.
  let r.off_again = [execute('WhoSaid off'), get(b:, 'whosaid_enabled', 0)]
  execute 'buffer ' . buf

  " g:whosaid_filetypes enables a buffer of that filetype by itself.
  let g:whosaid_filetypes = ['text']
  let other = tempname() . '.txt'
  call writefile(['"We will not give up on this," said Senator Smith.'], other)
  execute 'edit ' . fnameescape(other)
  setfiletype text
  let r.auto_enabled = s:wait_until('get(b:, "whosaid_enabled", 0) == 1', 5000)
  " ... but not a scratch buffer of that filetype (a plugin's preview or
  " hover window), and without a message.
  let before = s:messages()
  new
  setlocal buftype=nofile
  call setline(1, '"We will not give up on this," said Senator Smith.')
  setfiletype text
  call s:wait_until('get(b:, "whosaid_enabled", 0) == 1', 300)
  let r.scratch_auto = [get(b:, 'whosaid_enabled', 0), s:messages()[len(before):]]
  bwipeout!
  " Everything deleted (Vim keeps one empty line), then new lines.
  %delete
  call whosaid#host#request('analyze', bufnr('%'))
  let r.emptied_quotes = len(whosaid#quotes())
  call setline(1, ['Intro.', '', '"We will fight on," said Senator Jane Doe.'])
  call whosaid#host#request('analyze', bufnr('%'))
  let r.refilled_quotes = whosaid#quotes()
  let r.refilled_marks = s:marks(bufnr('%'))
  execute 'buffer ' . buf

  " The host dies: the next command starts it again and attaches again.
  let pid = whosaid#host#pid()
  call system('kill -9 ' . pid)
  let r.stopped = s:wait_until('!whosaid#host#running()', 3000)
  let [lnum, col] = s:find('Secretary of State Mike Pompeo')
  let r.restarted = s:jump(lnum, col + 20, 'WhoSaid mention next')
  let r.running_again = whosaid#host#running()
  let r.new_pid = whosaid#host#pid() != pid
  let r.restarted_marks = s:marks(buf)

  " The host stops answering (SIGSTOP): the command gives up after the time
  " limit with one message; the next command starts a new host.
  let g:whosaid_timeout = 500
  let pid = whosaid#host#pid()
  call system('kill -STOP ' . pid)
  let [lnum, col] = s:find('Secretary of State Mike Pompeo')
  let r.hung = s:jump(lnum, col + 20, 'WhoSaid mention next')
  let r.hung_running = whosaid#host#running()
  let r.after_hang = s:jump(lnum, col + 20, 'WhoSaid mention next')
  let r.after_hang_new_pid = whosaid#host#pid() != pid
  call system('kill -CONT ' . pid)
  unlet g:whosaid_timeout

  " Read again: :edit! after an unsaved edit and an unsaved correction, the
  " file changed on disk and reloaded by :checktime with 'autoread', and
  " that reload undone: each time the highlights of the text read, the
  " correction kept, commands answered and edits followed. (Neovim attaches
  " a buffer read again on the next tick: waited for.)
  let reread = tempname() . '.txt'
  call writefile(readfile($WHOSAID_ARTICLE), reread)
  execute 'edit ' . fnameescape(reread)
  let rbuf = bufnr('%')
  let attached = 'whosaid#host#attached(' . rbuf . ')'
  WhoSaid on
  let [lnum, col] = s:find('We hope that the United States')
  call cursor(lnum, col + 5)
  WhoSaid assign Jane Roe
  let r.reread_fresh = s:marks(rbuf)
  call append(0, ['"An unsaved quote of a good many words," said Senator Jane Doe.', ''])
  call whosaid#host#request('analyze', rbuf)
  let r.reread_edited = s:marks(rbuf)
  edit!
  let r.reread_reattached = s:wait_until(attached, 5000)
  let r.reread_reverted = s:marks(rbuf)
  let r.reread_reverted_quotes = whosaid#quotes()
  let r.reread_next = s:jump(1, 1, 'WhoSaid quote next')
  call writefile(['"A quote added on disk by another program," said Senator John Roe.', '']
        \ + readfile($WHOSAID_ARTICLE), reread)
  set autoread
  checktime
  let r.reread_disk_reattached = s:wait_until(attached, 5000)
  let r.reread_disk_quotes = whosaid#quotes()
  undo
  let r.reread_undo_reattached = s:wait_until(attached, 5000)
  call whosaid#host#request('analyze', rbuf)
  let r.reread_undone = s:marks(rbuf)
  call append(0, ['"Nothing is decided yet at all," said Jane Doe.', ''])
  call whosaid#host#request('analyze', rbuf)
  let r.reread_followed = whosaid#quotes()
  " Unloaded, then loaded again: still enabled.
  bunload!
  let r.reread_unloaded_attached = whosaid#host#attached(rbuf)
  execute 'edit ' . fnameescape(reread)
  let r.reread_loaded_attached = s:wait_until(attached, 5000)
  let r.reread_loaded_quotes = whosaid#quotes()
  set noautoread
  execute 'buffer ' . buf

  " A buffer that is not text; and a scratch buffer, which is.
  new
  setlocal buftype=prompt
  WhoSaid on
  let r.nofile_messages = s:messages()
  bwipeout!
  new
  setlocal buftype=nofile
  call setline(1, '"We will not back down," Pompeo said.')
  WhoSaid on
  let r.scratch_quotes = whosaid#quotes()
  bwipeout!

  " Bytes that are not UTF-8 before a name and a quote on their lines: the
  " highlights stay on their bytes (Vim's json_encode() makes each three);
  " then more of them typed in front of the quote.
  new
  setlocal buftype=nofile
  call setline(1, ["Caf\xe9 \xff\xfe owner Maria Lopez spoke on Monday.", '',
        \ "\xff \"We will not back down,\" Lopez said. \xe9\xe9"])
  WhoSaid on
  call whosaid#host#request('analyze', bufnr('%'))
  let r.invalid_marks = s:marks(bufnr('%'))
  let r.invalid_quotes = whosaid#quotes()
  let r.invalid_lopez = [s:find('Maria Lopez'), s:find('Lopez said')]
  call setline(3, "\xfe\xfe" . getline(3))
  call whosaid#host#request('analyze', bufnr('%'))
  let r.invalid_edited_marks = s:marks(bufnr('%'))
  let r.invalid_edited_quotes = whosaid#quotes()
  bwipeout!
endfunction

try
  call s:run()
  let s:r.error = v:null
catch
  let s:r.error = v:exception . ' at ' . v:throwpoint
endtry
let s:r.messages = s:messages()
let s:r.editor = has('nvim') ? 'nvim' : 'vim'
call writefile([json_encode(s:r)], $WHOSAID_RESULT)
qall!
