-- lua/whosaid/reload.lua: in Neovim, notice that an enabled buffer was read
-- again. Neovim then ends the host's attachment (nvim_buf_detach_event):
-- on :edit!, when a file changed on disk is reloaded ('autoread',
-- :checktime), and when such a reload is undone. The last two send the
-- detach after BufReadPost, or with no autocommand at all, so an autocommand
-- cannot attach the buffer again; this attachment of the plugin's own hears
-- them all (on_reload, on_detach).
--
-- At once, the plugin forgets that the host follows the buffer, so that a
-- command attaches it again first; once Neovim is done reading it, it is
-- enabled again (autoload/whosaid.vim, whosaid#reloaded()).
local M = {}

local watched = {} -- buffer -> true while this module listens to it

local function read_again(buf)
  vim.fn['whosaid#host#forget'](buf)
  vim.schedule(function()
    vim.fn['whosaid#reloaded'](buf)
  end)
end

-- Listen to BUF (once): its reloads, and its unloading (:edit! unloads it
-- before reading it again; a real unload or wipe-out leaves nothing to do).
function M.watch(buf)
  if watched[buf] then
    return
  end
  watched[buf] = vim.api.nvim_buf_attach(buf, false, {
    on_reload = function(_, b)
      read_again(b)
    end,
    on_detach = function(_, b)
      watched[b] = nil
      read_again(b)
    end,
  }) or nil
end

return M
