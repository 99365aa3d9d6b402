"""test_vim_host.py: `whosaid host --vim` over pipes, with this test playing
Vim's JSON channel: the same answers as the msgpack host for the example
article (attach, analyze, quotes, entities, speakers, speaker_of,
mentions_of, quote_near) and the same highlight updates, sent as calls of
whosaid_update; Vim's "ERROR" answer as a failed call; the user told with
whosaid_notify and a large buffer's size asked with whosaid_buffer_size;
bytes that are not UTF-8 passed through; many messages in one write and one
cut into single bytes; broken JSON answered with an error while the stream
goes on. Last, a smoke test with the real Vim (skipped without it): a job in
JSON mode attaches a buffer, analyses it and reads its quotes."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
from host_support import PROGRAM, SHORT_ARTICLE, Host  # noqa: E402
from vim_host_support import VimHost  # noqa: E402

SOURCE_DIR = os.environ.get('WHOSAID_SOURCE_DIR',
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
EXAMPLE_PATH = os.path.join(SOURCE_DIR, 'examples', 'port-subsidies.txt')
with open(EXAMPLE_PATH, encoding='utf-8') as f:
    EXAMPLE = f.read().split('\n')
if EXAMPLE and EXAMPLE[-1] == '':
    EXAMPLE.pop()  # the final newline ends the last line


class VimTestCase(unittest.TestCase):

    def setUp(self):
        self.hosts = []

    def tearDown(self):
        for host in self.hosts:
            host.kill()

    def vim_host(self, *args):
        host = VimHost('--debounce', '5', *args)
        self.hosts.append(host)
        return host

    def msgpack_host(self, *args):
        host = Host('--debounce', '5', *args)
        self.hosts.append(host)
        return host

    def assert_clean_exit(self, host):
        status, messages = host.finish()
        self.assertEqual(status, 0, host.stderr())
        return messages


class Protocol(VimTestCase):

    def test_poll_and_version_as_the_msgpack_host_answers(self):
        vim, neovim = self.vim_host(), self.msgpack_host()
        self.assertEqual(vim.call('poll'), (None, 'ok'))
        self.assertEqual(vim.call('version'), neovim.call('version'))
        self.assert_clean_exit(vim)

    def test_errors_are_the_msgpack_host_s_messages(self):
        vim, neovim = self.vim_host(), self.msgpack_host()
        for request in (['no_such_method'], ['attach', 'not a buffer'], ['quotes', 3],
                        ['speaker_of', 3], ['entities', -1]):
            error, result = vim.call(*request)
            expected, _ = neovim.call(*request)
            self.assertIsNone(result)
            self.assertEqual(error, expected[1], request)  # the message alone, not [0, message]
        self.assert_clean_exit(vim)

    def test_broken_messages_are_answered_and_the_stream_goes_on(self):
        host = self.vim_host()
        host.send_bytes(b'[7,["poll",[}]]]\n')  # broken JSON, with a request's id
        error, _ = host.wait_response(7)
        self.assertIn('not JSON', error)
        host.send_bytes(b'[8,"poll"]\n')  # JSON, but not a request's shape
        error, _ = host.wait_response(8)
        self.assertIn('malformed request', error)
        host.send_bytes(b'garbage without an id\n[9,["nvim_buf_lines_event",[1,}\n')
        self.assertEqual(host.call('poll'), (None, 'ok'))  # nothing answered before it
        status, messages = host.finish()
        self.assertEqual((status, messages), (0, []))
        self.assertIn('malformed message', host.stderr())

    def test_many_messages_in_one_write(self):
        host = self.vim_host()
        host.send_bytes(b''.join(b'[%d,["poll",[]]]' % (1000 + i) for i in range(1000)))
        for i in range(1000):
            self.assertEqual(host.wait_response(1000 + i), (None, 'ok'))
        self.assert_clean_exit(host)

    def test_one_message_in_single_bytes(self):
        host = self.vim_host()
        for byte in b'[5, ["version", []]]\n':
            host.send_bytes(bytes([byte]))
        error, result = host.wait_response(5)
        self.assertEqual((error, result['protocol']), (None, 1))
        self.assert_clean_exit(host)

    def test_the_help_says_how_vim_starts_it(self):
        help_text = subprocess.run([PROGRAM, 'host', '--help'], capture_output=True, text=True,
                                   timeout=30).stdout
        self.assertIn('--vim', help_text)
        self.assertIn("job_start([prog, 'host', '--vim'], {'mode': 'json'})", help_text)

    def test_input_that_is_not_a_pipe_is_refused_with_a_reason(self):
        with open(__file__, 'rb') as not_a_pipe:
            result = subprocess.run([PROGRAM, 'host', '--vim'], stdin=not_a_pipe,
                                    capture_output=True, timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b"job_start([prog, 'host', '--vim']", result.stderr)


def serve_msgpack(host, method, *params):
    """A request to the msgpack host, its nvim_exec_lua calls answered; the
    result."""
    error, result, _ = host.call_serving(method, *params)
    if error is not None:
        return ('error', error[1])
    return result


def serve_vim(host, method, *params):
    error, result, _ = host.call_serving(method, *params)
    if error is not None:
        return ('error', error)
    return result


class SameAsMsgpack(VimTestCase):
    """The example article in both hosts: every answer equal."""

    def both(self):
        vim, neovim = self.vim_host(), self.msgpack_host()
        vim_update = vim.attach_lines(3, EXAMPLE)
        neovim_update = neovim.attach_lines(3, EXAMPLE)
        return vim, neovim, vim_update, neovim_update

    def test_the_example_article(self):
        vim, neovim, vim_update, neovim_additions = self.both()
        buf, namespace, deletions, additions = vim_update
        self.assertEqual((buf, namespace, deletions), (3, 7, []))
        self.assertEqual(additions, neovim_additions)
        self.assertGreater(len(additions), 20)
        for method in ('analyze', 'quotes', 'entities', 'speakers'):
            self.assertEqual(serve_vim(vim, method, 3), serve_msgpack(neovim, method, 3), method)
        quotes = serve_vim(vim, 'quotes', 3)
        self.assertGreaterEqual(len(quotes), 2)
        self.assertEqual(quotes[0]['speaker'], 'Helena Varga')
        positions = [q['range'][:2] for q in quotes] + [q['mention'][:2] for q in quotes
                                                        if q['mention']]
        positions += [[row, 0] for row in range(len(EXAMPLE))]
        for row, col in positions:
            for method in ('speaker_of', 'mentions_of'):
                self.assertEqual(serve_vim(vim, method, 3, row, col),
                                 serve_msgpack(neovim, method, 3, row, col), (method, row, col))
            for direction in (1, -1):
                self.assertEqual(serve_vim(vim, 'quote_near', 3, row, col, direction),
                                 serve_msgpack(neovim, 'quote_near', 3, row, col, direction))
        self.assertEqual(serve_vim(vim, 'speaker_of', 3, 999, 0),
                         serve_msgpack(neovim, 'speaker_of', 3, 999, 0))
        self.assert_clean_exit(vim)

    def test_edits_send_the_same_updates(self):
        vim, neovim, _, _ = self.both()
        edits = [[0, 0, ['Headline', '']],           # two lines inserted at the top
                 [6, 7, ['"We will win," he said.']],  # a line replaced
                 [2, 4, []]]                         # two lines deleted
        tick = 3
        for first, last, lines in edits:
            vim.lines_event(3, tick, first, last, lines)
            neovim.send([2, 'nvim_buf_lines_event', [3, tick, first, last, lines, False]])
            tick += 1
            vim_call = vim.expect_call('whosaid_update')
            msgid, params = neovim.expect_request('nvim_exec_lua')
            self.assertEqual(vim_call[2][1], params[1])  # buf, ns, deletions, additions
            self.assertEqual(len(vim_call), 4)  # an answer is wanted
            vim.answer(vim_call, 0)
            neovim.respond(msgid, 0)
            self.assertEqual(serve_vim(vim, 'quotes', 3), serve_msgpack(neovim, 'quotes', 3))
        self.assert_clean_exit(vim)

    def test_detach(self):
        vim, neovim, _, _ = self.both()
        detach = vim.request('detach', 3)
        self.assertEqual(vim.expect_call('nvim_buf_detach')[2][1], [3])
        self.assertEqual(vim.expect_call('nvim_buf_clear_namespace')[2][1], [3, 7, 0, -1])
        self.assertEqual(vim.wait_response(detach), (None, True))
        self.assertIn('not attached', vim.call('quotes', 3)[0])
        # The buffer wiped out: Vim's nvim_buf_detach_event.
        vim.attach_lines(4, SHORT_ARTICLE)
        vim.notify('nvim_buf_detach_event', [4])
        self.assertIn('not attached', vim.call('quotes', 4)[0])
        self.assert_clean_exit(vim)


class VimCalls(VimTestCase):

    def test_vim_s_error_answer_fails_the_update(self):
        host = self.vim_host()
        host.request('attach', 1)
        host.answer(host.expect_call('nvim_create_namespace'), 7)
        attach = host.expect_call('nvim_buf_attach')
        host.lines_event(1, 2, 0, -1, SHORT_ARTICLE)
        host.answer(attach, True)
        self.assertEqual(host.read()[1], [None, True])
        update = host.expect_call('whosaid_update')
        first = update[2][1][3]
        host.answer(update, 'ERROR')  # what Vim answers when the function throws
        # Nothing was placed: the next update places everything again.
        host.lines_event(1, 3, 5, 5, [''])
        update = host.expect_call('whosaid_update')
        _, _, deletions, additions = update[2][1]
        self.assertEqual(deletions, [])
        self.assertEqual(len(additions), len(first))
        self.assertNotEqual([a[0] for a in additions], [a[0] for a in first])  # new ids
        host.answer(update, 0)
        self.assertEqual(host.call('quotes', 1)[1][0]['speaker'], 'Mike Pompeo')
        status, _ = host.finish()
        self.assertEqual(status, 0)
        self.assertIn('Vim refused call', host.stderr())

    def test_an_answer_that_cannot_be_read_fails_its_call(self):
        host = self.vim_host()
        attach = host.request('attach', 1)
        call = host.expect_call('nvim_create_namespace')
        host.send_bytes(b'[%d, 18446744073709551616]\n' % call[3])  # past 64 bits
        error, _ = host.wait_response(attach)
        self.assertIn('no extmark namespace', error)
        attach = host.request('attach', 1)
        call = host.expect_call('nvim_create_namespace')
        host.send_bytes(b'[%d, tru\n' % call[3])  # broken JSON
        self.assertIn('no extmark namespace', host.wait_response(attach)[0])
        status, _ = host.finish()
        self.assertEqual(status, 0)
        self.assertIn("Vim refused call", host.stderr())

    def test_a_large_buffer_tells_the_user_and_asks_its_size(self):
        host = self.vim_host('--max-buffer', '64K')
        host.attach_lines(1, SHORT_ARTICLE)
        big = SHORT_ARTICLE * 500
        size = sum(len(line.encode()) + 1 for line in SHORT_ARTICLE + big)
        host.lines_event(1, 3, 5, 5, big)
        tell = host.expect_call('whosaid_notify')
        self.assertEqual(tell[2][1], ['whosaid: buffer 1 too large (%.1f KiB > 64.0 KiB): '
                                      'no highlights' % (size / 1024)])
        host.answer(tell, None)
        clear = host.expect_call('whosaid_update')
        self.assertEqual(clear[2][1][3], [])  # the highlights removed, none added
        host.answer(clear, 0)
        host.lines_event(1, 4, 7, 8, ['An edit.'])
        query = host.expect_call('whosaid_buffer_size')
        self.assertEqual(query[2][1], [1])
        host.answer(query, [size, len(SHORT_ARTICLE) * 501])
        self.assertIn('too large', host.call('quotes', 1)[0])
        # Small again: Vim's size, then its lines.
        host.lines_event(1, 5, 5, 5 + len(big), [])
        query = host.expect_call('whosaid_buffer_size')
        host.answer(query, [size // 501, len(SHORT_ARTICLE)])
        reload = host.expect_call('nvim_buf_get_lines')
        self.assertEqual(reload[2][1], [1, 0, -1, False])
        host.answer(reload, SHORT_ARTICLE)
        host.answer(host.expect_call('whosaid_update'), 0)
        self.assertEqual(host.call('quotes', 1)[1][0]['speaker'], 'Mike Pompeo')
        self.assert_clean_exit(host)

    def test_bytes_that_are_not_utf8_keep_their_columns(self):
        host = self.vim_host()
        # Bytes that are no UTF-8 before the names and the quote, sent as
        # they are: one byte each, not the three of a U+FFFD.
        names = '\udcff\udcfe ' + SHORT_ARTICLE[2]
        quote = '\udce9 ' + SHORT_ARTICLE[4]
        lines = SHORT_ARTICLE[:2] + [names, SHORT_ARTICLE[3], quote]
        host.attach_lines(1, lines)
        raw = names.encode('utf-8', 'surrogateescape')
        entities = host.call('entities', 1)[1]
        berlin = [e for e in entities if e['text'] == 'Berlin']
        self.assertEqual(len(berlin), 1, entities)
        column = raw.index(b'Berlin')
        self.assertEqual(berlin[0]['range'], [2, column, 2, column + 6])
        quotes = host.call('quotes', 1)[1]
        raw = quote.encode('utf-8', 'surrogateescape')
        self.assertEqual(quotes[0]['range'][:2], [4, raw.index('\u201c'.encode())])
        self.assertEqual(quotes[0]['speaker'], 'Mike Pompeo')
        self.assert_clean_exit(host)


# Vim 9.0 takes whosaid#vim#api only from autoload/whosaid/vim.vim (E746).
VIM_API = r'''
function! whosaid#vim#api(method, params) abort
  call add(g:calls, a:method)
  if a:method ==# 'nvim_create_namespace'
    return 4
  elseif a:method ==# 'nvim_buf_attach'
    call ch_sendexpr(g:channel, ['nvim_buf_lines_event',
          \ [a:params[0], b:changedtick, 0, -1, getline(1, '$'), v:false]])
    return v:true
  elseif a:method ==# 'whosaid_update'
    let g:update = a:params
    return 0
  endif
  return v:null
endfunction
'''

VIM_SCRIPT = r'''
set nocompatible
let &runtimepath = $RUNTIME . ',' . &runtimepath
let s:out = {}
let g:calls = []
try
  let s:job = job_start([$WHOSAID_PROGRAM, 'host', '--vim', '--debounce', '5'],
        \ {'mode': 'json', 'err_io': 'null'})
  let g:channel = job_getchannel(s:job)
  call setline(1, readfile($ARTICLE))
  let s:out.poll = ch_evalexpr(g:channel, ['poll', []], {'timeout': 10000})
  let s:out.attach = ch_evalexpr(g:channel, ['attach', [bufnr('%')]], {'timeout': 10000})
  let s:out.analyze = ch_evalexpr(g:channel, ['analyze', [bufnr('%')]], {'timeout': 10000})
  let s:out.quotes = ch_evalexpr(g:channel, ['quotes', [bufnr('%')]], {'timeout': 10000})
  let s:out.unknown = ch_evalexpr(g:channel, ['nope', []], {'timeout': 10000})
  let s:out.update = get(g:, 'update', v:null)
  let s:out.calls = g:calls
  call ch_close_in(g:channel)
  for s:i in range(100)
    if job_status(s:job) !=# 'run'
      break
    endif
    sleep 50m
  endfor
  let s:out.status = job_status(s:job)
  let s:out.exit = job_info(s:job).exitval
catch
  let s:out.exception = v:exception . ' at ' . v:throwpoint
endtry
call writefile([json_encode(s:out)], $OUT)
qall!
'''


@unittest.skipUnless(shutil.which('vim'), 'vim is not installed')
class RealVim(unittest.TestCase):

    def test_a_vim_job_in_json_mode(self):
        directory = tempfile.mkdtemp(prefix='whosaid-vim-')
        try:
            script = os.path.join(directory, 'smoke.vim')
            out = os.path.join(directory, 'out.json')
            with open(script, 'w') as f:
                f.write(VIM_SCRIPT)
            runtime = os.path.join(directory, 'runtime')
            os.makedirs(os.path.join(runtime, 'autoload', 'whosaid'))
            with open(os.path.join(runtime, 'autoload', 'whosaid', 'vim.vim'), 'w') as f:
                f.write(VIM_API)
            env = dict(os.environ, WHOSAID_PROGRAM=shutil.which(PROGRAM) or PROGRAM, OUT=out,
                       RUNTIME=runtime,
                       ARTICLE=EXAMPLE_PATH)
            subprocess.run(['vim', '-Nu', 'NONE', '-i', 'NONE', '-es', '-S', script],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, env=env, timeout=120, cwd=directory)
            with open(out) as f:
                result = json.load(f)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        self.assertNotIn('exception', result)
        self.assertEqual(result['poll'], [None, 'ok'])
        self.assertEqual(result['attach'], [None, True])
        self.assertEqual(result['analyze'], [None, True])
        error, quotes = result['quotes']
        self.assertIsNone(error)
        self.assertEqual(quotes[0]['speaker'], 'Helena Varga')
        self.assertEqual(result['unknown'], ["unknown method 'nope'", None])
        buf, namespace, deletions, additions = result['update']
        self.assertEqual((namespace, deletions), (4, []))
        self.assertIn('\u2014 Helena Varga', [a[3] for a in additions if len(a) == 4])
        self.assertEqual(result['calls'][:3],
                         ['nvim_create_namespace', 'nvim_buf_attach', 'whosaid_update'])
        self.assertEqual((result['status'], result['exit']), ('dead', 0))


if __name__ == '__main__':
    unittest.main(verbosity=2)
