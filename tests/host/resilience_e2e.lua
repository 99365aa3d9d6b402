-- resilience_e2e.lua: run inside a headless Neovim (with the plugin on
-- 'runtimepath') by test_resilience.py, once per phase ($WHOSAID_PHASE):
-- stops (SIGSTOP) or kills (SIGKILL) the real host at awkward moments, runs
-- :WhoSaid commands as a user would, and writes what happened (how long
-- each command took, the messages, the hosts' pids, the highlights) as
-- JSON to $WHOSAID_RESULT. Every host pid is also appended to
-- $WHOSAID_PIDS as soon as it is known, so that the Python side can kill
-- stopped hosts even when this driver hangs.
local article = os.getenv('WHOSAID_ARTICLE')
local result_path = os.getenv('WHOSAID_RESULT')
local pids_path = os.getenv('WHOSAID_PIDS')
local phase = os.getenv('WHOSAID_PHASE')
local uv = vim.uv or vim.loop
local results = {}
local support = dofile(debug.getinfo(1, 'S').source:sub(2):match('(.*/)') .. 'e2e_support.lua')
local messages, find = support.messages, support.find

-- Short limits, so that the test is quick (the defaults are 2 s and 30 s).
local TIMEOUT, REQUEST_TIMEOUT = 1000, 1500
vim.g.whosaid_timeout = TIMEOUT
vim.g.whosaid_request_timeout = REQUEST_TIMEOUT
results.timeout, results.request_timeout = TIMEOUT, REQUEST_TIMEOUT

local function ms_since(start) return (uv.hrtime() - start) / 1e6 end

-- The running host's pid (0 when none runs), noted in $WHOSAID_PIDS.
local function host_pid()
  if vim.fn['whosaid#host#running']() == 0 then return 0 end
  local pid = vim.fn.jobpid(vim.fn['whosaid#host#channel']())
  local file = assert(io.open(pids_path, 'a'))
  file:write(pid, '\n')
  file:close()
  return pid
end

-- The state letter of /proc/PID/stat ('T' stopped, 'Z' zombie), or nil
-- once the process is gone.
local function state(pid)
  local file = io.open('/proc/' .. pid .. '/stat')
  if file == nil then return nil end
  local stat = file:read('*a')
  file:close()
  return stat:match('^%d+ %b() (%a)')
end

local function stop(pid)
  uv.kill(pid, 'sigstop')
  local stopped = vim.wait(2000, function() return state(pid) == 'T' end, 5)
  return stopped
end

-- Whether PID is gone (Neovim has reaped it) within 2 s.
local function gone(pid)
  local went = vim.wait(2000, function() return state(pid) == nil end, 10)
  return went
end

-- How many times :messages holds TEXT (plain text).
local function count(text)
  local n, from = 0, 1
  local all = messages()
  while true do
    local at = all:find(text, from, true)
    if at == nil then return n end
    n, from = n + 1, at + #text
  end
end

-- COMMAND's duration in ms, what it showed (:echo too), and the cursor
-- after it.
local function timed(command)
  local start = uv.hrtime()
  local output = vim.fn.execute(command, '')
  return {ms = ms_since(start), output = output, cursor = {vim.fn.line('.'), vim.fn.col('.')}}
end

local namespace = function() return vim.api.nvim_create_namespace('whosaid') end

-- The highlights of the current buffer, each as a comparable string, sorted.
local function marks()
  local list = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(0, namespace(), 0, -1, {details = true})) do
    local d = m[4]
    local text = d.virt_text and d.virt_text[1][1] or ''
    table.insert(list, table.concat({m[2], m[3], d.end_row or -1, d.end_col or -1,
                                     d.hl_group or '', text}, ' '))
  end
  table.sort(list)
  return list
end

-- The host's highlights of the current buffer once it has analysed it.
local function settled_marks()
  vim.fn['whosaid#host#request']('analyze', vim.fn.bufnr())
  return marks()
end

-- The article repeated until it holds BYTES (once at least), in a
-- temporary file: sizes, not counts, whatever the article's length.
local function article_copy(bytes)
  local lines, all, size = vim.fn.readfile(article), {}, 0
  repeat
    for _, line in ipairs(lines) do
      table.insert(all, line)
      size = size + #line + 1
    end
    table.insert(all, '')
    size = size + 1
  until size >= bytes
  local path = vim.fn.tempname() .. '.txt'
  vim.fn.writefile(all, path)
  return path
end

local phases = {}

-- A stopped host: commands return within the limit with one message each
-- time, and the next command starts a new host that works.
function phases.stall()
  vim.cmd('edit ' .. vim.fn.fnameescape(article_copy(0)))
  vim.cmd('WhoSaid on')
  results.quotes_before = #vim.fn['whosaid#quotes']()

  -- 1. Stopped while idle: :WhoSaid quote next.
  local pid = host_pid()
  results.pids = {pid}
  results.stopped = {stop(pid)}
  vim.fn.cursor(1, 1)
  results.next = timed('WhoSaid quote next')
  results.gone = {gone(pid)}
  results.running_after_stall = vim.fn['whosaid#host#running']()
  results.messages_after_stall = count('did not answer')

  -- The next command (after Neovim's loop ran, as between two keys)
  -- starts a new host, which answers.
  vim.wait(20)
  results.restarted = timed('WhoSaid quote next')
  pid = host_pid()
  table.insert(results.pids, pid)
  results.quotes_after = #vim.fn['whosaid#quotes']()
  results.marks_after = #settled_marks()

  -- 2. Stopped again: a jump from a quote to its speaker.
  local lnum, col = find('Nobody in The Hague')
  vim.fn.cursor(lnum, col + 5)
  results.speaker_from = {vim.fn.line('.'), vim.fn.col('.')}
  table.insert(results.stopped, stop(pid))
  results.speaker = timed('WhoSaid speaker')
  table.insert(results.gone, gone(pid))
  vim.wait(20)
  vim.fn.cursor(lnum, col + 5)
  results.speaker_again = timed('WhoSaid speaker')
  results.speaker_line = vim.fn.getline('.'):sub(vim.fn.col('.'))
  pid = host_pid()
  table.insert(results.pids, pid)

  -- 3. Stopped again: the Vimscript API fails (an error for the caller)
  -- within the limit, and the statusline function gives '' at once.
  table.insert(results.stopped, stop(pid))
  local start = uv.hrtime()
  local ok, err = pcall(vim.fn['whosaid#quotes'])
  results.api = {ok = ok, error = tostring(err), ms = ms_since(start)}
  start = uv.hrtime()
  results.status = {text = vim.fn['whosaid#status'](), ms = ms_since(start)}
  table.insert(results.gone, gone(pid))
  vim.wait(20)
  results.api_again = #vim.fn['whosaid#quotes']()
  pid = host_pid()
  table.insert(results.pids, pid)

  -- 4. Stopped in the middle of a request: the host stops itself, in
  -- effect, as soon as the highlights of an edit reach Neovim, while
  -- :WhoSaid on waits for its answer (the request's own limit applies).
  vim.api.nvim_buf_set_lines(0, 0, 0, false, {'"We will not give up," said Senator Smith.', ''})
  vim.cmd('autocmd User WhoSaidDone ++once lua vim.g.stopped_mid = vim.loop.kill(' .. pid
    .. ", 'sigstop')")
  results.mid_request = timed('WhoSaid on')
  table.insert(results.stopped, vim.g.stopped_mid == 0)
  table.insert(results.gone, gone(pid))
  vim.wait(20)
  results.mid_request_again = timed('WhoSaid quote next')
  results.quotes_end = #vim.fn['whosaid#quotes']()
  table.insert(results.pids, host_pid())
  results.messages_end = count('did not answer')
end

-- A host killed while edits and highlight updates flow: Neovim stays
-- responsive, one message, and the next command brings the highlights back
-- with no stale or doubled extmarks.
function phases.kill()
  -- Larger than 64 KiB: analysed on the host's worker thread.
  vim.cmd('edit ' .. vim.fn.fnameescape(article_copy(90 * 1024)))
  vim.cmd('WhoSaid on')
  results.bytes = vim.fn.wordcount().bytes
  local pid = host_pid()
  results.pids = {pid}
  results.marks_before = #marks()
  local worst, updates = 0, 0
  vim.cmd('autocmd User WhoSaidDone lua vim.g.updates = (vim.g.updates or 0) + 1')
  for i = 1, 120 do
    local start = uv.hrtime()
    local row = (i * 37) % vim.api.nvim_buf_line_count(0)
    vim.api.nvim_buf_set_lines(0, row, row, false,
      {string.format('"Line %d is new," said Senator Smith.', i)})
    -- A pause long enough for the host's analysis and update now and then.
    vim.wait(i % 4 == 0 and 100 or 5)
    worst = math.max(worst, ms_since(start))
    if i == 62 then
      -- Killed once the edits so far have been highlighted (a slow build, a
      -- sanitizer or a busy machine may need more than the pauses above).
      vim.wait(20000, function() return (vim.g.updates or 0) > 0 end, 10)
      updates = vim.g.updates or 0
      uv.kill(pid, 'sigkill')
    end
  end
  results.updates_before_kill = updates
  results.worst_edit_ms = worst
  results.gone = {gone(pid)}
  results.running_after_kill = vim.fn['whosaid#host#running']()
  results.stopped_messages_after_kill = count('the host stopped')
  -- Half the text deleted while it is dead: the extmarks there stay,
  -- squeezed at the deletion, until the next host's update.
  vim.api.nvim_buf_set_lines(0, math.floor(vim.api.nvim_buf_line_count(0) / 2), -1, false, {})

  -- The next command starts a new host and the highlights come back, the
  -- same as a fresh :WhoSaid off and on gives (none of the dead host's).
  vim.fn.cursor(1, 1)
  results.restarted = timed('WhoSaid quote next')
  pid = host_pid()
  table.insert(results.pids, pid)
  local restarted = settled_marks()
  vim.cmd('WhoSaid off')
  -- (The host clears them after it answers.)
  vim.wait(2000, function() return #marks() == 0 end, 10)
  results.marks_off = #marks()
  vim.cmd('WhoSaid on')
  local fresh = settled_marks()
  results.marks_restarted, results.marks_fresh = #restarted, #fresh
  results.marks_same = vim.deep_equal(restarted, fresh)
  local function distinct(list)
    local set = {}
    for _, m in ipairs(list) do set[m] = true end
    return vim.tbl_count(set)
  end
  results.marks_distinct_restarted = distinct(restarted)
  results.marks_distinct_fresh = distinct(fresh)

  -- Killed in the middle of a request: while :WhoSaid on waits for its
  -- answer, as the highlights of an edit reach Neovim.
  pid = host_pid()
  vim.api.nvim_buf_set_lines(0, 0, 0, false, {'"We will not give up," said Senator Jones.', ''})
  vim.cmd('autocmd User WhoSaidDone ++once lua vim.loop.kill(' .. pid .. ", 'sigkill')")
  results.mid_request = timed('WhoSaid on')
  table.insert(results.gone, gone(pid))
  vim.wait(50) -- its exit is reported here unless the request reported it
  results.mid_request_again = timed('WhoSaid quote next')
  table.insert(results.pids, host_pid())
  results.marks_end = #settled_marks()
  results.stopped_messages = count('the host stopped')
end

-- Typing while the host is dead (or stopped): no message per keystroke,
-- no restart either (only a command restarts it), and no wait per
-- keystroke from the statusline.
function phases.typing()
  vim.cmd('edit ' .. vim.fn.fnameescape(article_copy(0)))
  vim.o.statusline = '%{whosaid#status()}'
  vim.cmd('WhoSaid on')
  results.status_before = vim.fn['whosaid#status']()
  local pid = host_pid()
  results.pids = {pid}
  uv.kill(pid, 'sigkill')
  results.gone = {gone(pid)}
  vim.wait(50) -- the host's exit is reported
  results.messages_killed = count('whosaid:')
  -- (Typing in a headless Neovim adds empty lines to :messages, which keeps
  -- only the last 100: each stage counts from an empty history.)
  vim.cmd('messages clear')
  local function type_words(n)
    local start = uv.hrtime()
    local statuses = {}
    for i = 1, n do
      vim.api.nvim_feedkeys('Goword ' .. i .. ' "quoted," he said\27', 'xt', false)
      statuses[vim.fn['whosaid#status']()] = true -- as the statusline would
      vim.wait(2)
    end
    return {ms = ms_since(start), statuses = vim.tbl_keys(statuses)}
  end
  results.dead = type_words(150)
  results.running_while_dead = vim.fn['whosaid#host#running']()
  results.messages_dead = count('whosaid:')

  -- The next command starts a new host; then it is stopped, and typing
  -- goes on: one wait and one message, not one per keystroke.
  results.restarted = timed('WhoSaid quote next')
  pid = host_pid()
  table.insert(results.pids, pid)
  results.status_restarted = vim.fn['whosaid#status']()
  stop(pid)
  vim.cmd('messages clear')
  results.stalled = type_words(100)
  table.insert(results.gone, gone(pid))
  results.running_after_stall = vim.fn['whosaid#host#running']()
  results.messages_stalled = count('whosaid:')
  results.stalled_message = count('did not answer within')
end

-- g:whosaid_max_buffer: a buffer over it keeps no highlights and says so
-- once; under it again, the highlights come back; the buffer is untouched.
function phases.limit()
  vim.g.whosaid_max_buffer = 8000
  vim.cmd('edit ' .. vim.fn.fnameescape(article_copy(12 * 1024)))
  local before = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  results.bytes = vim.fn.wordcount().bytes
  vim.cmd('messages clear')
  vim.cmd('WhoSaid on')
  -- (The host's message is a notification: it shows once Neovim waits.)
  vim.wait(3000, function() return count('too large') > 0 end, 10)
  results.marks_over = #settled_marks()
  results.too_large_on = count('too large')
  -- Edits while still over the limit: no more messages.
  vim.api.nvim_buf_set_lines(0, 0, 0, false, {'"One more," he said.'})
  vim.wait(300)
  results.marks_still_over = #settled_marks()
  results.too_large_after_edit = count('too large')
  vim.api.nvim_buf_set_lines(0, 0, 1, false, {})
  results.untouched = vim.deep_equal(before, vim.api.nvim_buf_get_lines(0, 0, -1, false))
  -- Cut to one copy of the article (under 8000 bytes): the highlights come back.
  vim.api.nvim_buf_set_lines(0, vim.fn.len(vim.fn.readfile(article)) + 1, -1, false, {})
  results.bytes_under = vim.fn.wordcount().bytes
  vim.wait(3000, function() return #marks() > 0 end, 10)
  results.marks_under = #settled_marks()
  results.too_large_end = count('too large')
end

local ok, err = pcall(phases[phase])
results.error = ok and vim.NIL or tostring(err)
results.messages = results.messages or messages()
results.all_messages = messages()
local file = assert(io.open(result_path, 'w'))
file:write(vim.fn.json_encode(results))
file:close()
vim.cmd('qall!')
