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
"
" In Vim the host runs as `whosaid host --vim` and speaks Vim's JSON channel
" protocol, one message per line: requests [id, [method, params]], answers
" [id, [error, result]], and the host's calls ["call", "whosaid#vim#api",
" [method, params], -n] answered [-n, result], which autoload/whosaid/vim.vim
" carries out. The channel is in 'nl' mode and the JSON is decoded here,
" rather than in 'json' mode by Vim: Vim drops a JSON message that takes it
" longer than 100 ms to receive whole, and it parses the part it has again
" and again meanwhile, so the highlights of a 1 MB buffer (a 1 MB message)
" were lost now and then. A request waits for its answer in ch_read(),
" running the host's calls as they come; the time limits count the time
" spent waiting, as the watchdog does in Neovim. The rest is the same.

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
let s:nvim = has('nvim')
" Vim: the host's job and channel (s:channel is the channel's number), and
" the numbers of the channels whose host the time limit killed.
let s:job = v:null
let s:vim_channel = v:null
let s:job_channel = 0
let s:killed = {}
" Vim: the last request id, the ids being waited for, and the answers that
" came while a nested request was waiting.
let s:last_id = 0
let s:waiting = {}
let s:answers = {}
" Where the health check is.
let s:health = s:nvim ? ':checkhealth whosaid' : ':WhoSaid health'

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
  if !s:nvim && s:channel > 0 && s:job isnot v:null
    " (Vim notices a job's end when asked: its exit callback runs now.)
    call job_status(s:job)
  endif
  return s:channel > 0
endfunction

" The host's process id, 0 when it does not run.
function! whosaid#host#pid() abort
  return s:channel > 0 ? s:pid : 0
endfunction

" Vim: send MESSAGE (a notification: [method, params]) to the host, if it
" runs; for autoload/whosaid/vim.vim.
function! whosaid#host#vim_notify(message) abort
  if s:channel > 0 && s:vim_channel isnot v:null && ch_status(s:vim_channel) ==# 'open'
    call ch_sendraw(s:vim_channel, json_encode([0, a:message]) . "\n")
  endif
endfunction

" Where to look when something is wrong: :checkhealth whosaid, or in Vim
" :WhoSaid health.
function! whosaid#host#health_command() abort
  return s:health
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
        \ . 'See %s', how, s:health)
endfunction

function! s:on_stderr(job, data, ...) abort
  call extend(s:stderr, filter(type(a:data) == v:t_list ? copy(a:data) : [a:data],
        \ 'v:val !=# ""'))
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
  call s:exited(a:job, a:code, killed)
endfunction

" Vim: CONTEXT.channel is the number of the job's channel.
function! s:on_vim_exit(context, job, status) abort
  let channel = get(a:context, 'channel', 0)
  let signal = get(job_info(a:job), 'termsig', '')
  let signals = {'hup': 1, 'int': 2, 'quit': 3, 'kill': 9, 'term': 15}
  let code = empty(signal) ? a:status : 128 + get(signals, signal, str2nr(signal))
  if channel == s:channel
    let s:channel = 0
    call whosaid#vim#reset()
  endif
  call s:exited(channel, code, has_key(s:killed, channel))
endfunction

function! s:exited(job, code, killed) abort
  if !has_key(s:quiet, a:job) && !a:killed && a:job != s:starting && a:code != 0
        \ && get(v:, 'exiting', v:null) is v:null
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
  call s:stop(a:channel)
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
  let code = s:wait(a:channel, 500)
  if a:channel == s:starting
    return 'whosaid: ' . whosaid#host#program() . ' does not answer ('
          \ . join(s:stderr, ' ') . '); see ' . s:health
  endif
  return s:stopped_message(code)
endfunction

" The host's process: stopping it, waiting for it ********************************

" Stop the host on CHANNEL (killed: it may be stopped or hung).
function! s:stop(channel) abort
  if s:nvim
    silent! call jobstop(a:channel)
  elseif s:job isnot v:null && a:channel == s:job_channel
    silent! call job_stop(s:job, 'kill')
  endif
endfunction

" Wait up to MS for the host on CHANNEL to exit; its exit code, -1 if it
" did not.
function! s:wait(channel, ms) abort
  if s:nvim
    return jobwait([a:channel], a:ms)[0]
  endif
  if s:job is v:null || a:channel != s:job_channel
    return -1
  endif
  let waited = 0
  while job_status(s:job) ==# 'run' && waited < a:ms
    sleep 10m
    let waited += 10
  endwhile
  let info = job_info(s:job)
  if info.status ==# 'run'
    return -1
  endif
  let signals = {'hup': 1, 'int': 2, 'quit': 3, 'kill': 9, 'term': 15}
  return empty(info.termsig) ? info.exitval : 128 + get(signals, info.termsig, str2nr(info.termsig))
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
  if !s:nvim
    return s:call_vim(channel, a:limit, a:method, a:args)
  endif
  let guard = luaeval('require("whosaid.watchdog").arm(_A[1], _A[2], _A[3])',
        \ [channel, s:pid, a:limit])
  let closed = 0
  let result = v:null
  try
    let result = call('rpcrequest', [channel, a:method] + a:args)
  " ("closed by the peer" from Neovim 0.12, "by the client" before.)
  catch /closed by the \%(client\|peer\)\|Invalid channel\|closing channel/
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

" Vim: the request on the JSON channel, with LIMIT as its timeout. The
" host's error answers are thrown as "whosaid: " and its message. (The
" host's calls into Vim are run while Vim waits for the answer.)
function! s:call_vim(channel, limit, method, args) abort
  let [job, handle] = [s:job, s:vim_channel]
  " Every edit first: the host answers with what it has.
  call whosaid#vim#flush()
  let answer = s:evaluate(handle, a:limit, a:method, a:args)
  if type(answer) == v:t_list && len(answer) == 2
    if answer[0] isnot v:null
      let message = type(answer[0]) == v:t_string ? answer[0] : string(answer[0])
      throw message =~# '^whosaid: ' ? message : 'whosaid: ' . message
    endif
    return answer[1]
  endif
  " No answer: the channel closed, or the time ran out.
  if ch_status(handle) ==# 'open' && job_status(job) ==# 'run'
    let s:killed[a:channel] = 1
    call s:fail(a:channel, printf('whosaid: the host did not answer within %s and was '
          \ . 'stopped; the next command starts it again', s:duration(a:limit)))
  endif
  call s:fail(a:channel, s:closed_message(a:channel))
endfunction

" Vim: send the request and wait for its answer, running the host's calls
" meanwhile; '' when the channel closed or LIMIT ms were spent waiting.
function! s:evaluate(handle, limit, method, args) abort
  let s:last_id += 1
  let id = s:last_id
  let s:waiting[id] = 1
  try
    call ch_sendraw(a:handle, json_encode([id, [a:method, a:args]]) . "\n")
    let waited = 0.0
    while !has_key(s:answers, id)
      let status = ch_status(a:handle)
      if waited >= a:limit || (status !=# 'open' && status !=# 'buffered')
        return ''
      endif
      let start = reltime()
      let line = ch_read(a:handle, {'timeout': max([1, float2nr(a:limit - waited)])})
      let waited += reltimefloat(reltime(start)) * 1000.0
      if !empty(line)
        call s:received(a:handle, line)
      endif
    endwhile
    return remove(s:answers, id)
  finally
    call remove(s:waiting, id)
    if has_key(s:answers, id)
      call remove(s:answers, id)
    endif
  endtry
endfunction

" Vim: a message from the host (a line of JSON), read by a request or by
" the channel's callback when Vim is idle.
function! s:received(handle, line) abort
  try
    let message = json_decode(a:line)
  catch
    call s:on_stderr(a:handle, 'whosaid: not JSON from the host: ' . strpart(a:line, 0, 100))
    return
  endtry
  if type(message) != v:t_list
    return
  elseif len(message) >= 3 && message[0] is# 'call'
    " Only the API of autoload/whosaid/vim.vim may be called.
    let reply = 'ERROR'
    if message[1] is# 'whosaid#vim#api' && type(message[2]) == v:t_list
          \ && len(message[2]) == 2
      try
        let reply = json_encode(call('whosaid#vim#api', message[2]))
      catch
        let reply = 'ERROR'
      endtry
    endif
    if len(message) >= 4 && ch_status(a:handle) ==# 'open'
      call ch_sendraw(a:handle, '[' . json_encode(message[3]) . ','
            \ . (reply is# 'ERROR' ? '"ERROR"' : reply) . "]\n")
    endif
  elseif len(message) == 2 && type(message[0]) == v:t_number && has_key(s:waiting, message[0])
    let s:answers[message[0]] = message[1]
  endif
endfunction

function! s:on_vim_message(handle, line) abort
  if !empty(a:line)
    call s:received(a:handle, a:line)
  endif
endfunction

" The highlights in BUF of a host that is gone.
function! s:clear(buf) abort
  if !bufexists(a:buf)
    return
  elseif s:nvim
    call nvim_buf_clear_namespace(a:buf, nvim_create_namespace('whosaid'), 0, -1)
  else
    call whosaid#vim#clear(a:buf, 0, -1)
  endif
endfunction

" Vim: start the host as a job on a JSON channel; its channel's number,
" or 0.
function! s:start_vim(command) abort
  let context = {}
  let job = job_start(a:command, {'mode': 'nl', 'out_cb': function('s:on_vim_message'),
        \ 'err_cb': function('s:on_stderr'), 'exit_cb': function('s:on_vim_exit', [context]),
        \ 'stoponexit': 'kill', 'noblock': 1})
  if job_status(job) !=# 'run'
    return 0
  endif
  let s:job = job
  let s:vim_channel = job_getchannel(job)
  let s:job_channel = ch_info(s:vim_channel).id + 1  " (Vim's first channel is 0)
  let context.channel = s:job_channel
  let s:pid = job_info(job).process
  call whosaid#vim#reset()  " (the buffers the last host followed)
  return s:job_channel
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
          \ . 'see ' . s:health
  endif
  let command = s:nvim ? [prog, 'host'] : [prog, 'host', '--vim']
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
  if s:nvim
    let channel = jobstart(command, {'rpc': v:true, 'on_stderr': function('s:on_stderr'),
          \ 'on_exit': function('s:on_exit')})
  else
    let channel = s:start_vim(command)
  endif
  if channel <= 0
    throw 'whosaid: cannot start ' . prog . '; see ' . s:health
  endif
  let [s:channel, s:pid, s:starting] = [channel, s:nvim ? jobpid(channel) : s:pid, channel]
  try
    if s:call(s:request_timeout(), 'poll', []) !=# 'ok'
      call s:fail(channel, 'whosaid: ' . prog . ' does not answer poll; see ' . s:health)
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
  call whosaid#host#running()  " (in Vim, notices a host that ended)
  if s:channel > 0 && empty(s:failure)
    call s:call(whosaid#host#timeout(), 'poll', [])
  endif
  call whosaid#host#channel()  " (a host just started has answered a poll)
  return s:call(s:request_timeout(), a:method, a:000)
endfunction

" (Highlights left from an attachment that ended, as after a reload, would
" stay beside the new ones: cleared first.)
function! whosaid#host#attach(buf) abort
  if !has_key(s:attached, a:buf)
    call s:clear(a:buf)
  endif
  call whosaid#host#request('attach', a:buf)
  let s:attached[a:buf] = 1
endfunction

" Detach BUF; with no host (or one that fails), clear its highlights here.
" A buffer not attached (off already, or its attachment ended by a reload)
" is not the host's: asking it would only answer "not attached".
function! whosaid#host#detach(buf) abort
  let attached = has_key(s:attached, a:buf)
  if attached
    call remove(s:attached, a:buf)
  endif
  if attached && s:channel > 0 && empty(s:failure)
    try
      call whosaid#host#request('detach', a:buf)
      return
    catch /^whosaid: /
      " Reported already; the highlights go below.
    endtry
  endif
  call s:clear(a:buf)
endfunction

" BUF was read again (:edit!, a file changed on disk): the editor ended the
" host's attachment, and the next command must attach it again.
function! whosaid#host#forget(buf) abort
  if has_key(s:attached, a:buf)
    call remove(s:attached, a:buf)
  endif
endfunction

function! whosaid#host#attached(buf) abort
  return has_key(s:attached, a:buf)
endfunction
