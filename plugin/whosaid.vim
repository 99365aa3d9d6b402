" whosaid: who said what in a news article, highlighted as you read.
" The loader: a command, mappings, highlight links, and opt-in auto-enable.
" Everything else loads on first use (autoload/whosaid.vim), and the host
" program starts only then.

" Neovim 0.7 or newer, or Vim 9.0 with jobs, channels and text properties
" (the speaker's label as virtual text needs 9.0.0067).
if exists('g:loaded_whosaid') || !(has('nvim-0.7')
      \ || (!has('nvim') && v:version >= 900 && has('job') && has('channel') && has('textprop')
      \     && has('timers') && has('lambda')))
  finish
endif
let g:loaded_whosaid = 1

" -range=1: a count before the name (:3WhoSaid quote next), or lines, such
" as :'<,'> for :WhoSaid isquote (-count refuses marks as addresses).
command! -nargs=+ -bang -range=1 -complete=customlist,whosaid#complete WhoSaid
      \ call whosaid#command(<q-args>, <count>, <bang>0, [<range>, <line1>, <line2>])

nnoremap <silent> <Plug>(whosaid-speaker) <Cmd>call whosaid#command('speaker', 1)<CR>
nnoremap <silent> <Plug>(whosaid-next-quote) <Cmd>call whosaid#command('quote next', v:count1)<CR>
nnoremap <silent> <Plug>(whosaid-prev-quote) <Cmd>call whosaid#command('quote prev', v:count1)<CR>
nnoremap <silent> <Plug>(whosaid-next-mention) <Cmd>call whosaid#command('mention next', v:count1)<CR>
nnoremap <silent> <Plug>(whosaid-prev-mention) <Cmd>call whosaid#command('mention prev', v:count1)<CR>

if get(g:, 'whosaid_default_mappings', 0)
  nmap <Leader>ws <Plug>(whosaid-speaker)
  nmap ]w <Plug>(whosaid-next-quote)
  nmap [w <Plug>(whosaid-prev-quote)
  nmap ]W <Plug>(whosaid-next-mention)
  nmap [W <Plug>(whosaid-prev-mention)
endif

" Links to standard groups, so that every colorscheme gives them colours.
highlight default link WhoSaidPerson Identifier
highlight default link WhoSaidOrganization Type
highlight default link WhoSaidLocation Constant
highlight default link WhoSaidMisc Special
highlight default link WhoSaidQuote String
highlight default link WhoSaidSpeaker Underlined
highlight default link WhoSaidAnnotation Comment
" A person's correction must stand out from the detector's "— Name":
" DiagnosticOk where it exists (Neovim 0.10), else DiagnosticInfo; Vim has
" neither: Question (green, as DiagnosticOk).
execute 'highlight default link WhoSaidCorrection'
      \ hlexists('DiagnosticOk') ? 'DiagnosticOk' : has('nvim') ? 'DiagnosticInfo' : 'Question'

augroup whosaid
  autocmd!
  autocmd FileType * if index(get(g:, 'whosaid_filetypes', []), &filetype) >= 0
        \ | call whosaid#enable_later(expand('<abuf>')) | endif
  " The corrections are saved with the article (autoload/whosaid/annotations.vim).
  autocmd BufWritePost * if getbufvar(str2nr(expand('<abuf>')), 'whosaid_enabled', 0)
        \ | call whosaid#annotations#written(str2nr(expand('<abuf>')), expand('<afile>:p')) | endif
  " An enabled buffer read again (:edit!, loaded again after an unload, a
  " file changed on disk) is attached again; in Neovim lua/whosaid/reload.lua
  " also hears the reloads that end the attachment after this event.
  autocmd BufReadPost * if getbufvar(str2nr(expand('<abuf>')), 'whosaid_enabled', 0)
        \ | call whosaid#reloaded(str2nr(expand('<abuf>'))) | endif
  " Vim: the host forgets an unloaded buffer (Neovim tells it itself).
  if !has('nvim')
    autocmd BufUnload * if exists('*whosaid#vim#unloaded')
          \ | call whosaid#vim#unloaded(str2nr(expand('<abuf>'))) | endif
  endif
augroup END
