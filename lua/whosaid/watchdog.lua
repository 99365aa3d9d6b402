-- lua/whosaid/watchdog.lua: a time limit on the plugin's requests to its
-- host (autoload/whosaid/host.vim). rpcrequest() waits as long as it takes,
-- and Vim timers do not run while it waits; libuv's timers do (Neovim keeps
-- running its libuv loop for the channel's messages). So a libuv timer
-- kills a host that takes too long: its pipes close, and the waiting
-- rpcrequest() returns with an error.
--
-- The time counted is the time Neovim spent waiting with nothing to do. A
-- tick that comes late came late because Neovim was busy, for instance
-- applying the highlights the host just sent (the host is alive, then): such
-- a tick counts as two ticks, not as the whole delay.
local uv = vim.uv or vim.loop

local M = {}

local guards = {} -- id -> {timer, channel}
local killed = {} -- channel -> true once the watchdog killed its host
local next_id = 0

-- Start timing a request on CHANNEL, whose process is PID: after LIMIT ms
-- of waiting, kill it (its process group too: a job is the leader of its
-- own, so a wrapper script's children go as well; never for a PID of 0 or
-- 1, which kill() would read as Neovim's own group or every process).
-- Returns the guard's id.
function M.arm(channel, pid, limit)
  next_id = next_id + 1
  local id = next_id
  local timer = uv.new_timer()
  local tick = math.max(5, math.min(50, math.floor(limit / 8)))
  local waited, last = 0, uv.hrtime()
  timer:start(tick, tick, function()
    local now = uv.hrtime()
    waited = waited + math.min((now - last) / 1e6, 2 * tick)
    last = now
    if waited >= limit and not killed[channel] and pid > 1 then
      killed[channel] = true
      uv.kill(-pid, 'sigkill') -- fails harmlessly when PID leads no group
      uv.kill(pid, 'sigkill')  -- SIGKILL ends a stopped (SIGSTOP) process too
    end
    if killed[channel] then timer:stop() end
  end)
  guards[id] = {timer = timer, channel = channel}
  return id
end

-- Stop the guard ID; true when the watchdog killed its channel's host
-- (by this guard or by another one, of a request nested in it).
function M.disarm(id)
  local guard = guards[id]
  if guard == nil then return false end
  guards[id] = nil
  guard.timer:stop()
  guard.timer:close()
  return killed[guard.channel] == true
end

-- Whether the watchdog killed CHANNEL's host. (Channel numbers are not
-- reused, so the answer stays true.)
function M.killed(channel)
  return killed[channel] == true
end

return M
