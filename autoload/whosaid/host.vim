" autoload/whosaid/host.vim: the whosaid host process. Finds the program,
" starts it on first use as an RPC job, checks it answers, sends requests,
" and after a crash starts it again on the next request, attaching the
" buffers that were attached.

let s:root = fnamemodify(resolve(expand('<sfile>:p')), ':h:h:h')
let s:channel = 0
let s:attached = {}
let s:stderr = []
let s:stopping = 0

" The program: g:whosaid_host_prog, then the build directory next to the
" plugin, then $PATH. '' when there is none.
function! whosaid#host#program() abort
  if !empty(get(g:, 'whosaid_host_prog', ''))
    let prog = expand(g:whosaid_host_prog)
    return executable(prog) ? prog : ''
  endif
  for candidate in [s:root . '/build/bin/whosaid', s:root . '/bin/whosaid']
    if executable(candidate)
      return candidate
    endif
  endfor
  return exepath('whosaid')
endfunction

" What the host wrote on stderr (the last lines), for :checkhealth.
function! whosaid#host#stderr() abort
  return copy(s:stderr)
endfunction

function! whosaid#host#running() abort
  return s:channel > 0
endfunction

function! s:on_stderr(job, data, event) abort
  call extend(s:stderr, filter(copy(a:data), 'v:val !=# ""'))
  if len(s:stderr) > 100
    call remove(s:stderr, 0, len(s:stderr) - 101)
  endif
endfunction

function! s:on_exit(job, code, event) abort
  let s:channel = 0
  if !s:stopping && a:code != 0 && v:exiting is v:null
    echohl ErrorMsg
    echomsg printf('whosaid: the host stopped (exit %d); it restarts on the next command. '
          \ . 'See :checkhealth whosaid', a:code)
    echohl None
  endif
  let s:stopping = 0
endfunction

" Start the host (if it does not run) and return its channel; throws a
" message naming :checkhealth when it cannot.
function! whosaid#host#channel() abort
  if s:channel > 0
    return s:channel
  endif
  let prog = whosaid#host#program()
  if empty(prog)
    throw 'whosaid: the whosaid program was not found (set g:whosaid_host_prog, or build it); '
          \ . 'see :checkhealth whosaid'
  endif
  let command = [prog, 'host']
  if get(g:, 'whosaid_debounce_ms', 0) > 0
    call extend(command, ['--debounce', string(g:whosaid_debounce_ms)])
  endif
  let s:stderr = []
  let channel = jobstart(command, {'rpc': v:true, 'on_stderr': function('s:on_stderr'),
        \ 'on_exit': function('s:on_exit')})
  if channel <= 0
    throw 'whosaid: cannot start ' . prog . '; see :checkhealth whosaid'
  endif
  try
    if rpcrequest(channel, 'poll') !=# 'ok'
      throw 'no answer'
    endif
  catch
    call jobstop(channel)
    throw 'whosaid: ' . prog . ' does not answer (' . join(s:stderr, ' ') . '); '
          \ . 'see :checkhealth whosaid'
  endtry
  let s:channel = channel
  " After a crash: the buffers that were attached are attached again, with
  " their corrections (the new host starts with none).
  for buf in keys(s:attached)
    if bufloaded(str2nr(buf))
      call rpcrequest(channel, 'attach', str2nr(buf))
      call whosaid#annotations#restore(str2nr(buf))
    else
      call remove(s:attached, buf)
    endif
  endfor
  return channel
endfunction

" A request to the host; its errors come back as Vim exceptions.
function! whosaid#host#request(method, ...) abort
  return call('rpcrequest', [whosaid#host#channel(), a:method] + a:000)
endfunction

function! whosaid#host#attach(buf) abort
  call whosaid#host#request('attach', a:buf)
  let s:attached[a:buf] = 1
endfunction

function! whosaid#host#detach(buf) abort
  if has_key(s:attached, a:buf)
    call remove(s:attached, a:buf)
  endif
  if s:channel > 0
    call rpcrequest(s:channel, 'detach', a:buf)
  endif
endfunction

function! whosaid#host#attached(buf) abort
  return has_key(s:attached, a:buf)
endfunction
