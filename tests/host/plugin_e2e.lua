-- plugin_e2e.lua: run inside a headless Neovim (with the plugin on
-- 'runtimepath') by test_plugin.py: drives :WhoSaid as a user would and
-- writes what happened as JSON for the Python side to check.
local article = os.getenv('WHOSAID_ARTICLE')
local result_path = os.getenv('WHOSAID_RESULT')
local results = {}
-- The helpers both drivers use, from this file's directory.
local support = dofile(debug.getinfo(1, 'S').source:sub(2):match('(.*/)') .. 'e2e_support.lua')
local messages, find = support.messages, support.find

-- The cursor's line and the text from it, after running COMMAND at (LNUM, COL).
local function jump(lnum, col, command)
  vim.fn.cursor(lnum, col)
  vim.cmd(command)
  local line, column = vim.fn.line('.'), vim.fn.col('.')
  return {line, column, vim.fn.getline(line):sub(column)}
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  vim.cmd('WhoSaid on')
  results.quotes = vim.fn['whosaid#quotes']()
  results.entities = vim.fn['whosaid#entities']()
  results.status = vim.fn['whosaid#status']()

  -- The API on another buffer, by its number; 0 is the current one (where
  -- Vimscript's bufnr(0) is the alternate one); a buffer that is not there.
  local article_buf = vim.fn.bufnr()
  vim.cmd('enew') -- the article is now the alternate buffer
  results.api_other = #vim.fn['whosaid#quotes'](article_buf)
  results.api_zero_elsewhere = select(2, pcall(vim.fn['whosaid#quotes'], 0))
  vim.cmd('buffer ' .. article_buf) -- the empty buffer is the alternate one
  results.api_zero = #vim.fn['whosaid#entities'](0)
  results.api_missing = select(2, pcall(vim.fn['whosaid#quotes'], 9999))
  vim.cmd('bwipeout #')

  local lnum, col = find('We hope that the United States')
  results.geng = jump(lnum, col + 5, 'WhoSaid speaker')
  results.geng_again = jump(results.geng[1], results.geng[2], 'WhoSaid speaker')
  lnum, col = find('(There is) a risk')
  results.risk = jump(lnum, col + 5, 'WhoSaid speaker')
  results.risk_again = jump(results.risk[1], results.risk[2], 'WhoSaid speaker')
  jump(1, 1, 'WhoSaid quote next')
  vim.cmd("normal! \15") -- CTRL-O: back where the jump started
  results.back = {vim.fn.line('.'), vim.fn.col('.')}

  results.pompeo_quotes = {}
  vim.fn.cursor(1, 1)
  for _ = 1, 4 do
    vim.cmd('WhoSaid quote next Pompeo')
    table.insert(results.pompeo_quotes, {vim.fn.line('.'), vim.fn.col('.')})
  end
  lnum, col = find('Secretary of State Mike Pompeo')
  results.mention = jump(lnum, col + 20, 'WhoSaid mention next')
  vim.fn.cursor(1, 1)
  vim.cmd('WhoSaid quotes')
  results.loclist = vim.fn.getloclist(0)
  vim.cmd('lclose')
  vim.cmd('WhoSaid quotes "Geng Shuang"')
  results.loclist_geng = vim.fn.getloclist(0)
  vim.cmd('lclose')

  -- Completion, and the speakers picker through vim.ui.select.
  results.complete_sub = vim.fn.getcompletion('WhoSaid q', 'cmdline')
  results.complete_names = vim.fn.getcompletion('WhoSaid quote next ', 'cmdline')
  vim.ui.select = function(items, _, on_choice)
    results.picker_items = items
    on_choice(items[1], 1)
  end
  vim.fn.cursor(1, 1)
  vim.cmd('WhoSaid speakers')
  results.picked = {vim.fn.line('.'), vim.fn.col('.')}

  -- Options read at each update: no virtual text, persons only; and the
  -- User WhoSaidDone event after the update.
  local copy = vim.fn.tempname() .. '.txt'
  vim.fn.writefile(vim.fn.readfile(article), copy)
  vim.g.whosaid_done = 0
  vim.cmd('autocmd User WhoSaidDone let g:whosaid_done += 1')
  vim.cmd('edit ' .. copy)
  vim.b.whosaid_virtual_text = 0
  vim.b.whosaid_types = {'PER'}
  vim.cmd('WhoSaid on')
  local namespace = vim.api.nvim_get_namespaces().whosaid
  results.optioned = vim.api.nvim_buf_get_extmarks(0, namespace, 0, -1, {details = true})
  results.done = vim.g.whosaid_done
  vim.cmd('buffer #')

  -- g:whosaid_filetypes enables a buffer of that filetype by itself.
  vim.g.whosaid_filetypes = {'text'}
  local other = vim.fn.tempname() .. '.txt'
  vim.fn.writefile({'"We will not give up on this," said Senator Smith.'}, other)
  vim.cmd('edit ' .. other)
  vim.cmd('setfiletype text')
  results.auto_enabled = vim.wait(5000, function() return vim.b.whosaid_enabled == 1 end, 10)
  vim.cmd('buffer #')

  -- The host dies: the next command starts it again and re-attaches.
  local pid = vim.fn.jobpid(vim.fn['whosaid#host#channel']())
  vim.loop.kill(pid, 9)
  vim.wait(2000, function() return vim.fn['whosaid#host#running']() == 0 end, 10)
  results.restarted = jump(lnum, col + 20, 'WhoSaid mention next')
  results.running_again = vim.fn['whosaid#host#running']()

  -- Read again: Neovim ends the host's attachment when a buffer is reloaded.
  -- :edit! after an unsaved edit and an unsaved correction, then the file
  -- changed on disk and reloaded by :checktime with 'autoread', then that
  -- reload undone; each time the highlights are those of the text read (as
  -- :WhoSaid on gives them), the correction is kept, commands are answered
  -- and edits followed.
  local reread = vim.fn.tempname() .. '.txt'
  vim.fn.writefile(vim.fn.readfile(article), reread)
  vim.cmd('edit ' .. reread)
  vim.cmd('WhoSaid on')
  local function marks()
    local found = {}
    for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(0, namespace, 0, -1, {details = true})) do
      mark[4].ns_id = nil
      table.insert(found, {mark[2], mark[3], mark[4]}) -- (not the id: it may differ)
    end
    -- In position order; marks at one position in an order of their own
    -- (Neovim 0.10 lists them by id, which differ from one update to the next).
    local key = function(mark) return string.format('%09d %09d %s', mark[1], mark[2], vim.inspect(mark[3])) end
    table.sort(found, function(a, b) return key(a) < key(b) end)
    return found
  end
  local function analyse() vim.fn['whosaid#host#request']('analyze', vim.fn.bufnr()) end
  -- (Attached again once Neovim has read the buffer: on the next tick.)
  local function reattached()
    return vim.wait(5000, function() return vim.fn['whosaid#host#attached'](vim.fn.bufnr()) == 1 end, 10)
  end
  lnum, col = find('We hope that the United States')
  vim.fn.cursor(lnum, col + 5)
  vim.cmd('WhoSaid assign Jane Roe')
  results.reread_fresh = marks()
  vim.api.nvim_buf_set_lines(0, 0, 0, false,
    {'"An unsaved quote of a good many words," said Senator Jane Doe.', ''})
  analyse()
  results.reread_edited = marks()
  vim.cmd('edit!')
  results.reread_reattached = reattached()
  results.reread_reverted = marks()
  results.reread_reverted_quotes = vim.fn['whosaid#quotes']()
  results.reread_next = jump(1, 1, 'WhoSaid quote next')
  local changed = vim.fn.readfile(article)
  table.insert(changed, 1, '"A quote added on disk by another program," said Senator John Roe.')
  table.insert(changed, 2, '')
  vim.fn.writefile(changed, reread)
  vim.o.autoread = true
  vim.cmd('checktime')
  results.reread_disk_reattached = reattached()
  results.reread_disk_quotes = vim.fn['whosaid#quotes']()
  vim.cmd('undo') -- the reload undone ('undoreload'): read again, with no autocommand
  results.reread_undo_reattached = reattached()
  results.reread_undone = marks()
  vim.api.nvim_buf_set_lines(0, 0, 0, false, {'"Nothing is decided yet at all," said Jane Doe.', ''})
  analyse()
  results.reread_followed = vim.fn['whosaid#quotes']()
  results.reread_messages = messages()
  vim.cmd('bwipeout!')

  -- A buffer that is not text; and a scratch buffer, which is.
  vim.cmd('new')
  vim.bo.buftype = 'prompt'
  vim.cmd('WhoSaid on')
  results.nofile_messages = messages()
  vim.cmd('bwipeout!')
  vim.cmd('new')
  vim.bo.buftype = 'nofile'
  vim.api.nvim_buf_set_lines(0, 0, -1, false, {'"We will not back down," Pompeo said.'})
  vim.cmd('WhoSaid on')
  results.scratch_quotes = vim.fn['whosaid#quotes']()
  vim.fn.cursor(1, 3)
  vim.cmd('WhoSaid assign Jane Roe')
  results.scratch_save = vim.fn.execute('WhoSaid save')
  results.scratch_corrected = vim.fn['whosaid#quotes']()[1].speaker
  vim.cmd('bwipeout!')

  -- A 5 MB article: :WhoSaid on returns before its analysis (which runs on
  -- the host's thread pool; the highlights are not there yet, as Neovim has
  -- not read the channel since), the highlights come, and it still answers.
  local lines = vim.fn.readfile(article)
  local big, size = {}, 0
  while size < 5000000 do
    for _, line in ipairs(lines) do
      table.insert(big, line)
      size = size + #line + 1
    end
  end
  local big_file = vim.fn.tempname() .. '.txt'
  vim.fn.writefile(big, big_file)
  vim.cmd('edit ' .. big_file)
  local start = vim.loop.hrtime()
  vim.cmd('WhoSaid on')
  results.big_on_ms = (vim.loop.hrtime() - start) / 1e6
  local function big_marks() return #vim.api.nvim_buf_get_extmarks(0, namespace, 0, -1, {}) end
  results.big_marks_at_once = big_marks()
  vim.wait(60000, function() return big_marks() > 0 end, 20)
  results.big_marks_later = big_marks()
  results.big_bytes = vim.fn.wordcount().bytes
  start = vim.loop.hrtime()
  vim.cmd('WhoSaid quote next')
  results.big_next_ms = (vim.loop.hrtime() - start) / 1e6
  results.big_line = vim.fn.line('.')
  -- The statusline, drawn at each keystroke, shows the last update's counts
  -- at once: it does not analyse the 5 MB again after an edit (as asking
  -- for the quotes does).
  local quotes_before = #vim.fn['whosaid#quotes']()
  results.big_status = vim.fn['whosaid#status']()
  vim.api.nvim_buf_set_lines(0, -1, -1, false, {'', '"A quote typed at the end," she said.'})
  results.big_status_typed = vim.fn['whosaid#status']()
  results.big_quotes = {quotes_before, #vim.fn['whosaid#quotes']()}
  results.big_status_later = vim.fn['whosaid#status']()
end

local ok, err = pcall(run)
results.error = ok and vim.NIL or tostring(err)
results.messages = messages()
local file = assert(io.open(result_path, 'w'))
file:write(vim.fn.json_encode(results))
file:close()
vim.cmd('qall!')
