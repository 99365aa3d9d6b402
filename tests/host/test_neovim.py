"""test_neovim.py: the host in a real Neovim (headless; Debian's neovim,
0.7.2 here). neovim_e2e.lua starts `whosaid host` as an RPC job, attaches
the example article, and reports the extmarks; this side checks them
against the seed article's gold: "Mike Pompeo" is a WhoSaidPerson, every
gold quote a WhoSaidQuote, the virtual text names each gold speaker; and
after an edit that inserts a quoted paragraph, the new quote and "Angela
Merkel" are highlighted and the old marks moved with the text."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
from host_support import SEED_ARTICLE, SEED_GOLD, require_seed_article  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..'))
PROGRAM = os.environ.get('WHOSAID_PROGRAM', 'whosaid')
ARTICLE = SEED_ARTICLE  # the shared data's, not the repository's
GOLD = SEED_GOLD

if shutil.which('nvim') is None:
    print('skipped: no nvim on PATH (install Debian\'s neovim)')
    sys.exit(77)
require_seed_article()


def point(raw, offset):
    """(row, byte column) of byte OFFSET."""
    row = raw.count(b'\n', 0, offset)
    return row, offset - (raw.rfind(b'\n', 0, offset) + 1)


class InNeovim(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        directory = tempfile.mkdtemp(prefix='whosaid-nvim-')
        cls.directory = directory
        article = os.path.join(directory, 'pompeo-huawei.txt')
        shutil.copy(ARTICLE, article)
        result = os.path.join(directory, 'result.json')
        env = dict(os.environ, WHOSAID_PROGRAM=PROGRAM, WHOSAID_ARTICLE=article,
                   WHOSAID_RESULT=result, HOME=directory, XDG_CONFIG_HOME=directory,
                   XDG_DATA_HOME=directory, XDG_STATE_HOME=directory)
        process = subprocess.run(
            ['nvim', '--headless', '-u', 'NONE', '-i', 'NONE', '-n',
             '-c', 'luafile ' + os.path.join(HERE, 'neovim_e2e.lua')],
            env=env, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        if process.returncode != 0:
            raise AssertionError('nvim failed (%d): %s' % (process.returncode,
                                                          process.stderr.decode()))
        with open(result, encoding='utf-8') as f:
            cls.result = json.load(f)
        with open(ARTICLE, 'rb') as f:
            cls.raw = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def marks(self, which, group):
        """(row, col, end_row, end_col) of the marks of GROUP."""
        return {(m[1], m[2], m[3]['end_row'], m[3]['end_col'])
                for m in self.result[which] if m[3].get('hl_group') == group}

    def labels(self, which):
        """{row: virtual text} of the annotations."""
        return {m[1]: ''.join(chunk[0] for chunk in m[3]['virt_text'])
                for m in self.result[which] if 'virt_text' in m[3]}

    def test_mike_pompeo_is_a_person(self):
        offset = self.raw.index(b'Mike Pompeo')
        row, col = point(self.raw, offset)
        self.assertIn((row, col, row, col + len(b'Mike Pompeo')),
                      self.marks('before', 'WhoSaidPerson'))

    def test_gold_quotes_and_speakers(self):
        if not os.path.isfile(GOLD):
            self.skipTest('the seed gold is absent: no %s' % GOLD)
        with open(GOLD, encoding='utf-8') as f:
            gold = json.load(f)
        starts = {(m[0], m[1]) for m in self.marks('before', 'WhoSaidQuote')}
        labels = self.labels('before')
        for quote in gold['quotes']:
            with self.subTest(quote=quote['text'][:40]):
                self.assertIn(point(self.raw, quote['start']), starts)
                if quote['speaker']:
                    end_row = point(self.raw, quote['end'])[0]
                    self.assertEqual(labels.get(end_row), '\u2014 ' + quote['speaker'])

    def test_an_edit_is_highlighted_live_and_old_marks_move(self):
        self.assertTrue(self.result['live'], 'the new quote was not highlighted within 5 s')
        line = self.result['text'][2].encode()
        merkel = line.index(b'Angela Merkel')
        self.assertIn((2, merkel, 2, merkel + len(b'Angela Merkel')),
                      self.marks('after', 'WhoSaidPerson'))
        self.assertIn('\u2014 Angela Merkel', self.labels('after').values())
        row, col = point(self.raw, self.raw.index(b'Mike Pompeo'))
        self.assertIn((row + 2, col, row + 2, col + len(b'Mike Pompeo')),
                      self.marks('after', 'WhoSaidPerson'))
        self.assertEqual(self.result['quotes'][0]['speaker'], 'Angela Merkel')


if __name__ == '__main__':
    unittest.main(verbosity=2)
