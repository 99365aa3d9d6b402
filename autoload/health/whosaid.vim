" autoload/health/whosaid.vim: :checkhealth whosaid the Vimscript way, as
" health#{name}#check(). Neovim 0.7 and newer prefer lua/whosaid/health.lua
" when both are on 'runtimepath' (and health#report_* is deprecated from
" 0.10), so this one runs only where the Lua file is missing; both render
" the same list from whosaid#health#results().

function! health#whosaid#check() abort
  for [level, message, advice] in whosaid#health#results()
    if level ==# 'start'
      call health#report_start(message)
    elseif level ==# 'ok'
      call health#report_ok(message)
    elseif level ==# 'info'
      call health#report_info(message)
    elseif level ==# 'warn'
      call health#report_warn(message, advice)
    else
      call health#report_error(message, advice)
    endif
  endfor
endfunction
