"""vim_host_support.py: a peer for `whosaid host --vim` that speaks Vim's JSON
channel protocol (doc/host.md, "Vim"), standing in for Vim in tests that need
exact control over the messages.

Vim -> host: [id, [method, params]] (a request, or an event notification),
[-n, result] (the answer to the host's call n). Host -> Vim: [id, [error,
result]], ["call", "whosaid#vim#api", [method, params], -n] and the same
without -n when no answer is wanted. Strings are bytes: what is not UTF-8 is
carried in Python strings as surrogate escapes, both ways."""

import json
import os
import select
import subprocess
import time

from host_support import PROGRAM, HostProcess

FUNCTION = 'whosaid#vim#api'


def to_json(message):
    """MESSAGE as the bytes of one line of Vim's JSON (surrogate escapes back
    to their bytes)."""
    return json.dumps(message, ensure_ascii=False).encode('utf-8', 'surrogateescape') + b'\n'


class VimHost(HostProcess):
    """`whosaid host --vim` on pipes, with a reader that keeps the order."""

    def __init__(self, *args, env=None):
        environment = dict(os.environ, WHOSAID_LOG_LEVEL='info')
        environment.update(env or {})
        self.process = subprocess.Popen([PROGRAM, 'host', '--vim'] + list(args),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, env=environment)
        self.buffer = b''
        self.pending = []
        self.next_id = 1

    def send(self, message):
        self.send_bytes(to_json(message))

    def send_bytes(self, data):
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def request(self, method, *params):
        """Send a request as ch_evalexpr does; returns its id."""
        msgid = self.next_id
        self.next_id += 1
        self.send([msgid, [method, list(params)]])
        return msgid

    def notify(self, method, params):
        """An event as ch_sendexpr sends it: with an id of its own."""
        msgid = self.next_id
        self.next_id += 1
        self.send([msgid, [method, params]])

    def lines_event(self, buf, tick, first, last, lines):
        self.notify('nvim_buf_lines_event', [buf, tick, first, last, lines, False])

    def answer(self, call, result):
        """Answer the host's CALL (a "call" message) as Vim does: [-n, result]."""
        self.send([call[3], result])

    def _fill(self, deadline):
        """Read what the host wrote (until DEADLINE); False at the end of its
        output."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError('no message from the host in time')
        ready, _, _ = select.select([self.process.stdout], [], [], remaining)
        if not ready:
            return True
        data = os.read(self.process.stdout.fileno(), 1 << 16)
        if not data:
            return False
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b'\n')
        for line in lines:
            self.pending.append(json.loads(line.decode('utf-8', 'surrogateescape')))
        return True

    def read(self, timeout=10):
        """The next message from the host, or AssertionError after TIMEOUT."""
        deadline = time.monotonic() + timeout
        while not self.pending:
            if not self._fill(deadline):
                self.process.wait(timeout)
                raise AssertionError('the host closed its output; stderr: %s' % self.stderr())
        return self.pending.pop(0)

    def wait_response(self, msgid, timeout=10):
        """The answer to request MSGID: (error, result)."""
        message = self.read(timeout)
        if not (isinstance(message[0], int) and message[0] == msgid):
            raise AssertionError('expected the answer to %d, got %r' % (msgid, message))
        return tuple(message[1])

    def call(self, method, *params, timeout=10):
        return self.wait_response(self.request(method, *params), timeout)

    def expect_call(self, method, timeout=10):
        """The next message must be the host's call of METHOD: the message."""
        message = self.read(timeout)
        if not (message[0] == 'call' and message[1] == FUNCTION and message[2][0] == method):
            raise AssertionError('expected a call of %s, got %r' % (method, message))
        return message

    def call_serving(self, method, *params, timeout=10, answer_update=0):
        """A request and its (error, result), answering the host's calls that
        come before it as Vim would; also returns the list of the highlight
        updates' arguments."""
        msgid = self.request(method, *params)
        updates = []
        while True:
            message = self.read(timeout)
            if message[0] == 'call' and message[2][0] == 'whosaid_update':
                updates.append(message[2][1])
                self.answer(message, answer_update)
            elif message[0] == 'call' and message[2][0] == 'whosaid_notify':
                if len(message) > 3:
                    self.answer(message, None)
            elif message[0] == msgid:
                return message[1][0], message[1][1], updates
            else:
                raise AssertionError('expected the answer to %d, got %r' % (msgid, message))

    def attach_lines(self, buf, lines, tick=2, namespace=7):
        """Attach BUF as the Vim plugin does (the namespace first, the first
        time; the lines sent before nvim_buf_attach's answer) and answer the
        first highlight update; returns its arguments."""
        attach_id = self.request('attach', buf)
        message = self.read()
        if message[0] == 'call' and message[2][0] == 'nvim_create_namespace':
            self.answer(message, namespace)
            message = self.read()
        if message[0] != 'call' or message[2] != ['nvim_buf_attach', [buf, True, {}]]:
            raise AssertionError('expected nvim_buf_attach, got %r' % (message,))
        self.lines_event(buf, tick, 0, -1, lines)
        self.answer(message, True)
        if self.wait_response(attach_id) != (None, True):
            raise AssertionError('attach failed')
        update = self.expect_call('whosaid_update')
        self.answer(update, 0)
        return update[2][1]

    def finish(self, timeout=30):
        """Close the host's input and read its output to the end: (its exit
        status, the messages not read). AssertionError when the output does
        not end with a whole line."""
        self.process.stdin.close()
        deadline = time.monotonic() + timeout
        while self._fill(deadline):
            pass
        if self.buffer:
            raise AssertionError('the host\'s output ends inside a message: %r' % self.buffer[:100])
        status = self.process.wait(max(1, deadline - time.monotonic()))
        self.process.stdout.close()
        messages, self.pending = self.pending, []
        return status, messages

