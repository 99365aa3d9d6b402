" big_e2e.vim: a 2 MB buffer in Vim (test_plugin.py): its highlights come
" whole (a message of megabytes from the host), and the plugin still answers.
set nocompatible hidden
let s:r = {}
if !exists('g:loaded_whosaid')
  runtime plugin/whosaid.vim
endif
try
  let lines = readfile($WHOSAID_ARTICLE)
  let big = []
  while len(big) < 14000
    call extend(big, lines)
  endwhile
  call setline(1, big)
  let s:r.bytes = line2byte(line('$') + 1) - 1
  WhoSaid on
  call whosaid#host#request('analyze', bufnr('%'))
  let props = whosaid#vim#props(bufnr('%'))
  let s:r.quote_props = len(filter(copy(props), 'v:val.type ==# "WhoSaidQuote"'))
  let s:r.label_props = len(filter(copy(props), 'has_key(v:val, "text")'))
  let s:r.props = len(props)
  let quotes = whosaid#quotes()
  let s:r.quote_lines = 0
  for q in quotes
    let s:r.quote_lines += q.end_lnum - q.lnum + 1
  endfor
  let s:r.with_speaker = len(filter(copy(quotes), 'v:val.speaker isnot v:null'))
  call cursor(1, 1)
  WhoSaid quote next
  let s:r.next = [line('.'), col('.')]
  let s:r.first = [quotes[0].lnum, quotes[0].col]
  let s:r.error = v:null
catch
  let s:r.error = v:exception . ' at ' . v:throwpoint
endtry
let s:r.messages = execute('messages')
call writefile([json_encode(s:r)], $WHOSAID_RESULT)
qall!
