-- annotations_e2e.lua: run inside a headless Neovim (with the plugin on
-- 'runtimepath') by test_annotations.py, once per phase ($WHOSAID_PHASE):
-- makes corrections as a user would (:WhoSaid assign, notquote, isquote,
-- note, orphans, save, export) on $WHOSAID_ARTICLE and writes what
-- happened as JSON to $WHOSAID_RESULT for the Python side to check.
local article = os.getenv('WHOSAID_ARTICLE')
local result_path = os.getenv('WHOSAID_RESULT')
local phase = os.getenv('WHOSAID_PHASE')
local results = {ticks = {}}
-- The helpers both drivers use, from this file's directory.
local support = dofile(debug.getinfo(1, 'S').source:sub(2):match('(.*/)') .. 'e2e_support.lua')
local messages, find = support.messages, support.find
-- :write leaves the article's bytes as they were (it has no final newline).
vim.o.fixendofline = false

-- Wait for the host's analysis of the current buffer (it follows edits
-- after a pause), then its quotes.
local function quotes()
  vim.fn['whosaid#host#request']('analyze', vim.fn.bufnr())
  return vim.fn['whosaid#quotes']()
end

local function quote_with(words, list)
  for _, q in ipairs(list or quotes()) do
    if q.text:find(words, 1, true) then return q end
  end
  return vim.NIL
end

-- Run an annotation COMMAND (its echo is returned) and record whether the
-- buffer's text changed: whosaid must never change it.
local function run(command)
  local buf = vim.api.nvim_get_current_buf()  -- a location list may open
  local before = vim.api.nvim_buf_get_changedtick(buf)
  local output = vim.fn.execute(command)
  table.insert(results.ticks, {command, before, vim.api.nvim_buf_get_changedtick(buf)})
  return output
end

local function at(words, offset, command)
  local lnum, col = find(words)
  vim.fn.cursor(lnum, col + (offset or 2))
  return run(command)
end

-- The virtual texts of the buffer's marks: {{text, group}, ...}.
local function virtual_texts()
  local namespace = vim.api.nvim_get_namespaces().whosaid
  local texts = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(0, namespace, 0, -1, {details = true})) do
    for _, chunk in ipairs(mark[4].virt_text or {}) do table.insert(texts, chunk) end
  end
  return texts
end

local function file_sha(path)
  local file = io.open(path, 'rb')
  if not file then return vim.NIL end
  local data = file:read('*a')
  file:close()
  return vim.fn.sha256(data)
end

local phases = {}

-- (1) Assign a speaker, by name and with the picker; write; completion.
function phases.assign()
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  vim.cmd('WhoSaid on')
  results.before = quotes()
  results.assign_output = at('(There is) a risk', 5, 'WhoSaid assign Heiko Maas')
  results.after = quotes()
  results.info = at('(There is) a risk', 5, 'WhoSaid info')
  results.virtual = virtual_texts()
  -- Navigation follows the correction: to Maas from the quote, to the
  -- quote among Maas's, and Maas among the speakers.
  at('(There is) a risk', 5, 'WhoSaid speaker')
  results.speaker_jump = vim.fn.getline('.'):sub(vim.fn.col('.'))
  vim.fn.cursor(1, 1)
  run('WhoSaid quote next Heiko Maas')
  results.maas_next = vim.fn.getline('.'):sub(vim.fn.col('.'))
  results.speakers = {}
  for _, speaker in ipairs(vim.fn['whosaid#host#request']('speakers', vim.fn.bufnr())) do
    table.insert(results.speakers, speaker.name)
  end
  results.complete_sub = vim.fn.getcompletion('WhoSaid as', 'cmdline')
  results.complete_names = vim.fn.getcompletion('WhoSaid assign ', 'cmdline')
  results.complete_heiko = vim.fn.getcompletion('WhoSaid assign Heiko\\ M', 'cmdline')
  local directory = vim.fn.fnamemodify(article, ':h')
  results.complete_file = vim.fn.getcompletion('WhoSaid export ' .. directory .. '/pompeo',
    'cmdline')
  -- Without a name and with no quote under the cursor: no picker, but why.
  vim.ui.select = function() results.picker_outside = true end
  vim.fn.cursor(1, 1)
  results.assign_outside = run('WhoSaid assign')
  -- Without a name: the picker's last entry asks for a name.
  vim.ui.select = function(items, _, on_choice)
    results.picker_items = items
    on_choice(items[#items], #items)
  end
  vim.ui.input = function(_, on_confirm) on_confirm('Hua Chunying') end
  at('We hope that the United States', 5, 'WhoSaid assign')
  results.picked = quote_with('We hope that the United States')
  at('We hope that the United States', 5, 'WhoSaid assign -')
  results.cleared = quote_with('We hope that the United States')
  vim.cmd('write')
  results.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
end

-- (1) again, then (2) edits above and a reflow, (3) the quote deleted,
-- and (7) exports (one of a "\r\n" file).
function phases.reopen()
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  vim.cmd('WhoSaid on')
  results.reopened = quote_with('(There is) a risk')
  local directory = vim.fn.fnamemodify(article, ':h')
  for _, extension in ipairs({'csv', 'md', 'json'}) do
    results['export_' .. extension] = run('WhoSaid export ' .. directory .. '/export.' .. extension)
  end
  -- A file name as :write takes it: the article's own name, another extension.
  results.export_percent = run('WhoSaid export %:r-export.md')
  -- Never over the buffer's own files: its sidecar, or a .md article itself.
  results.export_sidecar = run('WhoSaid export %.whosaid.json')
  local lnum = find('Pompeo told the news conference')
  vim.api.nvim_buf_set_lines(0, lnum - 1, lnum - 1, false, {
    'A paragraph added above, "with words in quotes," he said.', '',
    'And another, with no quote at all.', ''})
  lnum = find('Pompeo told the news conference')
  vim.bo.textwidth = 60
  vim.fn.cursor(lnum, 1)
  vim.cmd('normal! gqq')
  results.reflowed_lines = vim.fn.line("']") - lnum + 1
  results.reflowed = quote_with('(There is) a risk')
  results.no_orphans_output = run('WhoSaid orphans')
  -- Exported from a buffer whose file has "\r\n" lines and a byte order
  -- mark (a copy of it written as such): the offsets are the file's.
  vim.bo.fileformat, vim.bo.bomb = 'dos', true
  vim.cmd('write ' .. directory .. '/dos.txt')
  results.export_dos = run('WhoSaid export ' .. directory .. '/dos.json')
  vim.bo.fileformat, vim.bo.bomb = 'mac', false -- lines that end in "\r"
  vim.cmd('write ' .. directory .. '/mac.txt')
  results.export_mac = run('WhoSaid export ' .. directory .. '/mac.json')
  vim.bo.fileformat, vim.bo.bomb = 'unix', false
  vim.fn.cursor(lnum, 1)
  vim.cmd('normal! dap')
  results.deleted = quote_with('risk we will have')
  results.orphans_output = run('WhoSaid orphans')
  results.orphans = vim.fn.getloclist(0)
  vim.cmd('lclose')
  vim.cmd('write')
  vim.cmd('saveas ' .. directory .. '/article.md')
  results.export_itself = run('WhoSaid export %')
  results.export_itself_lines = vim.fn.readfile(directory .. '/article.md')
  results.export_itself_buffer = vim.api.nvim_buf_get_lines(0, 0, -1, false)
end

-- (4) A sidecar that does not parse.
function phases.corrupt()
  local sidecar = article .. '.whosaid.json'
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  vim.cmd('WhoSaid on')
  vim.cmd('WhoSaid on')  -- reads the file again: the same error is not shown again
  results.load_messages = messages()
  results.quotes = quotes()
  local namespace = vim.api.nvim_get_namespaces().whosaid
  results.marks = #vim.api.nvim_buf_get_extmarks(0, namespace, 0, -1, {})
  vim.cmd('write')
  results.sha_after_write = file_sha(sidecar)
  results.save_output = run('WhoSaid save')
  results.save_messages = messages()
  results.sha_after_save = file_sha(sidecar)
  -- A correction made after the failed load outlives the host, and the
  -- file is still left alone.
  at('(There is) a risk', 5, 'WhoSaid assign Heiko Maas')
  vim.loop.kill(vim.fn.jobpid(vim.fn['whosaid#host#channel']()), 9)
  vim.wait(5000, function() return vim.fn['whosaid#host#running']() == 0 end, 10)
  results.restored_after_failed_load = quote_with('(There is) a risk')
  vim.cmd('write')
  results.sha_after_restart = file_sha(sidecar)
  run('WhoSaid! save')
  results.sha_after_force = file_sha(sidecar)
  results.messages_end = messages()
end

-- Select from byte column COL1 of line LNUM to COL2 of line LNUM2 in
-- Visual MODE ('v' or 'V'), then leave Visual mode ('< and '> set).
local function select(mode, lnum, col1, lnum2, col2)
  local from = vim.fn.line2byte(lnum) + col1 - 1
  local to = vim.fn.line2byte(lnum2) + col2 - 1
  vim.cmd(string.format('normal! %dgo%s%dgo\27', from, mode, to))
end

-- (5) notquote, isquote on a selection, note; (6) the text never changes.
function phases.verdicts()
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  vim.cmd('WhoSaid on')
  local original = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  results.before = quotes()
  local geng = quote_with('We hope that the United States', results.before)
  at('We hope that the United States', 5, 'WhoSaid notquote')
  results.after_notquote = quotes()
  results.info_notquote = at('We hope that the United States', 5, 'WhoSaid info')
  -- The whole quote, “ to ”: the end column takes all 3 bytes of ”.
  select('v', geng.lnum, geng.col, geng.end_lnum, geng.end_col - #'”')
  results.isquote_output = run("'<,'>WhoSaid isquote")
  results.after_isquote = quotes()
  local photo = find('File photo via RFERL')
  select('V', photo, 1, photo, 1)
  run("'<,'>WhoSaid isquote")
  results.after_linewise = quotes()
  results.photo_line = vim.fn.getline(photo)
  results.note_output = at('They [Germany]', 5, 'WhoSaid note check the video "at 2:10"')
  results.info_note = at('They [Germany]', 5, 'WhoSaid info')
  results.note_quote = quote_with('They [Germany]')
  at('They [Germany]', 5, 'WhoSaid note -')
  results.info_no_note = at('They [Germany]', 5, 'WhoSaid info')
  results.unchanged = vim.deep_equal(original, vim.api.nvim_buf_get_lines(0, 0, -1, false))
  results.modified = vim.bo.modified
end

-- A host that dies loses nothing; a buffer that is not a file; the
-- sidecar directory option.
function phases.restart()
  vim.cmd('edit ' .. vim.fn.fnameescape(article))
  vim.cmd('WhoSaid on')
  at('(There is) a risk', 5, 'WhoSaid assign Heiko Maas')
  local pid = vim.fn.jobpid(vim.fn['whosaid#host#channel']())
  vim.loop.kill(pid, 9)
  results.stopped = vim.wait(5000, function() return vim.fn['whosaid#host#running']() == 0 end, 10)
  results.sidecar_before_write = vim.fn.filereadable(article .. '.whosaid.json')
  results.restored = quote_with('(There is) a risk')
  results.running_again = vim.fn['whosaid#host#running']()
  vim.cmd('write')

  vim.cmd('enew')
  vim.api.nvim_buf_set_lines(0, 0, -1, false, vim.fn.readfile(article))
  vim.cmd('WhoSaid on')
  at('(There is) a risk', 5, 'WhoSaid assign Heiko Maas')
  results.unnamed = quote_with('(There is) a risk')
  results.unnamed_save = run('WhoSaid save')
  vim.cmd('bwipeout!')

  vim.g.whosaid_annotations_dir = os.getenv('WHOSAID_ANNOTATIONS_DIR')
  local other = vim.fn.fnamemodify(article, ':h') .. '/other.txt'
  vim.fn.writefile(vim.fn.readfile(article), other)
  vim.cmd('edit ' .. vim.fn.fnameescape(other))
  vim.cmd('WhoSaid on')
  at('(There is) a risk', 5, 'WhoSaid assign Heiko Maas')
  vim.cmd('write')
  results.other = vim.fn.fnamemodify(other, ':p')
end

local ok, err = pcall(phases[phase])
results.error = ok and vim.NIL or tostring(err)
results.messages = messages()
local file = assert(io.open(result_path, 'w'))
file:write(vim.fn.json_encode(results))
file:close()
vim.cmd('qall!')
