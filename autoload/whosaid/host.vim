" autoload/whosaid/host.vim: the whosaid host process. Finds the program,
" starts it on first use as an RPC job, checks it answers, sends requests,
" and after a crash starts it again on the next request, attaching the
" buffers that were attached.
"
" A host can die (a crash, a kill) or stop answering (stopped, hung), and
" rpcrequest() has no time limit. So every request is timed by a watchdog
" (lua/whosaid/watchdog.lua) that kills a host taking too long, which ends
" the wait: before each request a poll must answer within g:whosaid_timeout
" (an idle host answers at once: large buffers are analysed off its loop),
" and the request itself within g:whosaid_request_timeout (it may analyse a
" large buffer first). A host that died or was killed is reported once; the
" request fails, and so do the other requests of the same command, with no
" further message; the next command starts a new host.

let s:root = fnamemodify(resolve(expand('<sfile>:p')), ':h:h:h')
let s:channel = 0
let s:pid = 0
let s:attached = {}
let s:stderr = []
" Channels whose end needs no message: stopped on purpose, or reported.
let s:quiet = {}
" The channel being started: its failure is reported as not answering.
let s:starting = 0
" The message of the host's failure, until the command that met it ends:
" requests fail with it meanwhile. s:thrown: the last failure thrown.
let s:failure = ''
let s:thrown = ''

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

" Time limits, in milliseconds ***************************************************

" How long a poll may take before each request.
function! whosaid#host#timeout() abort
  return max([1, get(g:, 'whosaid_timeout', 2000)])
endfunction

" How long a request may take (it may analyse a large buffer first).
function! s:request_timeout() abort
  return max([whosaid#host#timeout(), get(g:, 'whosaid_request_timeout', 30000)])
endfunction

function! s:duration(ms) abort
  return a:ms < 1000 ? a:ms . ' ms'
        \ : a:ms % 1000 == 0 ? a:ms / 1000 . ' s' : printf('%.1f s', a:ms / 1000.0)
endfunction

" Failures ************************************************************************

function! s:show(message) abort
  echohl ErrorMsg
  echomsg a:message
  echohl None
endfunction

" What an exit code says: "exit 1", "killed by signal 9".
function! s:stopped_message(code) abort
  let how = a:code > 128 && a:code < 160 ? 'killed by signal ' . (a:code - 128)
        \ : a:code >= 0 ? 'exit ' . a:code : 'its channel closed'
  return printf('whosaid: the host stopped (%s); it restarts on the next command. '
        \ . 'See :checkhealth whosaid', how)
endfunction

function! s:on_stderr(job, data, event) abort
  call extend(s:stderr, filter(copy(a:data), 'v:val !=# ""'))
  if len(s:stderr) > 100
    call remove(s:stderr, 0, len(s:stderr) - 101)
  endif
endfunction

" A host that ends by itself (a crash, a kill) is reported here, unless a
" request met its end first and reported it, or the watchdog killed it (a
" request reports that), or it was stopped on purpose.
function! s:on_exit(job, code, event) abort
  if a:job == s:channel
    let s:channel = 0
  endif
  let killed = luaeval('require("whosaid.watchdog").killed(_A)', a:job)
  if !has_key(s:quiet, a:job) && !killed && a:job != s:starting && a:code != 0
        \ && v:exiting is v:null
    let s:quiet[a:job] = 1
    call s:show(s:stopped_message(a:code))
  endif
endfunction

" The host on CHANNEL failed (MESSAGE says how): forget it, say so once,
" and throw; the requests of the same command fail too (whosaid#host#channel
" throws), with no further message, until the next command.
function! s:fail(channel, message) abort
  if a:channel == s:channel
    let s:channel = 0
  endif
  if !has_key(s:quiet, a:channel)
    let s:quiet[a:channel] = 1
    call s:show(a:message)
  endif
  silent! call jobstop(a:channel)
  if empty(s:failure)
    let s:failure = a:message
    call timer_start(0, {-> whosaid#host#next_command()})
  endif
  let s:thrown = s:failure
  throw s:failure
endfunction

" A new command: a host that failed in the last one may start again.
function! whosaid#host#next_command() abort
  let s:failure = ''
endfunction

" Whether EXCEPTION is a failure of the host that was reported already:
" the caller then says nothing more.
function! whosaid#host#reported(exception) abort
  return !empty(s:thrown) && a:exception ==# s:thrown
endfunction

" Whether a failure of the host ended the current command (the caller then
" keeps quiet rather than say "no quote" or the like).
function! whosaid#host#failed() abort
  return !empty(s:failure)
endfunction

" The message for a host on CHANNEL whose channel closed during a request:
" it did not start, or it stopped.
function! s:closed_message(channel) abort
  " Its exit (and the end of its stderr) come a moment after its channel
  " closes. (Should its exit callback run meanwhile, it reports the exit,
  " and s:fail says nothing more.)
  let code = jobwait([a:channel], 500)[0]
  if a:channel == s:starting
    return 'whosaid: ' . whosaid#host#program() . ' does not answer ('
          \ . join(s:stderr, ' ') . '); see :checkhealth whosaid'
  endif
  return s:stopped_message(code)
endfunction

" Requests ************************************************************************

" Send a request on the current channel; LIMIT ms later the watchdog kills
" the host. Returns the answer; the host's error answers are thrown as
" rpcrequest() throws them; a host that dies or is killed meanwhile fails.
function! s:call(limit, method, args) abort
  let channel = s:channel
  if channel <= 0  " it failed in a request nested in the caller's
    let s:thrown = empty(s:failure) ? 'whosaid: the host is not running' : s:failure
    throw s:thrown
  endif
  let guard = luaeval('require("whosaid.watchdog").arm(_A[1], _A[2], _A[3])',
        \ [channel, s:pid, a:limit])
  let closed = 0
  let result = v:null
  try
    let result = call('rpcrequest', [channel, a:method] + a:args)
  catch /closed by the client\|Invalid channel\|closing channel/
    let closed = 1
  finally
    " (Thrown here, the failure replaces whatever the request threw.)
    if luaeval('require("whosaid.watchdog").disarm(_A)', guard)
      call s:fail(channel, printf('whosaid: the host did not answer within %s and was '
            \ . 'stopped; the next command starts it again', s:duration(a:limit)))
    endif
  endtry
  if closed
    let message = s:closed_message(channel)
    call s:fail(channel, message)
  endif
  return result
endfunction

" The highlights in BUF of a host that is gone.
function! s:clear(buf) abort
  if bufexists(a:buf)
    call nvim_buf_clear_namespace(a:buf, nvim_create_namespace('whosaid'), 0, -1)
  endif
endfunction

" Start the host (if it does not run) and return its channel; throws a
" message naming :checkhealth when it cannot.
function! whosaid#host#channel() abort
  if !empty(s:failure)
    let s:thrown = s:failure
    throw s:failure
  endif
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
  if get(g:, 'whosaid_max_buffer', 0) > 0
    " (in KiB: a number alone would be MiB to the host)
    call extend(command, ['--max-buffer', ((g:whosaid_max_buffer + 1023) / 1024) . 'K'])
  endif
  if get(g:, 'whosaid_max_line', 0) > 0
    call extend(command, ['--max-line', ((g:whosaid_max_line + 1023) / 1024) . 'K'])
  endif
  let s:stderr = []
  let channel = jobstart(command, {'rpc': v:true, 'on_stderr': function('s:on_stderr'),
        \ 'on_exit': function('s:on_exit')})
  if channel <= 0
    throw 'whosaid: cannot start ' . prog . '; see :checkhealth whosaid'
  endif
  let [s:channel, s:pid, s:starting] = [channel, jobpid(channel), channel]
  try
    if s:call(s:request_timeout(), 'poll', []) !=# 'ok'
      call s:fail(channel, 'whosaid: ' . prog . ' does not answer poll; see :checkhealth whosaid')
    endif
  finally
    let s:starting = 0
  endtry
  " After a crash: the buffers that were attached are attached again, with
  " their corrections (the new host starts with none), and without the
  " highlights of the host that died, which the new one does not know.
  for buf in keys(s:attached)
    if bufloaded(str2nr(buf))
      call s:clear(str2nr(buf))
      call s:call(s:request_timeout(), 'attach', [str2nr(buf)])
      call whosaid#annotations#restore(str2nr(buf))
      if !empty(s:failure)  " (restore keeps quiet about it)
        let s:thrown = s:failure
        throw s:failure
      endif
    else
      call remove(s:attached, buf)
    endif
  endfor
  return channel
endfunction

" A request to the host; its errors come back as Vim exceptions. A poll
" first: a host that does not answer it within g:whosaid_timeout is stopped.
function! whosaid#host#request(method, ...) abort
  if s:channel > 0 && empty(s:failure)
    call s:call(whosaid#host#timeout(), 'poll', [])
  endif
  call whosaid#host#channel()  " (a host just started has answered a poll)
  return s:call(s:request_timeout(), a:method, a:000)
endfunction

function! whosaid#host#attach(buf) abort
  call whosaid#host#request('attach', a:buf)
  let s:attached[a:buf] = 1
endfunction

" Detach BUF; with no host (or one that fails), clear its highlights here.
function! whosaid#host#detach(buf) abort
  if has_key(s:attached, a:buf)
    call remove(s:attached, a:buf)
  endif
  if s:channel > 0 && empty(s:failure)
    try
      call whosaid#host#request('detach', a:buf)
      return
    catch /^whosaid: /
      " Reported already; the highlights go below.
    endtry
  endif
  call s:clear(a:buf)
endfunction

function! whosaid#host#attached(buf) abort
  return has_key(s:attached, a:buf)
endfunction
