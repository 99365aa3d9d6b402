"""test_hostile.py: `whosaid host` against a peer that sends anything, and the
host's limits (doc/host.md, "Limits").

Hostile: 10,000 messages that are malformed or mutated (wrong types for every
parameter of every method, unknown methods, responses to calls never made,
notifications with junk, truncated arrays, huge integers, negative buffer
handles, nesting just within and past the limit, random mutations of valid
requests, random bytes inside valid framing), mixed with polls, while this
test answers the host's own calls as Neovim would, now and then with junk.
Every poll must be answered, in order; every message that carries a request
id, answered; the host's memory must stay within a fixed bound; and the host
must exit 0 with nothing on its output that is not msgpack. Then the inputs
that test the decoder's limits one by one: a declared 4 GiB string, a million
nested arrays, messages at 64 MiB and one byte over, a message cut into
single bytes, and bytes that cannot be resynchronised (the host ends with a
reason in its log).

Limits, with this test playing Neovim: a buffer over --max-buffer is not
highlighted and the user is told once, until it is smaller; a buffer whose
lines are over --max-message is treated the same; at most --max-marks
highlights are placed.

Deterministic: random.Random(8), and the host's calls answered by their
method and id. No timing is asserted; the timeouts only catch a hang."""

import collections
import os
import random
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
from host_support import SHORT_ARTICLE, Host, msgpack  # noqa: E402

ARTICLE = SHORT_ARTICLE

MESSAGES = 10_000
BATCH = 20  # hostile messages between two polls
POLL_IDS = 3_000_000_000  # polls' ids from here: no junk id reaches them
MIB = 1 << 20
# How much the host's resident memory may grow over the hostile run once it
# has warmed up (the model, a buffer, its analysis). A message that made it
# allocate what it declares, or a leak of a few KB per message, goes past it.
RSS_GROWTH_KB = 48 * 1024
RSS_GROWTH_KB_ASAN = 160 * 1024  # with ASan's quarantine held to 32 MB (Session.start)

JUNK = [
    None, True, False, 0, -1, 1, 2**31, 2**32, 2**63 - 1, 2**64 - 1, -2**63, 1.5,
    float('nan'), float('-inf'), '', 'x', '\u00e9\x00', 'a' * 1000, b'', b'\xff\x00', [], [1],
    [[[]]], {}, {'a': 1}, {1: 2}, {'path': 1}, {'json': 5},
    msgpack.ExtType(0, b'\x01'), msgpack.ExtType(0, b'\xff'), msgpack.ExtType(0, b'\xc1'),
    msgpack.ExtType(0, b'\xcf\xff\xff\xff\xff\xff\xff\xff\xff'), msgpack.ExtType(0, b''),
    msgpack.ExtType(1, b'\x01'), msgpack.Timestamp(5),
    msgpack.ExtType(5, b'junk'),
]

SIDECAR = ('{"whosaid_annotations": 1, "annotations": [{"id": 1, "text": "x", '
           '"speaker": "Y", "line": 0}]}')

# Every method of doc/host.md, with valid parameters for buffer 1.
METHODS = {
    'poll': [],
    'version': [],
    'attach': [1],
    'detach': [1],
    'analyze': [1],
    'quotes': [1],
    'entities': [1],
    'speakers': [1],
    'speaker_of': [1, 4, 10],
    'mentions_of': [1, 2, 30],
    'quote_near': [1, 0, 0, 1, 'Mike Pompeo'],
    'annotate': [1, [4, 2], {'speaker': 'Someone', 'verdict': 'quote', 'note': 'n'}],
    'annotations': [1],
    'annotations_load': [1, {'json': SIDECAR, 'name': 'hostile'}],
    'annotations_save': [1, 'hostile.whosaid.json', True],
    'export': [1, 'hostile.csv', 'hostile'],
}


def uses_asan(pid):
    """Whether the host runs under a memory checker, AddressSanitizer or
    valgrind (scripts/dev valgrind), whose own memory counts in its RSS."""
    with open('/proc/%d/maps' % pid) as maps:
        text = maps.read()
        return 'asan' in text or 'vgpreload' in text


def clean(obj):
    """OBJ with no '/' in any string: no path the host writes to can leave its
    directory."""
    if isinstance(obj, Encoded):
        return obj
    if isinstance(obj, RawExt):
        return RawExt(obj.code, obj.replace(b'/', b'_'))
    if isinstance(obj, (RawStr, bytes)):
        return type(obj)(obj.replace(b'/', b'_'))
    if isinstance(obj, str):
        return obj.replace('/', '_')
    if isinstance(obj, msgpack.ExtType):
        return msgpack.ExtType(obj.code, obj.data.replace(b'/', b'_'))
    if isinstance(obj, RawMap):
        return RawMap((clean(k), clean(v)) for k, v in obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(clean(x) for x in obj)
    if isinstance(obj, dict):
        return {clean(k): clean(v) for k, v in obj.items()}
    return obj


def read_uint(data, at):
    """The unsigned integer at DATA[AT] and where the next element starts;
    (None, None) for anything else (as msgpack-c, a signed encoding of a value
    of 0 or more counts as unsigned)."""
    b = data[at]
    if b <= 0x7F:
        return b, at + 1
    if 0xCC <= b <= 0xD3:
        size = 1 << ((b - 0xCC) & 3)
        value = int.from_bytes(data[at + 1:at + 1 + size], 'big', signed=b >= 0xD0)
        return (value, at + 1 + size) if value >= 0 else (None, None)
    return None, None


def expects_answer(data):
    """The id the host must answer these bytes with: an array of 2 elements or
    more whose first is 0 and second an id (its shape may be wrong otherwise:
    the error says so); None when it owes no answer."""
    b = data[0]
    if 0x92 <= b <= 0x9F:
        at = 1
    elif b == 0xDC and int.from_bytes(data[1:3], 'big') >= 2:
        at = 3
    elif b == 0xDD and int.from_bytes(data[1:5], 'big') >= 2:
        at = 5
    else:
        return None
    kind, at = read_uint(data, at)
    if kind != 0:
        return None
    msgid, _ = read_uint(data, at)
    return msgid if msgid is not None and msgid <= 0xFFFFFFFF else None


class Generator:
    """The hostile messages, as bytes."""

    junk_values = JUNK  # what wrong_types puts in each parameter's place

    def __init__(self, rng):
        self.rng = rng
        self.next_id = 1000

    def fresh_id(self):
        self.next_id += 1
        return self.next_id

    def junk(self, depth=0):
        rng = self.rng
        kind = rng.randrange(9 if depth < 3 else 6)
        if kind == 0:
            return rng.choice(JUNK)
        if kind == 1:
            return rng.choice([rng.randrange(-2**63, 2**64), rng.randrange(-5, 50)])
        if kind == 2:
            return bytes(rng.randrange(256) for _ in range(rng.randrange(20)))
        if kind == 3:
            return ''.join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0xD800)]))
                           for _ in range(rng.randrange(12)))
        if kind == 4:  # a str of random bytes: invalid UTF-8
            size = rng.randrange(1, 30)
            return RawStr(bytes(rng.randrange(256) for _ in range(size)))
        if kind == 5:
            return RawExt(rng.randrange(-128, 128),
                          bytes(rng.randrange(256) for _ in range(rng.randrange(10))))
        if kind == 6:
            return [self.junk(depth + 1) for _ in range(rng.randrange(5))]
        if kind == 7:
            return RawMap((self.junk(depth + 1) if rng.random() < 0.3 else str(rng.randrange(9)),
                           self.junk(depth + 1)) for _ in range(rng.randrange(4)))
        return rng.choice(list(METHODS))

    def mutate(self, obj, depth=0):
        rng = self.rng
        if depth > 6 or rng.random() < 0.25:
            return self.junk()
        if isinstance(obj, list) and obj:
            obj = list(obj)
            what = rng.randrange(5)
            i = rng.randrange(len(obj))
            if what == 0:
                del obj[i]
            elif what == 1:
                obj.insert(i, self.junk())
            elif what == 2:
                obj = obj[:i]
            else:
                obj[i] = self.mutate(obj[i], depth + 1)
            return obj
        if isinstance(obj, dict) and obj:
            obj = dict(obj)
            key = rng.choice(list(obj))
            if rng.random() < 0.3:
                del obj[key]
            else:
                obj[key] = self.mutate(obj[key], depth + 1)
            return obj
        if isinstance(obj, str):
            return self.mutate_string(obj)
        if isinstance(obj, int):
            return rng.choice([-obj, obj + 2**32, obj - 1, 2**64 - 1, -2**63])
        return self.junk()

    def mutate_string(self, s):
        rng = self.rng
        return rng.choice([s.encode(), s[:rng.randrange(len(s) + 1)] + 'z',
                           RawStr(bytes(rng.randrange(256) for _ in range(len(s))))])

    def request(self, method, params):
        return [0, self.fresh_id(), method, params]

    def wrong_types(self):
        """For every method and parameter, each junk value in its place; and
        each method with too few and too many arguments."""
        out = []
        for method, params in METHODS.items():
            for i in range(len(params)):
                for value in self.junk_values:
                    bad = list(params)
                    bad[i] = value
                    out.append(self.request(method, bad))
            out.append(self.request(method, []))
            out.append(self.request(method, list(params) + [1, 2, 3]))
            out.append(self.request(method, {'not': 'an array'}))
        return out

    def one(self):
        rng = self.rng
        kind = rng.randrange(12)
        if kind == 0:  # an unknown method
            return self.request(self.junk() if rng.random() < 0.5 else 'no_such_method_%d'
                                % rng.randrange(100), [self.junk()])
        if kind == 1:  # a response to a call never made
            return [1, rng.randrange(2**32), self.junk(), self.junk()]
        if kind == 2:  # the lines of buffer 1 or 2, with junk
            lines = [rng.choice([rng.choice(ARTICLE), self.junk()])
                     for _ in range(rng.randrange(4))]
            params = [rng.choice([1, 2, -1, msgpack.ExtType(0, b'\x01'), self.junk()]),
                      rng.randrange(100), rng.randrange(-3, 12), rng.randrange(-3, 12), lines,
                      False]
            if rng.random() < 0.3:
                params = self.mutate(params)
            return [2, 'nvim_buf_lines_event', params]
        if kind == 3:  # other notifications
            return [2, rng.choice(['nvim_buf_detach_event', 'nvim_buf_changedtick_event',
                                   'nvim_error_event', 'x', '']), self.junk()]
        if kind == 4:  # truncated or overlong arrays
            full = self.request(rng.choice(list(METHODS)), [1])
            return rng.choice([full[:rng.randrange(4)], full + [self.junk()],
                               [2, 'nvim_buf_lines_event'], [1, self.fresh_id()], [2], []])
        if kind == 5:  # huge integers where ids and handles go
            return rng.choice([
                [0, rng.choice([2**32, 2**64 - 1, -1, -2**63]), 'poll', []],
                self.request(rng.choice(['quotes', 'attach', 'speaker_of']),
                             [rng.choice([2**63 - 1, 2**64 - 1, -2**63, 2**32]), 2**64 - 1,
                              -2**63]),
                [rng.randrange(3, 2**64), 1, 'poll', []]])
        if kind == 6:  # negative buffer handles
            return self.request(rng.choice(['attach', 'detach', 'quotes', 'analyze', 'export']),
                                [rng.choice([-1, -2**31, msgpack.ExtType(0, b'\xff')])])
        if kind == 7:  # nesting just within and just past the limit (32 arrays)
            depth = rng.choice([30, 31, 32, 33, 34, 64])
            params = 5
            for _ in range(depth - 1):  # with the message's own array
                params = [params]
            return self.request('poll', params)
        if kind == 8:  # random bytes inside valid framing
            return self.request(RawStr(bytes(rng.randrange(256) for _ in range(8))),
                                [bytes(rng.randrange(256) for _ in range(rng.randrange(64))),
                                 RawStr(bytes(rng.randrange(256) for _ in range(16)))])
        # A valid request, mutated.
        method = rng.choice(list(METHODS))
        return self.mutate(self.request(method, list(METHODS[method])))


class RawStr(bytes):
    """Bytes sent as a msgpack str (whatever they are)."""


class Encoded(bytes):
    """Bytes that are msgpack already."""


class RawMap(tuple):
    """A map as its (key, value) pairs: any key, even an array or a map."""


class RawExt(bytes):
    """An extension of any type, negative ones too (msgpack.ExtType refuses them)."""

    def __new__(cls, code, data):
        ext = super().__new__(cls, data)
        ext.code = code
        return ext


def encode(obj):
    """OBJ as msgpack (RawStr a str of its bytes, RawMap a map, RawExt an
    extension), with no '/' in any string."""
    return _encode(clean(obj))


def container_head(fix, n):
    """An array's header (FIX 0x90) or a map's (0x80) for N elements."""
    if n < 16:
        return bytes([fix | n])
    if n < 1 << 16:
        return bytes([fix + 0x4C]) + n.to_bytes(2, 'big')  # 0xdc, 0xde
    return bytes([fix + 0x4D]) + n.to_bytes(4, 'big')  # 0xdd, 0xdf


def _encode(obj):
    if isinstance(obj, Encoded):
        return bytes(obj)
    if isinstance(obj, RawExt):
        return b'\xc7' + bytes([len(obj), obj.code & 0xFF]) + bytes(obj)
    if isinstance(obj, RawStr):
        data = bytes(obj)
        n = len(data)
        if n < 32:
            return bytes([0xA0 | n]) + data
        if n < 256:
            return b'\xd9' + bytes([n]) + data
        return b'\xda' + n.to_bytes(2, 'big') + data
    if isinstance(obj, RawMap):
        return container_head(0x80, len(obj)) + b''.join(_encode(k) + _encode(v) for k, v in obj)
    if isinstance(obj, (list, tuple)):
        return container_head(0x90, len(obj)) + b''.join(_encode(x) for x in obj)
    if isinstance(obj, dict):
        return container_head(0x80, len(obj)) + b''.join(_encode(k) + _encode(v)
                                                          for k, v in obj.items())
    return msgpack.packb(obj, use_bin_type=True)


class Neovim:
    """Answers the host's calls as Neovim would, with junk now and then;
    each answer drawn from the call's method and id, so that it does not
    depend on when the call came."""

    JUNK_SHARE = 0.1

    def __init__(self, host):
        self.host = host
        self.calls = collections.Counter()

    def answer(self, message):
        _, msgid, method, params = message
        self.calls[method] += 1
        rng = random.Random('%s:%d' % (method, msgid))
        if rng.random() < self.JUNK_SHARE:
            junk = rng.choice(JUNK)
            if rng.random() < 0.5:
                self.host.respond(msgid, None, [0, 'junk'])
            else:
                self.host.send_bytes(encode([1, msgid, None, junk]))
            return
        if method == 'nvim_create_namespace':
            result = 7
        elif method == 'nvim_buf_attach':
            result = True
        elif method == 'nvim_buf_get_lines':
            result = ARTICLE
        elif method == 'nvim_exec_lua' and 'nvim_buf_get_offset' in params[0]:
            result = [len('\n'.join(ARTICLE)) + 1, len(ARTICLE)]
        elif method == 'nvim_exec_lua':
            result = 0
        else:
            result = None
        self.host.respond(msgid, result)


class Session(unittest.TestCase):
    """A host in a scratch directory (annotations_save and export write
    there), its log in WHOSAID_LOG_FILE."""

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix='whosaid-hostile-')
        self.log_path = os.path.join(self.directory, 'host.log')
        self.cwd = os.getcwd()
        os.chdir(self.directory)
        self.hosts = []

    def tearDown(self):
        for host in self.hosts:
            host.kill()
        os.chdir(self.cwd)
        shutil.rmtree(self.directory, ignore_errors=True)

    def start(self, *args):
        env = {'WHOSAID_LOG_FILE': self.log_path}
        asan = os.environ.get('ASAN_OPTIONS')
        # The quarantine (256 MB by default) would hide the memory bound.
        env['ASAN_OPTIONS'] = (asan + ':' if asan else '') + 'quarantine_size_mb=32'
        host = Host(*args, env=env)
        self.hosts.append(host)
        return host

    @staticmethod
    def skipped_growth_kb(host):
        """How much the host's memory may grow while it skips 64 MiB: far less
        than that, with ASan's quarantine (32 MB) of the read buffers freed."""
        return (48 if uses_asan(host.process.pid) else 16) * 1024

    def log(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def assert_clean_exit(self, host, status=0):
        """The host exits with STATUS, its output msgpack to the end and no
        sanitizer report; returns the messages it wrote that were not read."""
        code, messages = host.finish()
        stderr = host.stderr()
        self.assertNotIn('Sanitizer', stderr)
        self.assertNotIn('runtime error', stderr)
        self.assertEqual(code, status, stderr + self.log()[-2000:])
        return messages

    def attach(self, host, buf, lines, namespace=True):
        """Attach BUF (the namespace first unless it exists), send its lines."""
        attach_id = host.request('attach', buf)
        if namespace:
            msgid, _ = host.expect_request('nvim_create_namespace')
            host.respond(msgid, 7)
        msgid, _ = host.expect_request('nvim_buf_attach')
        host.respond(msgid, True)
        self.assertEqual(host.wait_response(attach_id), (None, True))
        host.send([2, 'nvim_buf_lines_event', [buf, 2, 0, -1, lines, False]])


class HostileRun:
    """The hostile session of both protocols (test_vim_hostile.py for Vim's
    JSON): ITEMS, (bytes, the id the host owes an answer or None), sent in
    batches of BATCH, each after REATTACH's items every 25th batch (buffer 1
    again, whatever the junk did to it) and followed by a poll, POLL(id) its
    bytes; the host's output read meanwhile with REPLY(message), which
    answers a call of the host's and returns None, or returns an answer's
    (id, error, result). Counts what was answered, and samples the host's
    memory every ten polls (rss)."""

    def __init__(self, test, host, poll_ids, poll, reply):
        self.test, self.host, self.poll_ids = test, host, poll_ids
        self.poll, self.reply = poll, reply
        self.expected, self.answered = collections.Counter(), collections.Counter()
        self.polls, self.poll_answers, self.rss = [], [], []
        self.sent = 0

    def serve_until(self, poll):
        while True:
            reply = self.reply(self.host.read(timeout=60))
            if reply is None:
                continue
            msgid, error, result = reply
            self.answered[msgid] += 1
            if msgid >= self.poll_ids:
                self.test.assertEqual((error, result), (None, 'ok'))
                self.poll_answers.append(msgid)
                if msgid == poll:
                    return

    def send_and_poll(self, items):
        poll = self.poll_ids + len(self.polls)
        self.polls.append(poll)
        data = b''
        for message, msgid in items + [(self.poll(poll), None)]:
            if msgid is not None:
                self.expected[msgid] += 1
            data += message
        self.host.send_bytes(data)
        self.serve_until(poll)

    def run(self, items, reattach):
        for start in range(0, len(items), BATCH):
            batch = items[start:start + BATCH]
            self.sent += len(batch)
            self.send_and_poll((reattach() if start // BATCH % 25 == 0 else []) + batch)
            if len(self.polls) % 10 == 0:
                self.rss.append(self.host.rss_kb())
        # The answers still due (a call of the host's answered after the last
        # poll): a few more polls let them come.
        for _ in range(20):
            if all(self.answered[i] >= n for i, n in self.expected.items()):
                break
            self.send_and_poll([])
        self.test.assertEqual(self.poll_answers, self.polls)  # every poll, in order
        missing = sorted(i for i, n in self.expected.items() if self.answered[i] < n)
        self.test.assertEqual(missing, [], 'requests never answered')

    def memory_growth(self):
        """Growth to the peak once warmed up, its bound, and the warm RSS."""
        baseline = self.rss[len(self.rss) // 10]
        growth = max(max(self.rss), self.host.rss_kb('VmHWM')) - baseline
        bound = RSS_GROWTH_KB_ASAN if uses_asan(self.host.process.pid) else RSS_GROWTH_KB
        return growth, bound, baseline


class Hostile(Session):

    def test_ten_thousand_hostile_messages(self):
        host = self.start('--debounce', '1')
        neovim = Neovim(host)
        self.attach(host, 1, ARTICLE)
        generator = Generator(random.Random(8))
        rng = generator.rng
        hostile = generator.wrong_types()
        for _ in range(3):  # 3 MB each, 72 MB decoded: skipped for their size
            hostile.append(generator.request('poll', [Encoded(b'\xdd' + (3_000_000).to_bytes(
                4, 'big') + b'\xc0' * 3_000_000)]))
        while len(hostile) < MESSAGES:
            hostile.append(generator.one())
        rng.shuffle(hostile)

        def reply(message):
            if message[0] == 0:
                neovim.answer(message)
                return None
            self.assertEqual(message[0], 1, message)  # the host sends no notification
            return message[1], message[2], message[3]

        def item(obj):
            message = encode(obj)
            msgid = expects_answer(message)
            return message, msgid if msgid is not None and msgid < POLL_IDS else None

        def reattach():
            return [item([0, generator.fresh_id(), 'attach', [1]]),
                    item([2, 'nvim_buf_lines_event', [1, 3, 0, -1, ARTICLE, False]])]

        run = HostileRun(self, host, POLL_IDS, lambda poll: encode([0, poll, 'poll', []]), reply)
        run.run([item(obj) for obj in hostile], reattach)
        self.assertEqual(run.sent, len(hostile))
        self.assertGreaterEqual(run.sent, MESSAGES)
        unexpected = sorted(i for i in run.answered if i < POLL_IDS and i not in run.expected)
        self.assertEqual(unexpected, [], 'answers to no request')
        growth, bound, baseline = run.memory_growth()
        print('\n%d hostile messages and %d polls; the host called Neovim %d times (%s); '
              'answers to %d requests; RSS %d KB warm, %d KB at most, %d KB at the end '
              '(growth to the peak %d KB, bound %d KB)'
              % (run.sent, len(run.polls), sum(neovim.calls.values()), dict(neovim.calls),
                 sum(run.expected.values()), baseline, max(run.rss), run.rss[-1], growth, bound),
              file=sys.stderr)
        self.assertLess(growth, bound)
        for message in self.assert_clean_exit(host):
            self.assertNotEqual(message[0], 1, 'an answer after the last poll')
        self.assertIn('malformed message', self.log())
        self.assertIn('unknown method', self.log())

    def test_a_namespace_that_is_no_namespace(self):
        # A negative namespace would leave analyze waiting for highlights
        # that are never sent: attach is refused instead.
        host = self.start()
        attach = host.request('attach', 1)
        msgid, _ = host.expect_request('nvim_create_namespace')
        host.respond(msgid, -1)
        self.assertIn('no extmark namespace', host.wait_response(attach)[0][1])
        self.attach(host, 1, ARTICLE)  # asked again
        self.assertEqual(host.call_serving('analyze', 1)[:2], (None, True))
        self.assert_clean_exit(host)


class DecoderLimits(Session):

    def test_a_declared_4_gib_string_is_refused_and_skipped(self):
        host = self.start()
        # [0, 77, "poll", [<a str of 4 GiB - 1 bytes>]]: answered at its header.
        host.send_bytes(b'\x94\x00\x4d\xa4poll\x91\xdb\xff\xff\xff\xff' + b'x' * 100000)
        error, _ = host.wait_response(77)
        self.assertIn('over the limit of 67108864', error[1])
        rss = host.rss_kb()
        chunk = b'y' * MIB
        for _ in range(64):  # 64 MiB more of it: counted, not kept
            host.send_bytes(chunk)
        self.assertLess(host.rss_kb() - rss, self.skipped_growth_kb(host))
        # The input ends inside the string: a clean exit, the reason logged.
        self.assert_clean_exit(host)
        self.assertIn("request 'poll': a message of at least 4294967", self.log())
        self.assertIn('skipped', self.log())

    def test_many_small_values_count_what_they_take_decoded(self):
        # [0, 82, "poll", [nil x 3,000,000]]: 3 MB of msgpack, but 72 MB of
        # msgpack_objects decoded: over the limit, refused at its header.
        host = self.start()
        self.assertEqual(host.call('poll'), (None, 'ok'))
        peak = host.rss_kb('VmHWM')
        host.send_bytes(b'\x94\x00\x52\xa4poll\xdd' + (3_000_000).to_bytes(4, 'big'))
        error, _ = host.wait_response(82)
        self.assertIn('over the limit of 67108864', error[1])
        host.send_bytes(b'\xc0' * 3_000_000)
        self.assertEqual(host.call('poll'), (None, 'ok'))
        self.assertLess(host.rss_kb('VmHWM') - peak, self.skipped_growth_kb(host))
        self.assert_clean_exit(host)

    def test_a_million_nested_arrays(self):
        host = self.start()
        bomb = b'\x91' * 1_000_000 + b'\xc0'
        host.send_bytes(b'\x94\x00\x4e\xa4poll' + bomb)  # [0, 78, "poll", [[[...]]]]
        error, _ = host.wait_response(78)
        self.assertIn('nested deeper than 32', error[1])
        host.send_bytes(bomb)  # not even a message
        self.assertEqual(host.call('poll'), (None, 'ok'))
        self.assert_clean_exit(host)
        self.assertIn('nested deeper than 32', self.log())

    def sized_request(self, msgid, size):
        """[0, ID, "poll", [<a str>]] of SIZE bytes; it costs 6 objects of 24
        bytes more."""
        head = b'\x94' + msgpack.packb(0) + msgpack.packb(msgid) + msgpack.packb('poll') + b'\x91'
        string = size - len(head) - 5  # a str 32 header
        return head + b'\xdb' + string.to_bytes(4, 'big'), string

    def test_messages_at_the_limit_and_one_byte_over(self):
        host = self.start()
        limit = 64 * MIB
        # Exactly at the limit: decoded and answered.
        head, string = self.sized_request(80, limit - 6 * 24)
        chunk = b'z' * MIB
        host.send_bytes(head)
        for _ in range(string // MIB):
            host.send_bytes(chunk)
        host.send_bytes(b'z' * (string % MIB))
        self.assertEqual(host.wait_response(80, timeout=60), (None, 'ok'))
        # One byte over: refused at its header, its bytes skipped without
        # being kept, and the stream goes on.
        rss = host.rss_kb()
        head, string = self.sized_request(81, limit - 6 * 24 + 1)
        host.send_bytes(head)
        error, _ = host.wait_response(81)
        self.assertIn('over the limit', error[1])
        for _ in range(string // MIB):
            host.send_bytes(chunk)
        host.send_bytes(b'z' * (string % MIB))
        self.assertEqual(host.call('poll'), (None, 'ok'))
        self.assertLess(host.rss_kb() - rss, self.skipped_growth_kb(host))
        self.assert_clean_exit(host)

    def test_messages_cut_into_single_bytes(self):
        host = self.start('--max-message', '64K')
        big = 'x' * (70 << 10)  # over the limit: skipped byte by byte too
        data = b''.join([
            msgpack.packb([0, 1, 'poll', []]),
            msgpack.packb([0, 2, 'quotes', [-1]]),
            msgpack.packb([0, 3, 'no_such_method', [None]]),
            msgpack.packb([1, 99, None, 'a response to nothing']),
            msgpack.packb([2, 'nvim_buf_lines_event', ['junk']]),
            msgpack.packb([0, 4, 'poll', [big, [1, 2, 3], {'a': 1.5}]]),
            msgpack.packb([0, 5, 'version', []]),
        ])
        for byte in data:
            host.send_bytes(bytes([byte]))
        self.assertEqual(host.wait_response(1), (None, 'ok'))
        self.assertIn('not attached', host.wait_response(2)[0][1])
        self.assertIn('unknown method', host.wait_response(3)[0][1])
        self.assertIn('over the limit of 65536', host.wait_response(4)[0][1])
        error, result = host.wait_response(5)
        self.assertIsNone(error)
        self.assertEqual(result['protocol'], 1)
        self.assert_clean_exit(host)

    def test_bytes_that_cannot_be_resynchronised_end_it_with_a_reason(self):
        host = self.start()
        host.send_bytes(msgpack.packb([0, 1, 'poll', []]) + b'\xc1' +
                        msgpack.packb([0, 2, 'poll', []]))
        self.assertEqual(host.wait_response(1), (None, 'ok'))
        self.assert_clean_exit(host, status=1)
        self.assertIn('not msgpack-RPC, closing', self.log())
        self.assertIn('byte 0xc1', self.log())

    def test_corrupted_framing(self):
        """Valid messages with random bytes changed, framing and all: the host
        goes on, or ends with a reason; it never crashes or writes anything
        that is not msgpack."""
        rng = random.Random(8)
        generator = Generator(rng)
        outcomes = collections.Counter()
        for session in range(20):
            host = self.start()
            data = bytearray()
            for _ in range(30):
                # Not those that write files: a changed byte could make a path.
                method = rng.choice([m for m in METHODS if m not in ('annotations_save', 'export')])
                data += encode(generator.request(method, list(METHODS[method])))
            for _ in range(rng.randrange(1, 6)):
                # Any byte, or one that lies about a size or is no msgpack.
                data[rng.randrange(len(data))] = rng.choice(
                    [rng.randrange(256), 0xc1, 0xdb, 0xdd, 0xdf, 0x9f, 0xcf]) or 0x30
            host.send_bytes(bytes(data))
            code, _ = host.finish()
            stderr = host.stderr()
            self.assertNotIn('Sanitizer', stderr)
            self.assertIn(code, (0, 1), stderr)
            if code == 1:
                self.assertRegex(self.log(), 'closing|refused')
            outcomes[code] += 1
        print('\ncorrupted sessions: %s' % dict(outcomes), file=sys.stderr)


def is_tell(message):
    """A call of the host's that shows the user a message (vim.notify)."""
    return message[0] == 0 and message[2] == 'nvim_exec_lua' and 'vim.notify' in message[3][0]


def is_size_query(message):
    return (message[0] == 0 and message[2] == 'nvim_exec_lua' and
            'nvim_buf_get_offset' in message[3][0])


def is_update(message):
    return (message[0] == 0 and message[2] == 'nvim_exec_lua' and
            'nvim_buf_set_extmark' in message[3][0])


def buffer_bytes(lines):
    return sum(len(line.encode()) + 1 for line in lines)


class BufferLimits(Session):
    """This test plays Neovim: it keeps its own buffer, answers the host's
    size queries and reloads from it."""

    def next_call(self, host):
        message = host.read()
        self.assertEqual(message[0], 0, message)
        return message

    def until_poll(self, host):
        """Poll; the host's calls that come before the answer."""
        poll = host.request('poll')
        calls = []
        while True:
            message = host.read()
            if message[0] == 1 and message[1] == poll:
                return calls
            self.assertEqual(message[0], 0, message)
            calls.append(message)

    def test_a_buffer_over_the_limit_is_not_highlighted_and_the_user_told_once(self):
        host = self.start('--max-buffer', '64K', '--debounce', '5')
        self.attach(host, 1, ARTICLE)
        update = self.next_call(host)
        self.assertTrue(is_update(update))
        placed = [add[0] for add in update[3][1][3]]
        self.assertGreater(len(placed), 3)
        host.respond(update[1], 0)

        # Over 64 KiB: the user is told, and the highlights are cleared.
        buffer = ARTICLE + ARTICLE * 500
        self.assertGreater(buffer_bytes(buffer), 64 << 10)
        host.send([2, 'nvim_buf_lines_event', [1, 3, 5, 5, ARTICLE * 500, False]])
        tell = self.next_call(host)
        self.assertTrue(is_tell(tell), tell)
        self.assertEqual(tell[3][1][0], 'whosaid: buffer 1 too large (%.1f KiB > 64.0 KiB): '
                         'no highlights' % (buffer_bytes(buffer) / 1024))
        host.respond(tell[1], None)
        clear = self.next_call(host)
        self.assertTrue(is_update(clear), clear)
        self.assertEqual(sorted(clear[3][1][2]), sorted(placed))  # every mark deleted
        self.assertEqual(clear[3][1][3], [])  # none added
        host.respond(clear[1], 0)
        error, _ = host.call('quotes', 1)
        self.assertIn('buffer 1 is too large for whosaid', error[1])
        error, result, updates = host.call_serving('analyze', 1)  # true, nothing to place
        self.assertEqual((error, result, updates), (None, True, []))

        # Edited, still over: the host asks the size, and says nothing more.
        buffer[7] = 'An edit.'
        host.send([2, 'nvim_buf_lines_event', [1, 4, 7, 8, ['An edit.'], False]])
        size = self.next_call(host)
        self.assertTrue(is_size_query(size), size)
        self.assertEqual(size[3][1], [1])
        host.respond(size[1], [buffer_bytes(buffer), len(buffer)])
        self.assertEqual(self.until_poll(host), [])

        # Smaller again: reloaded and highlighted, without a word.
        buffer = list(ARTICLE)
        host.send([2, 'nvim_buf_lines_event', [1, 5, 5, 5 + 500 * len(ARTICLE), [], False]])
        size = self.next_call(host)
        self.assertTrue(is_size_query(size), size)
        host.respond(size[1], [buffer_bytes(buffer), len(buffer)])
        msgid, params = host.expect_request('nvim_buf_get_lines')
        self.assertEqual(params, [1, 0, -1, False])
        host.respond(msgid, buffer)
        update = self.next_call(host)
        self.assertTrue(is_update(update), update)
        self.assertGreater(len(update[3][1][3]), 3)
        host.respond(update[1], 0)
        error, quotes = host.call('quotes', 1)
        self.assertIsNone(error)
        self.assertEqual(quotes[0]['speaker'], 'Mike Pompeo')

        # Over again: told again (once for each time it goes over).
        host.send([2, 'nvim_buf_lines_event', [1, 6, 0, 0, ARTICLE * 500, False]])
        calls = self.until_poll(host)
        self.assertEqual(len([c for c in calls if is_tell(c)]), 1, calls)
        self.assert_clean_exit(host)
        self.assertIn('told the user: whosaid: buffer 1 too large', self.log())

    def test_lines_over_the_message_limit(self):
        host = self.start('--max-message', '256K', '--max-buffer', '1M', '--debounce', '5')
        big = ['x' * 1000] * 300  # 300 KB: over the message limit, under the buffer limit
        self.attach(host, 1, big)  # the lines event is skipped
        calls = self.until_poll(host)
        self.assertEqual(len(calls), 1, calls)
        self.assertTrue(is_tell(calls[0]))
        self.assertEqual(calls[0][3][1][0],
                         'whosaid: buffer 1 too large (over the message limit): no highlights')
        error, _ = host.call('speakers', 1)
        self.assertIn('over the message limit', error[1])
        self.assertEqual(host.call_serving('analyze', 1), (None, True, []))
        # An edit: its size fits the buffer limit but its lines would not fit
        # a message: no reload.
        host.send([2, 'nvim_buf_lines_event', [1, 3, 0, 1, ['y' * 1000], False]])
        size = self.next_call(host)
        self.assertTrue(is_size_query(size), size)
        host.respond(size[1], [buffer_bytes(big), len(big)])
        self.assertEqual(self.until_poll(host), [])
        # Neovim says it is small, then sends too much: the answer is skipped.
        host.send([2, 'nvim_buf_lines_event', [1, 4, 0, 1, ['z'], False]])
        size = self.next_call(host)
        host.respond(size[1], [buffer_bytes(ARTICLE), len(ARTICLE)])
        msgid, _ = host.expect_request('nvim_buf_get_lines')
        host.respond(msgid, big)
        self.assertEqual(self.until_poll(host), [])
        # Small at last.
        host.send([2, 'nvim_buf_lines_event', [1, 5, 0, 300, ARTICLE, False]])
        size = self.next_call(host)
        host.respond(size[1], [buffer_bytes(ARTICLE), len(ARTICLE)])
        msgid, _ = host.expect_request('nvim_buf_get_lines')
        host.respond(msgid, ARTICLE)
        update = self.next_call(host)
        self.assertTrue(is_update(update), update)
        self.assertGreater(len(update[3][1][3]), 3)
        host.respond(update[1], 0)
        self.assertEqual(host.call('quotes', 1)[1][0]['speaker'], 'Mike Pompeo')
        self.assert_clean_exit(host)
        self.assertIn("notification 'nvim_buf_lines_event'", self.log())
        self.assertIn('skipped', self.log())

    def test_a_line_over_the_limit_is_read_as_blanks_and_the_user_told_once(self):
        host = self.start('--max-line', '1K', '--debounce', '5')
        self.attach(host, 1, ARTICLE)
        update = self.next_call(host)
        every = update[3][1][3]
        host.respond(update[1], 0)
        self.assert_clean_exit(host)

        # The same article with a long line of data (a quote and a name in
        # it) after its headline.
        long_line = '\u201cSo said,\u201d said Angela Merkel. ' + 'QUJD' * 400
        self.assertGreater(len(long_line.encode()), 1024)
        lines = ARTICLE[:1] + [long_line] + ARTICLE[1:]
        host = self.start('--max-line', '1K', '--debounce', '5')
        self.attach(host, 1, lines)
        calls = [self.next_call(host)]
        while not is_update(calls[-1]):
            calls.append(self.next_call(host))
        tells = [c for c in calls if is_tell(c)]
        self.assertEqual(len(tells), 1, calls)
        self.assertEqual(tells[0][3][1][0], 'whosaid: buffer 1: 1 line over 1.0 KiB not '
                         'analysed (the first: line 2)')
        updates = [c for c in calls if is_update(c)]
        self.assertEqual(len(updates), 1, calls)
        additions = updates[0][3][1][3]
        host.respond(updates[0][1], 0)
        # Nothing in the long line; the rest as without it, one line down.
        self.assertFalse([add for add in additions if add[1] == 1], additions)
        def where(add, down):  # a mark without its id, below the headline DOWN lines up
            down = down if add[1] > 0 else 0
            if len(add) == 7:
                return repr((add[1] - down, add[2], add[3] - down) + tuple(add[4:]))
            return repr((add[1] - down,) + tuple(add[2:]))
        self.assertEqual(sorted(where(add, 1) for add in additions),
                         sorted(where(add, 0) for add in every))
        quotes = host.call('quotes', 1)[1]
        self.assertEqual([q['speaker'] for q in quotes], ['Mike Pompeo'])
        # An edit with the long line still there: told no more. Without it,
        # and with it back: told again.
        def tells_analysing(host):  # analyze, answering the calls before its answer
            msgid, tells = host.request('analyze', 1), 0
            while True:
                message = host.read()
                if message[0] == 1 and message[1] == msgid:
                    self.assertEqual(message[2:], [None, True])
                    return tells
                self.assertEqual(message[0], 0, message)
                tells += is_tell(message)
                host.respond(message[1], None if is_tell(message) else 0)
        host.send([2, 'nvim_buf_lines_event', [1, 3, 4, 4, ['More.'], False]])
        self.assertEqual(tells_analysing(host), 0)
        host.send([2, 'nvim_buf_lines_event', [1, 4, 1, 2, [], False]])
        self.assertEqual(tells_analysing(host), 0)
        host.send([2, 'nvim_buf_lines_event', [1, 5, 1, 1, [long_line], False]])
        self.assertEqual(tells_analysing(host), 1)
        self.assert_clean_exit(host)

    def test_at_most_max_marks_highlights_the_first_in_text_order(self):
        host = self.start('--debounce', '5')
        self.attach(host, 1, ARTICLE)
        update = self.next_call(host)
        every = update[3][1][3]
        host.respond(update[1], 0)
        self.assert_clean_exit(host)

        def position(add):  # a label (4 or 5 long) is at the end of its row
            return tuple(add[1:5]) if len(add) == 7 else (add[1], add[2], add[1], add[2])

        host = self.start('--max-marks', '3', '--debounce', '5')
        self.attach(host, 1, ARTICLE)
        tell = self.next_call(host)
        self.assertTrue(is_tell(tell), tell)
        self.assertEqual(tell[3][1][0], 'whosaid: buffer 1 has %d highlights: only the first 3 '
                         'are shown' % len(every))
        update = self.next_call(host)
        self.assertTrue(is_update(update), update)
        additions = update[3][1][3]
        self.assertEqual(sorted(map(position, additions)), sorted(map(position, every))[:3])
        host.respond(update[1], 0)
        # An edit: the same marks, no second message.
        host.send([2, 'nvim_buf_lines_event', [1, 3, 4, 4, ['More.'], False]])
        calls = self.until_poll(host)
        self.assertFalse([c for c in calls if is_tell(c)], calls)
        self.assert_clean_exit(host)


class Options(unittest.TestCase):

    def test_help_and_bad_values(self):
        import subprocess
        from host_support import PROGRAM
        help_text = subprocess.run([PROGRAM, 'host', '--help'], capture_output=True,
                                   text=True, timeout=30).stdout
        for option in ('--max-message SIZE', '--max-buffer SIZE', '--max-marks N',
                       '--max-line SIZE', 'default 64M', 'default 16M', 'default 100000',
                       'default 1M'):
            self.assertIn(option, help_text)
        for args in (['--max-buffer', '0'], ['--max-buffer', '-1'], ['--max-message', '12Q'],
                     ['--max-message', '0.5'], ['--max-marks', '0'], ['--max-marks', 'x'],
                     ['--max-buffer', '2T'], ['--max-line', '0']):
            result = subprocess.run([PROGRAM, 'host'] + args, capture_output=True, text=True,
                                    timeout=30, stdin=subprocess.DEVNULL)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(args[0], result.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
