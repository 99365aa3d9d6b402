" autoload/whosaid/health.vim: the checks behind :checkhealth whosaid.
" Neovim finds lua/whosaid/health.lua (or, without it, the Vimscript
" autoload/health/whosaid.vim), and the reporting functions differ between
" versions; both files only render the list this one returns, so the checks
" are written once and report the same everywhere. Vim has no
" :checkhealth: `:WhoSaid health` shows the same report in a buffer
" (whosaid#health#show()).
scriptencoding utf-8

let s:root = fnamemodify(resolve(expand('<sfile>:p')), ':h:h:h')

" How long the health check's own host may take, in seconds. rpcrequest()
" has no timeout and timers do not fire while it waits, so a host that hung
" would hang :checkhealth; the host runs under timeout(1) when there is one.
let s:host_seconds = 10

" The checks, as a list of [level, message, advice]: level is 'start' (a
" section; the message is its title), 'ok', 'info', 'warn' or 'error', and
" advice a list of strings (empty when there is none).
function! whosaid#health#results() abort
  let results = []
  call s:check_neovim(results)
  let prog = s:check_program(results)
  if !empty(prog)
    call s:check_host(results, prog)
  endif
  call s:check_plugin_host(results)
  return results
endfunction

function! s:add(results, level, message, ...) abort
  call add(a:results, [a:level, a:message, a:0 > 0 ? a:1 : []])
endfunction

" The commands that build the program, as advice.
function! s:build_advice() abort
  return [
        \ 'Build the program in the plugin''s directory (' . s:root . '): '
        \ . 'cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build',
        \ 'It needs a C compiler, CMake and (on Debian) libuv1-dev libmsgpack-dev libutf8proc-dev',
        \ 'Or set g:whosaid_host_prog to the path of a built whosaid program; see :help whosaid-program',
        \ ]
endfunction

function! s:check_neovim(results) abort
  if !has('nvim')
    return s:check_vim(a:results)
  endif
  call s:add(a:results, 'start', 'whosaid: Neovim')
  if has('nvim-0.7')
    let nvim = matchstr(execute('version'), 'NVIM v\zs[^\n]*')
    call s:add(a:results, 'ok', 'Neovim ' . nvim . ' (0.7 or newer is needed)')
  else
    call s:add(a:results, 'error', 'Neovim 0.7 or newer is needed',
          \ ['Upgrade Neovim; the plugin does nothing on older versions'])
  endif
endfunction

function! s:check_vim(results) abort
  call s:add(a:results, 'start', 'whosaid: Vim')
  let vim_version = printf('Vim %d.%d', v:version / 100, v:version % 100)
  let missing = filter(['job', 'channel', 'textprop', 'timers', 'lambda'], '!has(v:val)')
  if v:version < 900 || !empty(missing)
    call s:add(a:results, 'error', vim_version . (empty(missing) ? '' : ' without +'
          \ . join(missing, ' +')) . ': Vim 9.0 with +job +channel +textprop is needed',
          \ ['Upgrade Vim (Debian 12''s vim is enough); the plugin does nothing here'])
  elseif &encoding !=# 'utf-8'
    call s:add(a:results, 'error', vim_version . ': ''encoding'' is ' . &encoding
          \ . ', and whosaid needs utf-8', ['Put set encoding=utf-8 at the top of your vimrc'])
  elseif has('patch-9.0.0067')
    call s:add(a:results, 'ok', vim_version . ': highlights as text properties, the speaker '
          \ . 'as virtual text (Vim 9.0 is needed, 9.0.0067 for the virtual text)')
  else
    call s:add(a:results, 'warn', vim_version . ' without patch 9.0.0067: highlights, but no '
          \ . '"— Speaker" after the quotes', ['Upgrade Vim to 9.0.0067 or newer'])
  endif
endfunction

" Reports where the program is; returns its path, or '' when it is missing.
function! s:check_program(results) abort
  call s:add(a:results, 'start', 'whosaid: the program')
  let prog = whosaid#host#program()
  let configured = get(g:, 'whosaid_host_prog', '')
  if empty(prog)
    if !empty(configured)
      call s:add(a:results, 'error', printf('g:whosaid_host_prog is %s, which is not an '
            \ . 'executable file', string(configured)), s:build_advice())
    else
      call s:add(a:results, 'error', 'the whosaid program was not found: g:whosaid_host_prog '
            \ . 'is not set, there is no ' . s:root . '/build/bin/whosaid, and none on $PATH',
            \ s:build_advice())
    endif
    return ''
  endif

  " Say which of the three places it came from, since a stale copy on
  " $PATH is a common reason for surprises after rebuilding.
  if !empty(configured)
    let origin = 'g:whosaid_host_prog'
  elseif stridx(prog, s:root . '/') == 0
    let origin = 'the plugin''s build directory'
  else
    let origin = '$PATH'
  endif
  call s:add(a:results, 'ok', 'program: ' . prog . ' (from ' . origin . ')')

  " (Vim's system() takes a shell command, Neovim's a list too.)
  let output = system(has('nvim') ? [prog, 'version'] : shellescape(prog) . ' version')
  if v:shell_error != 0
    call s:add(a:results, 'error', printf('%s version failed (exit %d): %s', prog,
          \ v:shell_error, trim(output)), s:build_advice())
    return ''
  endif
  call s:add(a:results, 'ok', 'version: ' . trim(output))
  return prog
endfunction

" Starts a short-lived host of its own (not the plugin's, which may be busy
" with buffers) and asks it what the editor will ask.
function! s:check_host(results, prog) abort
  call s:add(a:results, 'start', 'whosaid: the RPC host')
  let stderr = []
  let command = has('nvim') ? [a:prog, 'host'] : [a:prog, 'host', '--vim']
  if executable('timeout')
    let command = ['timeout', string(s:host_seconds)] + command
  endif
  if !has('nvim')
    return s:check_vim_host(a:results, command)
  endif
  try
    let channel = jobstart(command, {'rpc': v:true,
          \ 'on_stderr': {job, data, event -> extend(stderr, filter(copy(data), 'v:val !=# ""'))}})
  catch
    let channel = 0
  endtry
  if channel <= 0
    call s:add(a:results, 'error', 'cannot start ' . join(command), s:build_advice())
    return
  endif

  try
    let answer = rpcrequest(channel, 'poll')
    if answer !=# 'ok'
      throw 'poll answered ' . string(answer)
    endif
    call s:add(a:results, 'ok', 'the host answers poll: "ok"')
    let model = rpcrequest(channel, 'version')
  catch
    " Wait for the host to exit so that its last words (most often "no
    " model found") have arrived on stderr.
    call jobwait([channel], 2000)
    let why = empty(stderr) ? substitute(v:exception, '^Vim\%((\a\+)\)\=:E\d\+: ', '', '')
          \ : join(stderr, "\n")
    call s:add(a:results, 'error', 'the host does not answer: ' . why,
          \ join(stderr) =~? 'model'
          \ ? ['Set $WHOSAID_MODEL to the model directory (models/ in the source tree), '
          \    . 'or build the program with CMake, which puts the model in build/share/whosaid/models']
          \ : s:build_advice())
    call jobstop(channel)
    return
  endtry
  call jobstop(channel)
  call s:check_model(a:results, model)
endfunction

" Vim: the same on a JSON channel, each answer within the time limit.
function! s:check_vim_host(results, command) abort
  let stderr = []
  let job = job_start(a:command, {'mode': 'json', 'err_mode': 'nl',
        \ 'err_cb': {channel, line -> add(stderr, line)}})
  if job_status(job) !=# 'run'
    call s:add(a:results, 'error', 'cannot start ' . join(a:command), s:build_advice())
    return
  endif
  let channel = job_getchannel(job)
  let timeout = {'timeout': s:host_seconds * 1000}
  let answer = ch_evalexpr(channel, ['poll', []], timeout)
  let model = type(answer) == v:t_list && answer[0] is v:null && answer[1] ==# 'ok'
        \ ? ch_evalexpr(channel, ['version', []], timeout) : ''
  if type(model) != v:t_list || model[0] isnot v:null
    " Its last words (most often "no model found") come with its exit.
    let waited = 0
    while job_status(job) ==# 'run' && waited < 2000
      sleep 10m
      let waited += 10
    endwhile
    let why = !empty(stderr) ? join(stderr, "\n")
          \ : type(answer) == v:t_list ? 'it answered ' . string(answer) : 'no answer'
    call s:add(a:results, 'error', 'the host does not answer: ' . why,
          \ join(stderr) =~? 'model'
          \ ? ['Set $WHOSAID_MODEL to the model directory (models/ in the source tree), '
          \    . 'or build the program with CMake, which puts the model in build/share/whosaid/models']
          \ : s:build_advice())
    call job_stop(job, 'kill')
    return
  endif
  call s:add(a:results, 'ok', 'the host answers poll: "ok"')
  call job_stop(job, 'kill')
  call s:check_model(a:results, model[1])
endfunction

function! s:check_model(results, model) abort
  let model = a:model
  if get(model, 'protocol', 0) != 1
    call s:add(a:results, 'warn', printf('the host speaks protocol %s; this plugin speaks 1',
          \ string(get(model, 'protocol', v:null))),
          \ ['Rebuild the program from the same source as the plugin'])
  endif
  let advice = ['The model directory was not found or is incomplete; set $WHOSAID_MODEL '
        \ . 'or install the models (cmake --install build)']
  if get(model, 'entities', v:false)
    call s:add(a:results, 'ok', 'the model finds entities: true')
  else
    call s:add(a:results, 'warn', 'the model finds entities: false '
          \ . '(no names will be highlighted)', advice)
  endif
  if get(model, 'attribution', v:false)
    call s:add(a:results, 'ok', 'the model finds speakers (attribution): true')
  else
    call s:add(a:results, 'warn', 'the model finds speakers (attribution): false '
          \ . '(quotes will have no speaker)', advice)
  endif
endfunction

" The plugin's own host: whether it runs and what it said on stderr.
function! s:check_plugin_host(results) abort
  call s:add(a:results, 'start', 'whosaid: the plugin')
  if whosaid#host#running()
    call s:add(a:results, 'info', 'the plugin''s host is running')
  else
    call s:add(a:results, 'info', 'the plugin''s host is not running (it starts on the first '
          \ . ':WhoSaid command, and again after a crash)')
  endif
  let filetypes = get(g:, 'whosaid_filetypes', [])
  call s:add(a:results, 'info', empty(filetypes)
        \ ? 'g:whosaid_filetypes is empty: buffers are highlighted only after :WhoSaid on'
        \ : 'enabled automatically for the filetypes ' . join(filetypes, ', '))

  let lines = whosaid#host#stderr()
  let editor = has('nvim') ? 'Neovim' : 'Vim'
  if !empty(lines)
    " (lines[-10:] would be empty for fewer than ten lines.)
    let last = lines[max([0, len(lines) - 10]) :]
    " Only the host's warnings and errors are worth a warning; with
    " $WHOSAID_LOG_LEVEL=info or debug its chatter is information.
    let level = match(last, '\c\<\%(error\|warn\%(ing\)\=\|fatal\|abort\)') >= 0 ? 'warn' : 'info'
    call s:add(a:results, level, "the host's last messages on stderr:\n" . join(last, "\n"),
          \ level ==# 'warn' ? ['Set $WHOSAID_LOG_FILE and $WHOSAID_LOG_LEVEL=debug '
          \ . 'before starting ' . editor . ' for the whole log; see :help whosaid-troubleshooting']
          \ : [])
  endif
endfunction

" :WhoSaid health in Vim: the report in a scratch buffer, laid out as
" :checkhealth lays it out.
function! whosaid#health#show() abort
  let lines = []
  for [level, message, advice] in whosaid#health#results()
    let text = split(message, "\n")
    if level ==# 'start'
      call extend(lines, ['', '## ' . message])
      continue
    endif
    call add(lines, '  - ' . (level ==# 'info' ? '' : toupper(level) . ': ') . text[0])
    call extend(lines, map(text[1:], '"    " . v:val'))
    if !empty(advice)
      call add(lines, '    - ADVICE:')
      call extend(lines, map(copy(advice), '"      - " . v:val'))
    endif
  endfor
  new
  setlocal buftype=nofile bufhidden=wipe noswapfile nobuflisted
  call setline(1, ['whosaid: health report (:WhoSaid health)'] + lines)
  setlocal nomodified nomodifiable
  file [whosaid\ health]
endfunction
