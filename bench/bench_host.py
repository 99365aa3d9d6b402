#!/usr/bin/python3
"""bench_host.py: how fast `whosaid host` answers, playing Neovim on its pipes.

    /usr/bin/python3 bench/bench_host.py [--program build/bin/whosaid] [ARTICLE]

Prints, each the median of several runs:
  start    from spawning the host to its answer to the first poll
  poll     one poll's round trip: rpcrequest() in a headless Neovim, and
           from Python (which adds its own tens of microseconds)
  edit     a one-character edit of ARTICLE (default: the example article
           made about 20 KB long) to the batched highlight call, with the
           host's 30 ms debounce and without it (--debounce 1): the host's
           own work per update
  1 MB     a 1 MB buffer's lines to its first highlight call, and the
           slowest poll answered while that analysis ran
  memory   the host's peak resident memory with the model and the 1 MB
           buffer attached
Needs Debian's python3-msgpack (run it with /usr/bin/python3).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'host'))
sys.dont_write_bytecode = True


NEOVIM_POLL = """
local channel = vim.fn.jobstart({os.getenv('WHOSAID_PROGRAM'), 'host'}, {rpc = true})
vim.fn.rpcrequest(channel, 'poll')
local times = {}
for i = 1, 5000 do
  local start = vim.loop.hrtime()
  vim.fn.rpcrequest(channel, 'poll')
  times[i] = vim.loop.hrtime() - start
end
table.sort(times)
io.stdout:write(string.format('%.1f us (median of 5000)', times[2500] / 1000))
vim.fn.jobstop(channel)
vim.cmd('qall!')
"""


def neovim_poll(program):
    """The median rpcrequest('poll') round trip measured inside Neovim."""
    import shutil
    import subprocess
    import tempfile
    if shutil.which('nvim') is None:
        return 'not measured (no nvim)'
    with tempfile.NamedTemporaryFile('w', suffix='.lua', delete=False) as script:
        script.write(NEOVIM_POLL)
    try:
        result = subprocess.run(['nvim', '--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c',
                                 'luafile ' + script.name], capture_output=True, timeout=120,
                                stdin=subprocess.DEVNULL, env=dict(os.environ,
                                                                   WHOSAID_PROGRAM=program))
        return result.stdout.decode().strip() or result.stderr.decode().strip()
    finally:
        os.unlink(script.name)


def annotation_latency(host_support, lines, runs):
    """Medians of an annotate request (it analyses the buffer again and waits
    for the highlights) and of annotations_save, on LINES."""
    rows = [i for i, line in enumerate(lines) if '\u201c' in line]
    annotate, save = [], []
    host = host_support.Host()
    directory = tempfile.mkdtemp(prefix='whosaid-bench-')
    try:
        host.attach_lines(1, lines)
        for run in range(runs):
            row = rows[run % len(rows)]
            column = len(lines[row].split('\u201c')[0].encode()) + 4
            start = time.perf_counter()
            error, _, _ = host.call_serving('annotate', 1, [row, column],
                                            {'speaker': 'Speaker %d' % run})
            annotate.append(time.perf_counter() - start)
            if error is not None:
                raise SystemExit('annotate failed: %r' % (error,))
            start = time.perf_counter()
            error, _, _ = host.call_serving('annotations_save', 1,
                                            os.path.join(directory, 'a.whosaid.json'), False)
            save.append(time.perf_counter() - start)
            if error is not None:
                raise SystemExit('annotations_save failed: %r' % (error,))
    finally:
        host.kill()
        shutil.rmtree(directory, ignore_errors=True)
    return statistics.median(annotate), statistics.median(save)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--program', default=os.path.join(HERE, '..', 'build', 'bin', 'whosaid'))
    parser.add_argument('--runs', type=int, default=7)
    parser.add_argument('article', nargs='?',
                        default=os.path.join(HERE, '..', 'examples', 'port-subsidies.txt'))
    args = parser.parse_args()
    os.environ['WHOSAID_PROGRAM'] = os.path.abspath(args.program)
    import host_support  # after WHOSAID_PROGRAM is set
    with open(args.article, encoding='utf-8') as f:
        article = f.read().split('\n')
    article_20k = (article * (20000 // len('\n'.join(article)) + 1))[:2000]
    while len('\n'.join(article_20k)) > 20000:
        article_20k.pop()
    megabyte = article * (1_000_000 // len('\n'.join(article)) + 1)

    def attach(host, lines, buf=1):
        attach_id = host.request('attach', buf)
        msgid, _ = host.expect_request('nvim_create_namespace')
        host.respond(msgid, 1)
        msgid, _ = host.expect_request('nvim_buf_attach')
        host.respond(msgid, True)
        host.wait_response(attach_id)
        start = time.perf_counter()
        host.send([2, 'nvim_buf_lines_event', [buf, 1, 0, -1, lines, False]])
        msgid, _ = host.expect_request('nvim_exec_lua', timeout=60)
        elapsed = time.perf_counter() - start
        host.respond(msgid, 0)
        return elapsed

    def edit_latency(debounce):
        times = []
        host = host_support.Host('--debounce', str(debounce))
        try:
            attach(host, article_20k)
            rows = [i for i, line in enumerate(article_20k) if 'Pompeo' in line]
            for run in range(args.runs):
                # A character before a name moves its highlight: an update follows.
                row = rows[run % len(rows)]
                line = 'x' + article_20k[row]
                start = time.perf_counter()
                host.send([2, 'nvim_buf_lines_event', [1, 2 + run, row, row + 1, [line], False]])
                msgid, _ = host.expect_request('nvim_exec_lua')
                times.append(time.perf_counter() - start)
                host.respond(msgid, 0)
                article_20k[row] = line
        finally:
            host.kill()
        return statistics.median(times)

    starts, polls = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        host = host_support.Host()
        host.call('poll')
        starts.append(time.perf_counter() - start)
        for _ in range(2000):
            t = time.perf_counter()
            host.call('poll')
            polls.append(time.perf_counter() - t)
        host.kill()
    print('start to first poll answer: %7.2f ms' % (1e3 * statistics.median(starts)))
    print('poll round trip from Python: %5.1f us (median of %d)' % (
        1e6 * statistics.median(polls), len(polls)))
    print('rpcrequest round trip in Neovim: %s' % neovim_poll(os.environ['WHOSAID_PROGRAM']))
    print('20 KB article, one-character edit to highlight call:')
    print('  with the 30 ms debounce:  %7.2f ms' % (1e3 * edit_latency(30)))
    print('  host work (debounce 1 ms): %6.2f ms' % (1e3 * edit_latency(1)))

    print('20 KB article, corrections (a speaker named on the quote under a position):')
    annotate_times, save_times = annotation_latency(host_support, article_20k, args.runs)
    print('  annotate, answered after the highlight call: %6.2f ms' % (1e3 * annotate_times))
    print('  annotations_save (atomic, fsync):            %6.2f ms' % (1e3 * save_times))

    host = host_support.Host()
    try:
        first = attach(host, megabyte)
        size = len('\n'.join(megabyte).encode())
        # An edit starts a new analysis on the thread pool: polls go on meanwhile.
        host.send([2, 'nvim_buf_lines_event', [1, 2, 3, 4, ['changed'], False]])
        slowest, answered, deadline = 0.0, 0, time.perf_counter() + 0.5
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            msgid = host.request('poll')
            while True:
                message = host.read(timeout=10)
                if message[0] == 1 and message[1] == msgid:
                    break
                if message[0] == 0:  # the highlight call: answer it
                    host.respond(message[1], 0)
            slowest = max(slowest, time.perf_counter() - t)
            answered += 1
        with open('/proc/%d/status' % host.process.pid) as f:
            peak = [line for line in f if line.startswith('VmHWM')][0].split()[1]
        print('%.2f MB buffer: first highlight call %.0f ms; slowest of %d polls during an '
              'analysis %.2f ms' % (size / 1e6, 1e3 * first, answered, 1e3 * slowest))
        print('peak resident memory with that buffer: %.1f MB' % (int(peak) / 1024))
    finally:
        host.kill()


if __name__ == '__main__':
    main()
