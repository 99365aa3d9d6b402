"""test_help_and_health.py: the help page and :checkhealth whosaid in a real
headless Neovim. The help page must go through :helptags without an error,
define the tags the plugin is known by, and link only to tags that exist.
The health check must pass with the built program and fail, with advice on
building or setting the program, without it; both on the Lua path (which
Neovim 0.7 prefers and newer versions require) and on the Vimscript path
(autoload/health/whosaid.vim, which 0.7 uses when there is no Lua one)."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..')))
PROGRAM = os.environ.get('WHOSAID_PROGRAM') or shutil.which('whosaid') or ''
HELP = os.path.join(SOURCE, 'doc', 'whosaid.txt')
TIMEOUT = 60

if shutil.which('nvim') is None:
    print('skipped: no nvim on PATH (install Debian\'s neovim)')
    sys.exit(77)

# Links to these are ours, so they must be defined by our help page; any
# other link is to Neovim's own help.
OUR_PREFIXES = ('whosaid', 'WhoSaid', ':WhoSaid', 'g:whosaid', 'b:whosaid', '<Plug>(whosaid',
                'hl-WhoSaid')


def run_neovim(home, arguments):
    """Run a headless Neovim with no user configuration and HOME and the XDG
    directories in HOME, so that nothing of the user's is read or written."""
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, 'config'),
               XDG_DATA_HOME=os.path.join(home, 'data'),
               XDG_STATE_HOME=os.path.join(home, 'state'),
               XDG_CACHE_HOME=os.path.join(home, 'cache'))
    return subprocess.run(['nvim', '--headless', '-u', 'NONE', '-i', 'NONE', '-n'] + arguments,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def help_links(text):
    """The |links| of a help page, outside its example blocks (a line ending
    in ">" starts one; it ends at a line starting with "<" or text)."""
    links = []
    in_example = False
    for line in text.splitlines():
        if in_example:
            if line.startswith('<') or (line and not line[0].isspace()):
                in_example = False
            else:
                continue
        links += re.findall(r'\|([^\s|]+)\|', line)
        if line.endswith(' >') or line == '>' or line.endswith('\t>'):
            in_example = True
    return links


def read_tags(path):
    with open(path, encoding='utf-8') as f:
        return {line.split('\t', 1)[0] for line in f if line.strip()}


class Help(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # :helptags writes doc/tags, so it runs on a copy of doc/, not on
        # the source tree.
        cls.home = tempfile.mkdtemp(prefix='whosaid-help-')
        cls.doc = os.path.join(cls.home, 'doc')
        shutil.copytree(os.path.join(SOURCE, 'doc'), cls.doc)
        cls.process = run_neovim(cls.home, ['-c', 'helptags ' + cls.doc, '-c', 'qa!'])
        tags_file = os.path.join(cls.doc, 'tags')
        cls.tags = read_tags(tags_file) if os.path.isfile(tags_file) else set()
        with open(HELP, encoding='utf-8') as f:
            cls.text = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)

    def test_helptags_succeeds(self):
        output = self.process.stdout + self.process.stderr
        self.assertEqual(self.process.returncode, 0, output)
        self.assertEqual(self.process.stderr.strip(), '')
        # Duplicate tags (E154) and the like are messages, not exit codes.
        self.assertNotRegex(output, r'(?m)^\s*E\d+:')

    def test_defines_the_main_tags(self):
        for tag in ['whosaid.txt', 'whosaid', ':WhoSaid', 'whosaid#quotes()',
                    'whosaid#entities()', 'whosaid#status()', 'WhoSaidDone',
                    'g:whosaid_host_prog', 'g:whosaid_filetypes', '<Plug>(whosaid-speaker)',
                    '<Plug>(whosaid-next-quote)', 'whosaid-troubleshooting']:
            with self.subTest(tag=tag):
                self.assertTrue(tag in self.tags, 'no tag %s in doc/whosaid.txt' % tag)

    def test_has_the_modeline(self):
        self.assertIn('vim:tw=78:ts=8:ft=help:norl:', self.text.splitlines()[-1])

    def test_links_to_our_tags_exist(self):
        links = help_links(self.text)
        self.assertTrue(links, 'no |links| found')
        for link in links:
            if link.startswith(OUR_PREFIXES):
                with self.subTest(link=link):
                    self.assertTrue(link in self.tags, 'no tag %s in doc/whosaid.txt' % link)

    def test_links_to_neovim_tags_exist(self):
        process = run_neovim(self.home, ['-c', 'call writefile([$VIMRUNTIME], "%s")'
                                         % os.path.join(self.home, 'runtime'), '-c', 'qa!'])
        with open(os.path.join(self.home, 'runtime'), encoding='utf-8') as f:
            builtin_tags = os.path.join(f.read().strip(), 'doc', 'tags')
        if process.returncode != 0 or not os.path.isfile(builtin_tags):
            self.skipTest('Neovim\'s help tags were not found')
        builtin = read_tags(builtin_tags)
        for link in help_links(self.text):
            if not link.startswith(OUR_PREFIXES):
                with self.subTest(link=link):
                    self.assertTrue(link in builtin, 'no tag %s in Neovim\'s help' % link)


class Health(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix='whosaid-health-')
        # A runtime directory with the plugin's autoload/ and no lua/, so
        # that :checkhealth finds only health#whosaid#check().
        cls.vim_only = os.path.join(cls.home, 'vim-only')
        os.makedirs(cls.vim_only)
        shutil.copytree(os.path.join(SOURCE, 'autoload'), os.path.join(cls.vim_only, 'autoload'))
        cls.paths = {'lua': SOURCE, 'vimscript': cls.vim_only}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)

    def checkhealth(self, runtime, program):
        """The report of :checkhealth whosaid, with g:whosaid_host_prog set
        to PROGRAM and the plugin in RUNTIME."""
        report = os.path.join(self.home, 'health.txt')
        if os.path.exists(report):
            os.remove(report)
        process = run_neovim(self.home, [
            '--cmd', 'set rtp+=' + runtime,
            '--cmd', 'let g:whosaid_host_prog = %s' % json.dumps(program),
            '-c', 'checkhealth whosaid', '-c', 'w! ' + report, '-c', 'qa!'])
        self.assertTrue(os.path.isfile(report), process.stdout + process.stderr)
        with open(report, encoding='utf-8') as f:
            text = f.read()
        # Neovim's own complaints: the check was not found or threw.
        self.assertNotIn('No healthcheck found', text)
        self.assertNotIn('Failed to run healthcheck', text)
        return text

    def test_the_built_program_is_ok(self):
        if not os.access(PROGRAM, os.X_OK):
            self.skipTest('no whosaid program: set WHOSAID_PROGRAM')
        for way, runtime in self.paths.items():
            with self.subTest(way=way):
                text = self.checkhealth(runtime, PROGRAM)
                # ("- OK: message" until Neovim 0.9, "- OK message" after.)
                self.assertRegex(text, r'OK:? program: ' + re.escape(PROGRAM))
                self.assertRegex(text, r'OK:? version: whosaid \d')
                self.assertRegex(text, r'OK:? the host answers poll: "ok"')
                self.assertIn('the model finds entities', text)
                self.assertNotIn('ERROR', text)
                self.assertNotIn('deprecated', text)  # health#report_* in Neovim 0.10

    def test_a_missing_program_is_an_error_with_advice(self):
        missing = os.path.join(self.home, 'no-such-dir', 'whosaid')
        for way, runtime in self.paths.items():
            with self.subTest(way=way):
                text = self.checkhealth(runtime, missing)
                self.assertRegex(text, r'ERROR:? g:whosaid_host_prog is .*no-such-dir')
                self.assertNotIn('deprecated', text)
                advice = text[text.index('ERROR'):]
                self.assertIn('ADVICE', advice)
                self.assertIn('cmake --build build', advice)
                self.assertIn('g:whosaid_host_prog', advice.split('ADVICE', 1)[1])
                # Without a program there is no host to ask.
                self.assertNotIn('poll', text)


if __name__ == '__main__':
    unittest.main(verbosity=2)
