" limit_e2e.vim: a buffer over g:whosaid_max_buffer in Vim (test_plugin.py):
" no highlights and one message; made smaller, it is highlighted again (the
" host asks its size, whosaid_buffer_size, then its lines).
set nocompatible hidden
let s:r = {}
if !exists('g:loaded_whosaid')
  runtime plugin/whosaid.vim
endif

function! s:quote_props() abort
  return len(filter(whosaid#vim#props(bufnr('%')), 'v:val.type ==# "WhoSaidQuote"'))
endfunction

try
  let g:whosaid_max_buffer = 2048
  call setline(1, readfile($WHOSAID_ARTICLE))
  let s:r.bytes = line2byte(line('$') + 1) - 1
  WhoSaid on
  call whosaid#host#request('analyze', bufnr('%'))
  " (The message comes from a timer, after the call that brings it.)
  let waited = 0
  while execute('messages') !~# 'too large' && waited < 5000
    sleep 20m
    let waited += 20
  endwhile
  let s:r.over_props = s:quote_props()
  let s:r.over_messages = execute('messages')
  " Under the limit again: the first lines go.
  1,10delete
  let s:r.under_bytes = line2byte(line('$') + 1) - 1
  let waited = 0
  while s:quote_props() == 0 && waited < 10000
    call whosaid#host#request('poll')
    sleep 20m
    let waited += 20
  endwhile
  let s:r.under_props = s:quote_props()
  let s:r.quotes = len(whosaid#quotes())
  let s:r.error = v:null
catch
  let s:r.error = v:exception . ' at ' . v:throwpoint
endtry
let s:r.messages = execute('messages')
call writefile([json_encode(s:r)], $WHOSAID_RESULT)
qall!
