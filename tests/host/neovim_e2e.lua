-- neovim_e2e.lua: run inside a headless Neovim by test_neovim.py. Starts
-- `whosaid host` as a job, attaches the article's buffer, reads back the
-- extmarks, inserts a quoted paragraph, waits for the live update, and
-- writes what it saw as JSON for the Python side to check.
local program = os.getenv('WHOSAID_PROGRAM')
local article = os.getenv('WHOSAID_ARTICLE')
local result_path = os.getenv('WHOSAID_RESULT')

local function run()
  local channel = vim.fn.jobstart({program, 'host'}, {rpc = true})
  assert(channel > 0, 'cannot start ' .. program)
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.fn.rpcrequest(channel, 'attach', buf) == true, 'attach failed')
  assert(vim.fn.rpcrequest(channel, 'analyze', buf) == true, 'analyze failed')
  local namespace = vim.api.nvim_get_namespaces().whosaid
  local function marks()
    return vim.api.nvim_buf_get_extmarks(buf, namespace, 0, -1, {details = true})
  end
  local before = marks()
  -- A new quoted paragraph after the headline: the live path (edit event,
  -- debounce, analysis, one batched update) must highlight it.
  vim.api.nvim_buf_set_lines(buf, 1, 1, false,
    {'', '"We have to act together in Europe," said Angela Merkel.'})
  local live = vim.wait(5000, function()
    for _, mark in ipairs(marks()) do
      if mark[2] == 2 and mark[4].hl_group == 'WhoSaidQuote' then return true end
    end
    return false
  end, 10)
  local result = {
    before = before,
    after = marks(),
    live = live,
    quotes = vim.fn.rpcrequest(channel, 'quotes', buf),
    text = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
  }
  local file = assert(io.open(result_path, 'w'))
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.fn.jobstop(channel)
end

local ok, err = pcall(run)
if ok then
  vim.cmd('qall!')
else
  io.stderr:write('neovim_e2e.lua: ' .. tostring(err) .. '\n')
  vim.cmd('cquit 1')
end
