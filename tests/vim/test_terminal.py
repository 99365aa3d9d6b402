"""test_terminal.py: the plugin in Vim in a real terminal (a tmux pane), where
the highlights and the speaker's label are drawn: after :WhoSaid on, each
quote ends with "— Speaker" as virtual text, highlighted; deleting a quote's
line in Normal mode takes its label away, and typing a new quote in Insert
mode brings one, with no command in between (the edits go to the host
through listener_add as Vim redraws, and the highlights come back while Vim
waits for keys). Each check waits for the screen to show it, up to a limit."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vim_support  # noqa: E402
from vim_support import EXAMPLE, PROGRAM, SOURCE  # noqa: E402

vim_support.require_vim()
vim_support.require_vim_host(PROGRAM)
if shutil.which('tmux') is None:
    print('skipped: no tmux on PATH (install Debian\'s tmux)')
    sys.exit(77)

LIMIT = 30  # seconds a check waits for the screen


class Terminal(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix='whosaid-tmux-')
        cls.socket = 'whosaid-test-%d' % os.getpid()
        cls.article = os.path.join(cls.directory, 'port-subsidies.txt')
        shutil.copyfile(EXAMPLE, cls.article)
        vim = ' '.join(shlex.quote(a) for a in [
            'vim', '-Nu', 'NONE', '-i', 'NONE', '-n', '--cmd', 'set rtp+=' + SOURCE,
            '--cmd', 'let g:whosaid_host_prog = ' + repr(PROGRAM),
            '--cmd', 'set encoding=utf-8', '-c', 'runtime plugin/whosaid.vim',
            '-c', 'syntax on', cls.article])
        env = vim_support.environment(cls.directory, TERM='screen', LANG='C.UTF-8',
                                      LC_ALL='C.UTF-8')
        cls.env = env
        subprocess.run(['tmux', '-L', cls.socket, '-f', '/dev/null', 'new-session', '-d',
                        '-x', '200', '-y', '60', vim], env=env, check=True, timeout=30)

    @classmethod
    def tearDownClass(cls):
        subprocess.run(['tmux', '-L', cls.socket, 'kill-server'], env=cls.env,
                       capture_output=True, timeout=30)
        shutil.rmtree(cls.directory, ignore_errors=True)

    def keys(self, *keys):
        subprocess.run(['tmux', '-L', self.socket, 'send-keys'] + list(keys), env=self.env,
                       check=True, timeout=30)

    def screen(self, escapes=False):
        # -J: a line that wraps on the screen comes whole.
        command = ['tmux', '-L', self.socket, 'capture-pane', '-p', '-J'] + (
            ['-e'] if escapes else [])
        return subprocess.run(command, env=self.env, capture_output=True, text=True,
                              check=True, timeout=30).stdout

    def wait_for(self, condition, what):
        deadline = time.monotonic() + LIMIT
        while True:
            screen = self.screen()
            if condition(screen):
                return screen
            if time.monotonic() > deadline:
                self.fail('the screen never showed %s:\n%s' % (what, screen))
            time.sleep(0.1)

    def test_labels_follow_the_quotes_and_the_edits(self):
        self.wait_for(lambda s: 'Dutch Minister Warns Hamburg' in s, 'the article')
        self.keys(':WhoSaid on', 'Enter')
        screen = self.wait_for(lambda s: '— Pieter de Wit' in s, 'the label of Pieter de Wit')
        # Each label is at the end of its quote's last line, after the text;
        # one speaker's two quotes on one line give one label.
        lines = screen.splitlines()
        self.assertTrue(any(re.search(r'will have to look at it\.” +— Helena Varga$', line)
                            for line in lines), screen)
        self.assertEqual(sum('— Helena Varga' in line for line in lines), 1, screen)
        self.assertEqual(sum('— Claire Dumont' in line for line in lines), 1, screen)
        # A label after a line that fills the screen wraps, whole.
        self.assertEqual(sum('— Jonas Albrecht' in line for line in lines), 1, screen)
        # Drawn in a colour of its own (WhoSaidAnnotation, linked to Comment).
        coloured = self.screen(escapes=True)
        self.assertRegex(coloured, r'\x1b\[[0-9;]*m *— Pieter de Wit')
        # Delete the line of de Wit's quotes in Normal mode: its label goes.
        self.keys('gg', '/Nobody in The Hague', 'Enter', 'dd')
        self.wait_for(lambda s: '— Pieter de Wit' not in s, 'no label of Pieter de Wit')
        self.assertIn('— Helena Varga', self.screen())
        # Type a new paragraph with a quote in Insert mode: a label comes.
        self.keys('G', 'o', 'Enter', '"We will not give up on this," said Senator John Smith.',
                  'Escape')
        screen = self.wait_for(lambda s: '— John Smith' in s, 'the label of John Smith')
        self.assertTrue(any(line.rstrip().endswith('Senator John Smith. — John Smith')
                            for line in screen.splitlines()), screen)
        self.keys(':qa!', 'Enter')


if __name__ == '__main__':
    unittest.main(verbosity=2)
