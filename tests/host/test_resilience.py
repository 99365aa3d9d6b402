"""test_resilience.py: the plugin when its host stops answering or dies, in
a real headless Neovim with the real host (resilience_e2e.lua drives it;
this side checks what happened), one Neovim per phase:

1. stall: the host stopped with SIGSTOP (while idle, and in the middle of a
   request): :WhoSaid quote next, :WhoSaid speaker, :WhoSaid on and the
   Vimscript API return within the time limit instead of hanging, with one
   message each time; the stopped host is killed; the next command starts
   a new host that answers;
2. kill: the host killed with SIGKILL while edits and highlight updates
   flow, and in the middle of a request: Neovim stays responsive, one
   message each time, and the next command brings back the highlights, the
   same as a fresh :WhoSaid on gives;
3. typing: typing while the host is dead, then while it is stopped, with
   whosaid#status() in the statusline: no message per keystroke, no wait
   per keystroke, no restart until a command.

The driver sets g:whosaid_timeout to 1 s and g:whosaid_request_timeout to
1.5 s. The time bounds are three times those: bounds on hanging, not
benchmarks. Every host pid is noted in a file as soon as it is known, and
every one still there at the end is continued and killed."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..')))
PROGRAM = os.environ.get('WHOSAID_PROGRAM', 'whosaid')
ARTICLE = os.path.join(SOURCE, 'examples', 'port-subsidies.txt')
STALLED = 'did not answer within'
STOPPED = 'the host stopped'

if shutil.which('nvim') is None:
    print('skipped: no nvim on PATH (install Debian\'s neovim)')
    sys.exit(77)
if not os.path.isdir('/proc/self'):
    print('skipped: no /proc (the driver reads process states there)')
    sys.exit(77)


def is_host(pid):
    """Whether PID is still a whosaid process (not reaped, not reused)."""
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            return b'whosaid' in f.read()
    except OSError:
        return False


def kill_hosts(pids_file):
    """Continue and kill every host the driver noted that is still there."""
    if not os.path.isfile(pids_file):
        return
    with open(pids_file) as f:
        pids = {int(line) for line in f if line.strip() and int(line) > 0}
    for pid in pids:
        if is_host(pid):
            for sig in (signal.SIGCONT, signal.SIGKILL):
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass


def run_phase(phase):
    """Run resilience_e2e.lua's PHASE in a new Neovim; its results."""
    home = tempfile.mkdtemp(prefix='whosaid-resilience-')
    result = os.path.join(home, 'result.json')
    pids = os.path.join(home, 'pids')
    env = dict(os.environ, WHOSAID_ARTICLE=ARTICLE, WHOSAID_RESULT=result, WHOSAID_PIDS=pids,
               WHOSAID_PHASE=phase, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home,
               XDG_STATE_HOME=home)
    try:
        try:
            process = subprocess.run(
                ['nvim', '--headless', '-u', 'NORC', '-i', 'NONE', '-n',
                 '--cmd', 'set rtp+=' + SOURCE,
                 '--cmd', 'let g:whosaid_host_prog = %s' % json.dumps(PROGRAM),
                 '-c', 'luafile ' + os.path.join(HERE, 'resilience_e2e.lua')],
                env=env, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise AssertionError('phase %s: Neovim hung (a stopped host was waited for '
                                 'without a limit)' % phase)
        if not os.path.isfile(result):
            raise AssertionError('phase %s wrote no result: %s' % (phase, process.stderr.decode()))
        with open(result, encoding='utf-8') as f:
            return json.load(f)
    finally:
        kill_hosts(pids)
        shutil.rmtree(home, ignore_errors=True)


class Stall(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.r = run_phase('stall')
        cls.bound = 3 * cls.r['timeout']
        cls.request_bound = 3 * cls.r['request_timeout']

    def test_ran_without_error(self):
        self.assertIsNone(self.r['error'], self.r['all_messages'])
        self.assertTrue(all(self.r['stopped']), self.r['stopped'])
        self.assertGreater(self.r['quotes_before'], 0)

    def test_quote_next_returns_within_the_limit(self):
        # It waited for the poll (the host was stopped), then gave up.
        self.assertGreaterEqual(self.r['next']['ms'], 0.5 * self.r['timeout'])
        self.assertLess(self.r['next']['ms'], self.bound, self.r['next'])
        self.assertEqual(self.r['next']['cursor'], [1, 1])  # no jump
        self.assertEqual(self.r['messages_after_stall'], 1, self.r['all_messages'])
        self.assertEqual(self.r['running_after_stall'], 0)

    def test_the_message_is_clear(self):
        message = ('whosaid: the host did not answer within 1 s and was stopped; '
                   'the next command starts it again')
        # What the command showed: that, and nothing else (no raw channel
        # error, no "no quote" echoed over it).
        self.assertEqual(self.r['next']['output'].strip(), message)
        self.assertEqual(self.r['speaker']['output'].strip(), message)
        self.assertEqual(self.r['mid_request']['output'].strip(), message.replace('1 s', '1.5 s'))
        self.assertNotIn('channel', self.r['all_messages'])

    def test_the_stopped_hosts_are_gone(self):
        self.assertEqual(len(self.r['gone']), 4)
        self.assertTrue(all(self.r['gone']), self.r['gone'])

    def test_the_next_command_starts_a_new_host(self):
        pids = self.r['pids']
        self.assertEqual(len(pids), 5)
        self.assertEqual(len(set(pids)), 5, pids)
        self.assertTrue(all(pid > 0 for pid in pids), pids)
        self.assertNotEqual(self.r['restarted']['cursor'], [1, 1])  # it jumped
        self.assertEqual(self.r['quotes_after'], self.r['quotes_before'])
        self.assertGreater(self.r['marks_after'], 0)

    def test_speaker_returns_within_the_limit(self):
        self.assertLess(self.r['speaker']['ms'], self.bound, self.r['speaker'])
        self.assertEqual(self.r['speaker']['cursor'], self.r['speaker_from'])
        self.assertTrue(self.r['speaker_line'].startswith('de Wit said'), self.r['speaker_line'])

    def test_the_api_fails_within_the_limit(self):
        self.assertFalse(self.r['api']['ok'])
        self.assertIn(STALLED, self.r['api']['error'])
        self.assertLess(self.r['api']['ms'], self.bound, self.r['api'])
        self.assertEqual(self.r['status']['text'], '')
        self.assertLess(self.r['status']['ms'], 100, self.r['status'])
        self.assertEqual(self.r['api_again'], self.r['quotes_before'])

    def test_stopped_in_the_middle_of_a_request(self):
        self.assertGreaterEqual(self.r['mid_request']['ms'], 0.5 * self.r['request_timeout'])
        self.assertLess(self.r['mid_request']['ms'], self.request_bound, self.r['mid_request'])
        self.assertLess(self.r['mid_request_again']['ms'], self.bound)
        self.assertEqual(self.r['quotes_end'], self.r['quotes_before'] + 1)

    def test_one_message_per_stall(self):
        self.assertEqual(self.r['messages_end'], 4, self.r['all_messages'])
        self.assertNotIn(STOPPED, self.r['all_messages'])
        self.assertNotIn('Error', self.r['all_messages'])


class Kill(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.r = run_phase('kill')

    def test_ran_without_error(self):
        self.assertIsNone(self.r['error'], self.r['all_messages'])
        self.assertGreater(self.r['bytes'], 64 * 1024)
        self.assertGreater(self.r['marks_before'], 0)

    def test_updates_were_flowing(self):
        self.assertGreater(self.r['updates_before_kill'], 0)

    def test_neovim_stays_responsive(self):
        self.assertLess(self.r['worst_edit_ms'], 3 * self.r['timeout'], self.r['worst_edit_ms'])

    def test_one_message_for_the_kill(self):
        self.assertTrue(all(self.r['gone']), self.r['gone'])
        self.assertEqual(self.r['running_after_kill'], 0)
        self.assertEqual(self.r['stopped_messages_after_kill'], 1, self.r['all_messages'])
        self.assertIn('whosaid: the host stopped (killed by signal 9); it restarts on the next '
                      'command', self.r['all_messages'])

    def test_the_next_command_restarts_and_highlights(self):
        pids = self.r['pids']
        self.assertEqual(len(set(pids)), len(pids), pids)
        self.assertNotEqual(self.r['restarted']['cursor'], [1, 1])
        self.assertEqual(self.r['marks_off'], 0)
        self.assertGreater(self.r['marks_restarted'], 0)

    def test_no_stale_or_doubled_extmarks(self):
        self.assertEqual(self.r['marks_restarted'], self.r['marks_fresh'])
        self.assertTrue(self.r['marks_same'])
        self.assertEqual(self.r['marks_distinct_restarted'], self.r['marks_distinct_fresh'])

    def test_killed_in_the_middle_of_a_request(self):
        self.assertEqual(self.r['mid_request']['output'].strip(),
                         'whosaid: the host stopped (killed by signal 9); it restarts on the '
                         'next command. See :checkhealth whosaid')
        self.assertLess(self.r['mid_request']['ms'], 3 * self.r['timeout'], self.r['mid_request'])
        self.assertLess(self.r['mid_request_again']['ms'], 3 * self.r['timeout'])
        self.assertGreater(self.r['marks_end'], 0)
        self.assertEqual(self.r['stopped_messages'], 2, self.r['all_messages'])
        self.assertNotIn('channel', self.r['all_messages'])
        self.assertNotIn(STALLED, self.r['all_messages'])


class Typing(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.r = run_phase('typing')

    def test_ran_without_error(self):
        self.assertIsNone(self.r['error'], self.r['all_messages'])
        self.assertTrue(all(self.r['gone']), self.r['gone'])
        self.assertNotEqual(self.r['status_before'], '')

    def test_typing_while_dead_says_nothing_more(self):
        self.assertEqual(self.r['messages_killed'], 1, self.r['all_messages'])
        self.assertEqual(self.r['messages_dead'], 0)  # none after it, while typing
        self.assertEqual(self.r['dead']['statuses'], [''])
        self.assertEqual(self.r['running_while_dead'], 0)  # only a command restarts it

    def test_typing_while_stopped_waits_once(self):
        self.assertNotEqual(self.r['status_restarted'], '')
        # One wait for the poll, not one per keystroke (100 keystrokes).
        self.assertGreaterEqual(self.r['stalled']['ms'], 0.5 * self.r['timeout'])
        self.assertLess(self.r['stalled']['ms'], 3 * self.r['timeout'] + 2000, self.r['stalled'])
        self.assertEqual(self.r['stalled']['statuses'], [''])
        self.assertEqual(self.r['messages_stalled'], 1)
        self.assertEqual(self.r['stalled_message'], 1)
        self.assertEqual(self.r['running_after_stall'], 0)



class Limit(unittest.TestCase):
    """g:whosaid_max_buffer (8000 bytes here) reaches the host."""

    @classmethod
    def setUpClass(cls):
        cls.r = run_phase('limit')

    def test_ran_without_error(self):
        self.assertIsNone(self.r['error'], self.r['all_messages'])
        self.assertGreater(self.r['bytes'], 8000)
        self.assertLess(self.r['bytes_under'], 8000)

    def test_over_the_limit_no_highlights_and_one_message(self):
        self.assertEqual(self.r['marks_over'], 0)
        self.assertEqual(self.r['marks_still_over'], 0)
        self.assertEqual(self.r['too_large_on'], 1, self.r['all_messages'])
        self.assertEqual(self.r['too_large_after_edit'], 1, self.r['all_messages'])

    def test_under_the_limit_again_highlighted(self):
        self.assertGreater(self.r['marks_under'], 10)
        self.assertEqual(self.r['too_large_end'], 1, self.r['all_messages'])

    def test_the_buffer_is_untouched(self):
        self.assertTrue(self.r['untouched'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
