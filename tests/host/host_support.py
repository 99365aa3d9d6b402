"""host_support.py: a msgpack-RPC peer for `whosaid host`, standing in for
Neovim in tests that need exact control over the messages (the end-to-end
tests use a real Neovim). Needs Debian's python3-msgpack: a test that
cannot import it skips (exit 77) with a message."""

import os
import select
import subprocess
import sys
import time

try:
    import msgpack
except ImportError:  # the pyenv python3 first on PATH lacks Debian's modules
    print('skipped: msgpack is not importable by %s (install python3-msgpack; run with '
          '/usr/bin/python3)' % sys.executable)
    sys.exit(77)

PROGRAM = os.environ.get('WHOSAID_PROGRAM', 'whosaid')

# The project's seed article and its gold annotation live in the shared data
# beside the checkout (CI has it), not in the repository: the tests written
# around that article skip without it.
SHARED = os.environ.get('WHOSAID_SHARED_DIR',
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..',
                                     'shared'))
SEED_ARTICLE = os.path.join(SHARED, 'data', 'seed', 'pompeo-huawei.txt')
SEED_GOLD = os.path.join(SHARED, 'data', 'seed', 'pompeo-huawei.json')


def require_seed_article():
    """Skip the whole test (exit 77) with a message when the seed article
    is absent, as on a user's machine."""
    if not os.path.isfile(SEED_ARTICLE):
        print('skipped: the seed article is absent: no %s (the shared data folder beside '
              'the checkout holds it; set WHOSAID_SHARED_DIR)' % SEED_ARTICLE)
        sys.exit(77)


# A five-line article with one quote and its speaker, for the host's tests.
SHORT_ARTICLE = [
    'Pompeo Warns Germany',
    '',
    'Secretary of State Mike Pompeo arrived in Berlin on Friday.',
    '',
    '\u201cWe will speak to them openly about the risks,\u201d Pompeo said.',
]


class HostProcess:
    """What every test's view of a running host shares: its memory, its
    messages, and its end."""

    def rss_kb(self, field='VmRSS'):
        """The host's resident memory in KiB, from /proc: now (VmRSS), or at
        its peak so far (VmHWM)."""
        with open('/proc/%d/status' % self.process.pid) as status:
            for line in status:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
        raise AssertionError('no %s for the host' % field)

    def stderr(self):
        if self.process.poll() is None:
            return '(still running)'
        return self.process.stderr.read().decode(errors='replace')

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream and not stream.closed:
                stream.close()


class Host(HostProcess):
    """`whosaid host` on pipes, with a message reader that keeps the order."""

    def __init__(self, *args, env=None, preexec_fn=None):
        environment = dict(os.environ, WHOSAID_LOG_LEVEL='info')
        environment.update(env or {})
        self.process = subprocess.Popen([PROGRAM, 'host'] + list(args), stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        env=environment, preexec_fn=preexec_fn)
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        self.pending = []
        self.next_id = 1

    def send(self, message):
        self.send_bytes(msgpack.packb(message, use_bin_type=True))

    def send_bytes(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def request(self, method, *params):
        """Send a request; returns its id (read the answer with wait_response)."""
        msgid = self.next_id
        self.next_id += 1
        self.send([0, msgid, method, list(params)])
        return msgid

    def call(self, method, *params, timeout=10):
        """A request and its response's (error, result)."""
        return self.wait_response(self.request(method, *params), timeout)

    def read(self, timeout=10):
        """The next message from the host, or AssertionError after TIMEOUT."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError('no message from the host within %ss' % timeout)
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if not ready:
                continue
            data = os.read(self.process.stdout.fileno(), 1 << 16)
            if not data:
                raise AssertionError('the host closed its output; stderr: %s' % self.stderr())
            self.unpacker.feed(data)
            self.pending.extend(self.unpacker)
        return self.pending.pop(0)

    def wait_response(self, msgid, timeout=10):
        message = self.read(timeout)
        if message[0] != 1 or message[1] != msgid:
            raise AssertionError('expected the response to %d, got %r' % (msgid, message))
        return message[2], message[3]

    def expect_request(self, method, timeout=10):
        """The next message must be a request to Neovim's METHOD: its (id, params)."""
        message = self.read(timeout)
        if message[0] != 0 or message[2] != method:
            raise AssertionError('expected a request %s, got %r' % (method, message))
        return message[1], message[3]

    def respond(self, msgid, result, error=None):
        self.send([1, msgid, error, result])

    def call_serving(self, method, *params, timeout=10):
        """A request and its response's (error, result), answering the highlight
        updates (nvim_exec_lua) that come before it as Neovim would; also returns
        the list of those updates' additions."""
        msgid = self.request(method, *params)
        updates = []
        while True:
            message = self.read(timeout)
            if message[0] == 0 and message[2] == 'nvim_exec_lua':
                updates.append(message[3][1][3])
                self.respond(message[1], 0)
            elif message[0] == 1 and message[1] == msgid:
                return message[2], message[3], updates
            else:
                raise AssertionError('expected the response to %d, got %r' % (msgid, message))

    def attach_lines(self, buf, lines, tick=2, namespace=7):
        """Attach BUF as Neovim does (the first time: the namespace first), send its
        LINES and answer the first highlight update; returns its additions."""
        attach_id = self.request('attach', buf)
        message = self.read()
        if message[0] == 0 and message[2] == 'nvim_create_namespace':
            self.respond(message[1], namespace)
            message = self.read()
        if message[0] != 0 or message[2] != 'nvim_buf_attach':
            raise AssertionError('expected nvim_buf_attach, got %r' % (message,))
        self.respond(message[1], True)
        if self.wait_response(attach_id) != (None, True):
            raise AssertionError('attach failed')
        self.send([2, 'nvim_buf_lines_event', [buf, tick, 0, -1, lines, False]])
        msgid, params = self.expect_request('nvim_exec_lua')
        self.respond(msgid, 0)
        return params[1][3]

    def close(self, timeout=10):
        """Close its input; returns its exit status."""
        self.process.stdin.close()
        try:
            return self.process.wait(timeout)
        finally:
            self.process.stdout.close()

    def finish(self, timeout=30):
        """Close the host's input and read its output to the end: (its exit
        status, the messages not read yet). AssertionError when the output is
        not msgpack through to its last byte."""
        self.process.stdin.close()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError('the host did not close its output within %ss' % timeout)
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if not ready:
                continue
            data = os.read(self.process.stdout.fileno(), 1 << 16)
            if not data:
                break
            self.unpacker.feed(data)
            self.pending.extend(self.unpacker)  # raises on bytes that are not msgpack
        # A message after the end: it comes out whole unless the output ended
        # inside a message, which then swallows it.
        end = 'the end of the host\'s output'
        self.unpacker.feed(msgpack.packb(end))
        self.pending.extend(self.unpacker)
        if not self.pending or self.pending.pop() != end:
            raise AssertionError('the host\'s output ends inside a message')
        status = self.process.wait(max(1, deadline - time.monotonic()))
        self.process.stdout.close()
        messages, self.pending = self.pending, []
        return status, messages

