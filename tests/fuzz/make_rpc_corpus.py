#!/usr/bin/python3
"""make_rpc_corpus.py: the seed corpus of fuzz_rpc, in tests/fuzz/corpus/rpc.

Each seed is one session: the bytes Neovim would send `whosaid host`
(requests, its replies to the host's own calls, buffer edit notifications)
as one msgpack stream. The script plays Neovim against the real program,
message by message, answering each call the host makes; so every seed holds
the replies at the very ids the host gives its calls (they count from 1),
and a mutation of it starts from a session that reaches deep into the host.
It checks that each request is answered (with an error only where one is
expected), then writes what it sent. The host runs with a debounce longer
than a session, as the harness runs it: edits are analysed on request only.

    /usr/bin/python3 tests/fuzz/make_rpc_corpus.py [--program build/bin/whosaid]

Needs Debian's python3-msgpack (hence /usr/bin/python3).
"""

import argparse
import os
import select
import subprocess
import sys
import tempfile

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, 'corpus', 'rpc')

ARTICLE = [
    'WASHINGTON (Reuters) - U.S. Secretary of State Mike Pompeo warned allies on Monday.',
    '',
    '\u201cThey will take the security of their networks seriously,\u201d Pompeo told reporters.'
    ' \u201cWe will share what we know.\u201d',
    '',
    'A spokesman for China\'s foreign ministry, Geng Shuang, called the claims "groundless."',
    '',
    '"Nobody asked us," said Heiko Maas, the German foreign minister.',
]

SIDECAR = ('{"whosaid": "annotations", "version": 1, "annotations": [{"text": '
           '"\\"Nobody asked us,\\"", "start": 0, "speaker": "Angela Merkel", '
           '"note": "from the video"}]}')

# What Neovim answers to each call the host makes.
REPLIES = {
    'nvim_create_namespace': 7,
    'nvim_buf_attach': True,
    'nvim_buf_detach': True,
    'nvim_buf_clear_namespace': None,
    'nvim_exec_lua': 0,
}


class Session:
    """Neovim's side of one connection, recording every byte it sends."""

    def __init__(self, program, directory):
        environment = dict(os.environ, WHOSAID_LOG_LEVEL='error')
        self.process = subprocess.Popen([program, 'host', '--debounce', '10000'],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, cwd=directory,
                                        env=environment)
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.sent = bytearray()
        self.next_id = 1
        self.lines = {}

    def send(self, message):
        data = msgpack.packb(message, use_bin_type=True)
        self.sent += data
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def notify(self, method, *params):
        self.send([2, method, list(params)])

    def lines_event(self, buffer, first, last, lines):
        """An edit, as nvim_buf_lines_event reports it (and our copy of it)."""
        self.lines.setdefault(buffer, [])[first:last if last >= 0 else None] = lines
        self.notify('nvim_buf_lines_event', buffer, 2, first, last, lines, False)

    def request(self, method, *params, error=False):
        """Send a request, answer the host's calls until its response comes."""
        msgid = self.next_id
        self.next_id += 1
        self.send([0, msgid, method, list(params)])
        while True:
            message = self.read()
            if message[0] == 0:
                self.answer(message)
            elif message[0] == 1 and message[1] == msgid:
                if (message[2] is not None) != error:
                    raise AssertionError('%s%r: %r' % (method, tuple(params), message[2:]))
                return message[3]

    def answer(self, call):
        _, callid, method, params = call
        result = REPLIES.get(method)
        if method == 'nvim_buf_get_lines':
            result = self.lines.get(params[0], [])
        self.send([1, callid, None, result])

    def read(self, timeout=20):
        for message in self.unpacker:
            return message
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            raise AssertionError('no answer from the host')
        data = os.read(self.process.stdout.fileno(), 65536)
        if not data:
            raise AssertionError('the host closed its output')
        self.unpacker.feed(data)
        return self.read(timeout)

    def close(self):
        self.process.stdin.close()
        if self.process.wait(timeout=20) != 0:
            raise AssertionError('the host exited with %d' % self.process.returncode)
        return bytes(self.sent)


def attached(session, buffer=1, lines=ARTICLE):
    session.request('attach', buffer)
    session.lines_event(buffer, 0, -1, list(lines))


# Sessions ***********************************************************************

def simple(s):
    s.request('poll')
    s.request('version')
    s.request('no_such_method', 1, error=True)
    s.request('quotes', 1, error=True)  # not attached
    s.request('attach', 'one', error=True)


def lists(s):
    attached(s)
    s.request('analyze', 1)
    s.request('quotes', 1)
    s.request('entities', 1)
    s.request('speakers', 1)


def navigation(s):
    attached(s)
    s.request('speaker_of', 1, 2, 5)
    s.request('speaker_of', 1, 0, 0)
    s.request('mentions_of', 1, 2, 90)
    s.request('mentions_of', 1, 0, 40)
    s.request('quote_near', 1, 0, 0, 1)
    s.request('quote_near', 1, 6, 0, -1, 'Mike Pompeo')
    s.request('quote_near', 1, 6, 0, 1, None)
    s.request('quoted_span', 1, 2, 5)
    s.request('quoted_span', 1, 4, 70)
    s.request('quoted_span', 1, 0, 0)
    s.request('summary', 1)
    s.request('speaker_named', 1, 'pompeo')
    s.request('speaker_named', 1, 'Nobody')
    s.request('names', 1)
    s.request('speaker_of', 1, 99, 0, error=True)


def annotate(s):
    attached(s)
    s.request('annotate', 1, [2, 3], {'speaker': 'Angela Merkel'})
    s.request('annotate', 1, [4, 70, 4, 82], {'verdict': 'quote', 'note': 'a term'})
    s.request('annotate', 1, [6, 2], {'verdict': 'not_quote'})
    s.request('annotate', 1, [2, 3], {'speaker': ''})
    s.request('annotations', 1)
    s.request('quotes', 1)
    s.request('annotate', 1, [0, 0], {'speaker': 'Nobody'}, error=True)


def load_json(s):
    attached(s)
    s.request('annotations_load', 1, {'json': SIDECAR, 'name': 'article.txt.whosaid.json'})
    s.request('annotations', 1)
    s.request('annotations_load', 1, {'json': '{"whosaid": 1', 'name': 'broken'}, error=True)
    s.request('annotations_save', 1, 'article.txt.whosaid.json', error=True)  # blocked
    s.request('annotations_load', 1, {'json': SIDECAR, 'blocked': 'it failed before'})


def save_and_export(s):
    attached(s)
    s.request('annotate', 1, [6, 2], {'speaker': 'Jane Doe', 'note': 'spokesman'})
    s.request('annotations_save', 1, 'article.txt.whosaid.json', True)
    s.request('export', 1, 'article.json')
    s.request('export', 1, 'article.csv', 'Named')
    s.request('export', 1, 'article.md')
    s.request('export', 1, 'article.txt', error=True)
    s.request('annotations_load', 1, {'path': 'article.txt.whosaid.json'})
    s.request('annotations_load', 1, {'path': 'missing.whosaid.json'})
    s.request('annotations_save', 1, 'empty.whosaid.json', 1)


def edits(s):
    attached(s)
    s.lines_event(1, 1, 1, ['"A new quote," he said.'])
    s.lines_event(1, 0, 2, [])
    s.notify('nvim_buf_changedtick_event', 1, 5)
    s.lines_event(1, 3, 4, ['Line with a NUL \n byte and \u201cquotes\u201d'])
    s.request('quotes', 1)
    s.notify('nvim_buf_lines_event', 1, 9, 50, 60, ['out of range'], False)  # reloads
    s.request('entities', 1)
    s.notify('nvim_buf_detach_event', 1)
    s.request('quotes', 1, error=True)


def two_buffers(s):
    attached(s, 1)
    attached(s, 2, ARTICLE[2:5])
    s.request('analyze', 2)
    s.request('detach', 1)
    s.request('speakers', 2)
    s.request('quotes', 1, error=True)


def neovim_handles(s):
    """Buffers as Neovim sends them: extension type 0 holding the number."""
    buffer = msgpack.ExtType(0, msgpack.packb(3))
    s.request('attach', buffer)
    s.lines_event(3, 0, -1, ARTICLE[:3])
    s.request('quotes', buffer)
    s.request('speaker_of', buffer, 2, 5)


def malformed(s):
    s.send([0, 50])  # too short: an error response to id 50
    s.send('not a message')
    s.send([3, 'unknown kind', []])
    s.request('poll')
    s.send([1, 999, None, True])  # a response to no call
    s.request('version')


SESSIONS = [simple, lists, navigation, annotate, load_json, save_and_export, edits, two_buffers,
            neovim_handles, malformed]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--program', default=os.path.join(HERE, '..', '..', 'build', 'bin',
                                                          'whosaid'))
    arguments = parser.parse_args()
    os.makedirs(OUTPUT, exist_ok=True)
    for play in SESSIONS:
        with tempfile.TemporaryDirectory() as directory:
            session = Session(os.path.abspath(arguments.program), directory)
            play(session)
            data = session.close()
        name = play.__name__.replace('_', '-') + '.msgpack'
        with open(os.path.join(OUTPUT, name), 'wb') as file:
            file.write(data)
        print('%-26s %6d bytes' % (name, len(data)))


if __name__ == '__main__':
    sys.exit(main())
