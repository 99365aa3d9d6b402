-- lua/whosaid/health.lua: :checkhealth whosaid on Neovim versions that look
-- for require('<name>.health').check() (0.7 prefers it over the Vimscript
-- one too). The checks themselves are whosaid#health#results() in
-- autoload/whosaid/health.vim, shared with autoload/health/whosaid.vim.

local M = {}

-- The reporting functions of this Neovim: vim.health.start/ok/... from 0.9
-- (the report_* names are deprecated from 0.10), vim.health.report_* in
-- 0.8, and in 0.7, which has no vim.health, the Vimscript health#report_*.
local function reporter()
  local health = vim.health or {}
  if health.start then
    return { start = health.start, ok = health.ok, info = health.info, warn = health.warn,
             error = health.error }
  elseif health.report_start then
    return { start = health.report_start, ok = health.report_ok, info = health.report_info,
             warn = health.report_warn, error = health.report_error }
  end
  local function vimscript(name)
    return function(...) vim.fn['health#report_' .. name](...) end
  end
  return { start = vimscript('start'), ok = vimscript('ok'), info = vimscript('info'),
           warn = vimscript('warn'), error = vimscript('error') }
end

function M.check()
  local report = reporter()
  for _, result in ipairs(vim.fn['whosaid#health#results']()) do
    local level, message, advice = result[1], result[2], result[3]
    if level == 'warn' or level == 'error' then
      report[level](message, advice)
    else
      report[level](message)
    end
  end
end

return M
