" autoload/health/whosaid.vim: :checkhealth whosaid the Vimscript way, as
" health#{name}#check(). Neovim 0.7 and newer prefer lua/whosaid/health.lua
" when both are on 'runtimepath', so this one runs only where the Lua file
" is missing; both render the same list from whosaid#health#results().

function! health#whosaid#check() abort
  for [level, message, advice] in whosaid#health#results()
    call s:report(level, message, advice)
  endfor
endfunction

" One line of the report: vim.health.start/ok/... from Neovim 0.9 (the
" Vimscript health#report_* warn that they are deprecated in 0.10, and are
" gone in 0.11), health#report_* before.
function! s:report(level, message, advice) abort
  let with_advice = a:level ==# 'warn' || a:level ==# 'error'
  if has('nvim-0.9')
    call luaeval('vim.health[_A[1]](_A[2], _A[3])',
          \ [a:level, a:message, with_advice ? a:advice : v:null])
  else
    call call('health#report_' . a:level, with_advice ? [a:message, a:advice] : [a:message])
  endif
endfunction
