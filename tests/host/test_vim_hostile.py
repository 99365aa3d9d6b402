"""test_vim_hostile.py: test_hostile.py's hostile peer on the JSON path,
`whosaid host --vim` (a file of its own so that ctest runs it beside the
msgpack one, each within its time limit).

Hostile: 10,000 JSON messages, well-formed but wrong (junk for every
parameter of every method, unknown methods, answers to calls never made,
events with junk, wrong shapes, integers past 64 bits, negative buffers,
nesting just within and past the limit, a few over --max-message) or
mutated byte by byte (bytes deleted, inserted, changed, newlines among
them, lines cut short, random bytes), mixed with polls, while this test
answers the host's calls as Vim would, now and then with "ERROR" or junk.
Every poll must be answered, in order; every well-formed message that
carries a request's id, answered (once, for the ids this test makes up); the host's memory must stay within a
fixed bound; and it must exit 0 with nothing on its output but whole lines
of JSON. Then the decoder's limits one by one: a string of 64 MiB, a million
nested arrays (closed, and left open), messages at the limit and one byte
over, messages cut into single bytes, and corrupted lines (the JSON path
never gives up the stream: every session ends with status 0).

Deterministic: random.Random(9), and the host's calls answered by their
method and id. No timing is asserted; the timeouts only catch a hang."""

import collections
import os
import random
import sys
import unittest

sys.dont_write_bytecode = True
import test_hostile  # noqa: E402
from test_hostile import ARTICLE, METHODS, MIB, HostileRun, Session, uses_asan  # noqa: E402
from vim_host_support import FUNCTION, VimHost, to_json  # noqa: E402

MESSAGES = 10_000
MAX_MESSAGE = '1M'  # a few messages over it, cheaply
# Ids of well-formed requests count up from here; those of the requests
# mutated byte by byte from MUTATED_IDS. An edit can make a mutated id
# anything of its digits ("21" of "21,00..."), but nothing from 50000 to
# 99999 in three edits; nor, with its second digit 1, a poll's id.
WELL_FORMED_IDS = 50_000
MUTATED_IDS = 2_100_000_000
POLL_IDS = 4_000_000_000

JUNK = [
    None, True, False, 0, -1, 1, 2**31, 2**32, 2**63 - 1, 2**64 - 1, 2**64, -2**63, -2**63 - 1,
    1.5, -0.0, 1e308, float('nan'), float('-inf'), '', 'x', '\u00e9\x00', 'a' * 1000,
    '\udcff\udcfe', '"\\\n', '\u2028', [], [1], [[[]]], {}, {'a': 1}, {'path': 1}, {'json': 5},
    {'': None},
]


def answer_id(obj):
    """The id the host must answer a well-formed message OBJ with: an array
    whose first element is an id (1 to 2^32-1) and that is no event; None
    when it owes no answer."""
    if not isinstance(obj, list) or not obj:
        return None
    msgid = obj[0]
    if isinstance(msgid, bool) or not isinstance(msgid, int) or not 0 < msgid < 2**32:
        return None
    body = obj[1] if len(obj) > 1 else None
    if (isinstance(body, list) and body and isinstance(body[0], str) and
            body[0].endswith('_event')):
        return None
    return msgid


class Generator(test_hostile.Generator):
    """The hostile messages, as (bytes of a line, the id owed an answer): the
    msgpack test's generator (its mutations, its wrong types) with JSON's
    values and framing."""

    junk_values = JUNK

    def __init__(self, rng):
        self.rng = rng
        self.next_id = WELL_FORMED_IDS
        self.next_mutated = MUTATED_IDS

    def junk(self, depth=0):
        rng = self.rng
        kind = rng.randrange(7 if depth < 3 else 4)
        if kind == 0:
            return rng.choice(JUNK)
        if kind == 1:
            return rng.choice([rng.randrange(-2**63, 2**64), rng.randrange(-5, 50)])
        if kind == 2:  # text, and bytes that are no UTF-8
            return ''.join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0xD800),
                                           rng.randrange(0xDC80, 0xDD00)]))
                           for _ in range(rng.randrange(12)))
        if kind == 3:
            return rng.choice(list(METHODS))
        if kind == 4:
            return [self.junk(depth + 1) for _ in range(rng.randrange(5))]
        return {str(self.junk(depth + 1)): self.junk(depth + 1) for _ in range(rng.randrange(4))}

    def mutate_string(self, s):
        return self.rng.choice([s[:self.rng.randrange(len(s) + 1)] + 'z', s + '\udcff'])

    def request(self, method, params):
        return [self.fresh_id(), [method, params]]

    def well_formed(self):
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0:  # an unknown method
            return self.request(self.junk() if rng.random() < 0.5 else 'no_such_method_%d'
                                % rng.randrange(100), [self.junk()])
        if kind == 1:  # an answer to a call never made
            return [-rng.randrange(10**6, 2**32), self.junk()]
        if kind == 2:  # the lines of buffer 1 or 2, with junk
            lines = [rng.choice([rng.choice(ARTICLE), self.junk()])
                     for _ in range(rng.randrange(4))]
            params = [rng.choice([1, 2, -1, self.junk()]), rng.randrange(100),
                      rng.randrange(-3, 12), rng.randrange(-3, 12), lines, False]
            if rng.random() < 0.3:
                params = self.mutate(params)
            return [self.fresh_id(), ['nvim_buf_lines_event', params]]
        if kind == 3:  # other events
            return [rng.choice([0, self.fresh_id()]),
                    [rng.choice(['nvim_buf_detach_event', 'x_event', 'nvim_buf_changedtick_event']),
                     self.junk()]]
        if kind == 4:  # wrong shapes
            full = self.request(rng.choice(list(METHODS)), [1])
            return rng.choice([full[:1], full + [self.junk()], [full[0], full[1][0]],
                               [full[0], full[1] + [3]], [full[0], [full[1][1], full[1][0]]], [],
                               {'id': full[0]}, 'poll', 5, None, [0], [0, 'x']])
        if kind == 5:  # integers past 64 bits where ids and handles go
            return rng.choice([
                [rng.choice([2**32, 2**64 - 1, 2**64, -2**63, 1.0]), ['poll', []]],
                self.request(rng.choice(['quotes', 'attach', 'speaker_of']),
                             [rng.choice([2**63 - 1, 2**64 - 1, 2**64, -2**63, 2**32]), 2**64,
                              -2**63 - 1])])
        if kind == 6:  # negative buffers
            return self.request(rng.choice(['attach', 'detach', 'quotes', 'analyze']),
                                [rng.choice([-1, -2**31, -2**63])])
        if kind == 7:  # nesting just within and just past the limit (32)
            depth = rng.choice([30, 31, 32, 33, 34, 64])
            params = 5
            for _ in range(depth - 2):  # with the message's own array and its body
                params = [params]
            return self.request('poll', params)
        method = rng.choice(list(METHODS))  # a valid request, mutated
        return self.mutate(self.request(method, list(METHODS[method])))

    def mutated_bytes(self):
        """A valid request's line changed byte by byte: its id from its own
        range, so that whatever the edit, no answer can seem another's."""
        rng = self.rng
        self.next_mutated += 1
        method = rng.choice(list(METHODS))
        data = bytearray(to_json([self.next_mutated, [method, METHODS[method]]])[:-1])
        for _ in range(rng.randrange(1, 4)):
            at = rng.randrange(len(data))
            what = rng.randrange(5)
            byte = rng.choice([rng.randrange(256), ord('\n'), ord('"'), ord('\\'), ord('['),
                               ord(']'), ord('{'), ord(','), 0])
            if what == 0:
                del data[at]
            elif what == 1:
                data.insert(at, byte)
            elif what == 2:
                data[at] = byte
            elif what == 3:
                del data[at:]
                data.append(ord('a'))
            else:
                data[at:at] = data[at:at + rng.randrange(1, 10)]
        return bytes(data) + b'\n'

    def one(self):
        rng = self.rng
        if rng.random() < 0.3:
            return self.mutated_bytes(), None
        if rng.random() < 0.05:  # random bytes
            return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 60))).replace(
                b'\n', b' ') + b'\n', None
        obj = self.well_formed()
        return to_json(obj), answer_id(obj)


class Vim:
    """Answers the host's calls as Vim would, with "ERROR" or junk now and
    then; each answer drawn from the call's method and id."""

    JUNK_SHARE = 0.1

    def __init__(self, host):
        self.host = host
        self.calls = collections.Counter()

    def answer(self, message):
        self.assertion(message)
        method, params = message[2]
        self.calls[method] += 1
        if len(message) == 3:
            return  # no answer wanted
        rng = random.Random('%s:%d' % (method, -message[3]))
        if rng.random() < self.JUNK_SHARE:
            self.host.answer(message, 'ERROR' if rng.random() < 0.3 else rng.choice(JUNK))
            return
        if method == 'nvim_create_namespace':
            result = 7
        elif method == 'nvim_buf_attach':
            result = True
        elif method == 'nvim_buf_get_lines':
            result = ARTICLE
        elif method == 'whosaid_buffer_size':
            result = [len('\n'.join(ARTICLE)) + 1, len(ARTICLE)]
        elif method == 'whosaid_update':
            result = 0
        else:
            result = None
        self.host.answer(message, result)

    @staticmethod
    def assertion(message):
        if not (message[0] == 'call' and message[1] == FUNCTION and len(message) in (3, 4) and
                isinstance(message[2], list) and len(message[2]) == 2):
            raise AssertionError('not a call of the host\'s: %r' % (message,))


class VimSession(Session):

    def start(self, *args):
        asan = os.environ.get('ASAN_OPTIONS')  # the quarantine would hide the memory bound
        env = {'WHOSAID_LOG_FILE': self.log_path,
               'ASAN_OPTIONS': (asan + ':' if asan else '') + 'quarantine_size_mb=32'}
        host = VimHost(*args, env=env)
        self.hosts.append(host)
        return host

    def attach(self, host, buf, lines, namespace=True):
        attach_id = host.request('attach', buf)
        if namespace:
            host.answer(host.expect_call('nvim_create_namespace'), 7)
        call = host.expect_call('nvim_buf_attach')
        host.lines_event(buf, 2, 0, -1, lines)
        host.answer(call, True)
        while True:  # the first highlights may come before the answer (--debounce 1)
            message = host.read()
            if message[0] == attach_id:
                self.assertEqual(message[1], [None, True])
                return
            self.assertEqual(message[:2], ['call', FUNCTION], message)
            self.assertEqual(message[2][0], 'whosaid_update', message)
            host.answer(message, 0)

    def poll(self, host, msgid):
        host.send([msgid, ['poll', []]])
        self.assertEqual(host.wait_response(msgid, timeout=60), (None, 'ok'))


class Hostile(VimSession):

    def test_ten_thousand_hostile_messages(self):
        host = self.start('--debounce', '1', '--max-message', MAX_MESSAGE)
        vim = Vim(host)
        self.attach(host, 1, ARTICLE)
        generator = Generator(random.Random(9))
        rng = generator.rng
        hostile = [(to_json(obj), answer_id(obj)) for obj in generator.wrong_types()]
        for _ in range(3):  # 1.5 MB each, 7 MB decoded: skipped for their size
            obj = generator.request('poll', [None] * 300_000)
            hostile.append((to_json(obj), obj[0]))
        while len(hostile) < MESSAGES:
            hostile.append(generator.one())
        rng.shuffle(hostile)

        def reply(message):
            if message[0] == 'call':
                vim.answer(message)
                return None
            self.assertEqual(len(message), 2, message)
            error, result = message[1]
            if message[0] < POLL_IDS:
                self.assertTrue(error is None or isinstance(error, str), message)
            return message[0], error, result

        def reattach():
            attach = generator.request('attach', [1])
            return [(to_json(attach), attach[0]),
                    (to_json([0, ['nvim_buf_lines_event', [1, 3, 0, -1, ARTICLE, False]]]), None)]

        run = HostileRun(self, host, POLL_IDS, lambda poll: to_json([poll, ['poll', []]]), reply)
        run.run(hostile, reattach)
        self.assertEqual(run.sent, len(hostile))
        twice = sorted(i for i, n in run.answered.items()
                       if i in run.expected and WELL_FORMED_IDS < i < 100_000
                       and n > run.expected[i])
        self.assertEqual(twice, [], 'answered more than asked')
        growth, bound, baseline = run.memory_growth()
        print('\n%d hostile JSON messages and %d polls; the host called Vim %d times (%s); '
              'answers to %d requests; RSS %d KB warm, %d KB at most (growth to the peak %d KB, '
              'bound %d KB)' % (run.sent, len(run.polls), sum(vim.calls.values()),
                                dict(vim.calls), sum(run.expected.values()), baseline,
                                max(run.rss), growth, bound),
              file=sys.stderr)
        self.assertLess(growth, bound)
        for message in self.assert_clean_exit(host):
            self.assertEqual(message[0], 'call', 'an answer after the last poll')
        log = self.log()
        for what in ('malformed message', 'not JSON', 'unknown method', 'nested deeper than 32',
                     'over the limit of 1048576', 'Vim refused call'):
            self.assertIn(what, log)


class DecoderLimits(VimSession):

    def test_a_64_mib_string_is_refused_and_skipped(self):
        host = self.start('--max-message', '8M')
        self.poll(host, 1)
        rss = host.rss_kb()
        host.send_bytes(b'[77,["poll",["')
        chunk = b'y' * MIB
        for _ in range(64):  # counted through, not kept, once over the limit
            host.send_bytes(chunk)
        error, _ = host.wait_response(77)
        self.assertIn('over the limit of 8388608', error)
        self.assertLess(host.rss_kb() - rss, (64 if uses_asan(host.process.pid) else 24) * 1024)
        host.send_bytes(b'"]]]\n')
        self.poll(host, 2)
        self.assert_clean_exit(host)
        self.assertIn("request 'poll': a message of at least 8388", self.log())

    def test_a_million_nested_arrays(self):
        host = self.start()
        host.send_bytes(b'[78,["poll",' + b'[' * 1_000_000 + b']' * 1_000_000 + b']]\n')
        error, _ = host.wait_response(78)
        self.assertIn('nested deeper than 32', error)
        self.poll(host, 1)
        # Left open: its line's end ends it.
        host.send_bytes(b'[79,["poll",' + b'[' * 1_000_000 + b'\n')
        error, _ = host.wait_response(79)
        self.assertIn('nested deeper than 32', error)
        self.poll(host, 2)
        self.assert_clean_exit(host)

    def sized_request(self, msgid, cost):
        """[ID,["poll",["zzz..."]]] that costs COST: its bytes and 6 values of 24."""
        head = b'[%d,["poll",["' % msgid
        return head + b'z' * (cost - 6 * 24 - len(head) - 4) + b'"]]]'

    def test_messages_at_the_limit_and_one_byte_over(self):
        host = self.start('--max-message', '1M')
        host.send_bytes(self.sized_request(80, MIB) + b'\n')
        self.assertEqual(host.wait_response(80, timeout=60), (None, 'ok'))
        host.send_bytes(self.sized_request(81, MIB + 1) + b'\n')
        error, _ = host.wait_response(81)
        self.assertIn('over the limit of 1048576', error)
        self.poll(host, 82)
        self.assert_clean_exit(host)

    def test_messages_cut_into_single_bytes(self):
        host = self.start('--max-message', '64K')
        data = b''.join([
            to_json([1, ['poll', []]]),
            to_json([2, ['quotes', [-1]]]),
            b'[3,["poll",[}]]]\n',
            to_json([-99, 'an answer to nothing']),
            to_json([4, ['nvim_buf_lines_event', ['junk']]]),
            to_json([5, ['poll', ['x' * (70 << 10), [1, 2, 3], {'a': 1.5}]]]),
            to_json([6, ['version', []]]),
        ])
        for byte in data:
            host.send_bytes(bytes([byte]))
        self.assertEqual(host.wait_response(1), (None, 'ok'))
        self.assertIn('not attached', host.wait_response(2)[0])
        self.assertIn('not JSON', host.wait_response(3)[0])
        self.assertIn('over the limit of 65536', host.wait_response(5)[0])
        error, result = host.wait_response(6)
        self.assertIsNone(error)
        self.assertEqual(result['protocol'], 1)
        self.assert_clean_exit(host)

    def test_corrupted_lines(self):
        """Valid messages with random bytes changed: the host answers what it
        can and goes on; it never ends the stream, crashes, or writes
        anything but whole lines of JSON."""
        rng = random.Random(9)
        generator = Generator(rng)
        for session in range(20):
            host = self.start()
            data = bytearray()
            for _ in range(30):
                method = rng.choice([m for m in METHODS if m not in ('annotations_save', 'export')])
                data += to_json(generator.request(method, list(METHODS[method])))
            for _ in range(rng.randrange(1, 6)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            host.send_bytes(bytes(data) + to_json([POLL_IDS, ['poll', []]]))
            while True:  # answering calls, up to the poll's answer
                message = host.read(timeout=60)
                if message[0] == 'call':
                    if len(message) == 4:
                        host.answer(message, 7 if message[2][0] == 'nvim_create_namespace'
                                    else True)
                elif message[0] == POLL_IDS:
                    break
            self.assert_clean_exit(host)


if __name__ == '__main__':
    unittest.main(verbosity=2)
