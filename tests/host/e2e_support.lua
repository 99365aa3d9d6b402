-- e2e_support.lua: what the Lua drivers of the end-to-end tests share
-- (plugin_e2e.lua, annotations_e2e.lua); loaded with dofile().
local M = {}

-- Everything :messages holds.
function M.messages()
  return vim.api.nvim_exec('messages', true)
end

-- The 1-based line and byte column of the first occurrence of TEXT (plain
-- text) in the current buffer.
function M.find(text)
  for lnum, line in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
    local col = line:find(text, 1, true)
    if col then return lnum, col end
  end
  error('not in the buffer: ' .. text)
end

return M
