"""test_plugin.py: the plugin in a real headless Neovim, as a user drives it
(plugin_e2e.lua runs the commands; this side checks what happened): on the
example article, :WhoSaid on, whosaid#quotes() against the seed gold,
:WhoSaid speaker from two quotes (and again, and back with CTRL-O),
:WhoSaid quote next Pompeo, :WhoSaid mention next, the location lists; then
the host killed (the next command restarts it), a buffer that is not text,
and a 5 MB buffer; and the program missing altogether."""

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
SOURCE = os.path.abspath(os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..')))
PROGRAM = os.environ.get('WHOSAID_PROGRAM', 'whosaid')
ARTICLE = SEED_ARTICLE  # the shared data's, not the repository's
GOLD = SEED_GOLD

if shutil.which('nvim') is None:
    print('skipped: no nvim on PATH (install Debian\'s neovim)')
    sys.exit(77)
require_seed_article()


def run_neovim(program, directory):
    """Run plugin_e2e.lua with the plugin loaded from the source tree."""
    result = os.path.join(directory, 'result.json')
    env = dict(os.environ, WHOSAID_ARTICLE=ARTICLE, WHOSAID_RESULT=result, HOME=directory,
               XDG_CONFIG_HOME=directory, XDG_DATA_HOME=directory, XDG_STATE_HOME=directory)
    process = subprocess.run(
        ['nvim', '--headless', '-u', 'NORC', '-i', 'NONE', '-n',
         '--cmd', 'set rtp+=' + SOURCE, '--cmd', 'let g:whosaid_host_prog = %s' % json.dumps(program),
         '-c', 'luafile ' + os.path.join(HERE, 'plugin_e2e.lua')],
        env=env, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    with open(result, encoding='utf-8') as f:
        return json.load(f), process


class Plugin(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix='whosaid-plugin-')
        cls.result, cls.process = run_neovim(PROGRAM, cls.directory)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def test_ran_without_error(self):
        self.assertIsNone(self.result['error'], self.result['messages'])

    def test_quotes_match_the_gold(self):
        if not os.path.isfile(GOLD):
            self.skipTest('the seed gold is absent: no %s' % GOLD)
        with open(GOLD, encoding='utf-8') as f:
            gold = json.load(f)
        with open(ARTICLE, 'rb') as f:
            raw = f.read()
        found = {(q['lnum'], q['col']): q['speaker'] for q in self.result['quotes']}
        for quote in gold['quotes']:
            lnum = raw.count(b'\n', 0, quote['start']) + 1
            col = quote['start'] - (raw.rfind(b'\n', 0, quote['start']) + 1) + 1
            with self.subTest(quote=quote['text'][:40]):
                self.assertIn((lnum, col), found)
                self.assertEqual(found[(lnum, col)], quote['speaker'])
        self.assertEqual(self.result['status'], '3 speakers · 5 quotes')

    def test_entities_have_types_and_canonical_names(self):
        names = {(e['text'], e['type'], e['name']) for e in self.result['entities']}
        self.assertIn(('Pompeo', 'PER', 'Mike Pompeo'), names)
        self.assertIn(('Geng Shuang', 'PER', 'Geng Shuang'), names)

    def test_api_takes_a_buffer_and_0_for_the_current_one(self):
        r = self.result
        self.assertEqual(r['api_other'], len(r['quotes']))
        self.assertEqual(r['api_zero'], len(r['entities']))
        # From the new buffer, 0 is that buffer (not enabled), not the article.
        self.assertIn('is not enabled (:WhoSaid on)', r['api_zero_elsewhere'])
        self.assertIn("no buffer 9999", r['api_missing'])

    def test_speaker_jumps(self):
        self.assertTrue(self.result['geng'][2].startswith('Geng Shuang'), self.result['geng'])
        self.assertTrue(self.result['risk'][2].startswith('Pompeo told the news conference'),
                        self.result['risk'])
        # Again from there: the speaker's first mention (Geng Shuang has one).
        self.assertEqual(self.result['geng_again'], self.result['geng'])
        self.assertLess(self.result['risk_again'][:2], self.result['risk'][:2])
        self.assertIn('Pompeo', self.result['risk_again'][2][:12])
        # Jumps are in the jumplist: CTRL-O goes back to where one started.
        self.assertEqual(self.result['back'], [1, 1])

    def test_quote_next_visits_only_the_speakers_quotes(self):
        visited = [tuple(p) for p in self.result['pompeo_quotes']]
        pompeo = [(q['lnum'], q['col']) for q in self.result['quotes']
                  if q['speaker'] == 'Mike Pompeo']
        self.assertEqual(visited, pompeo + pompeo[:len(visited) - len(pompeo)])

    def test_mention_next(self):
        self.assertTrue(self.result['mention'][2].startswith('Pompeo'), self.result['mention'])

    def test_location_lists(self):
        self.assertEqual(len(self.result['loclist']), len(self.result['quotes']))
        self.assertTrue(self.result['loclist'][0]['text'].startswith('Mike Pompeo: '))
        self.assertEqual([item['text'].split(':')[0] for item in self.result['loclist_geng']],
                         ['Geng Shuang'])

    def test_completion(self):
        self.assertEqual(self.result['complete_sub'], ['quote', 'quotes'])
        self.assertIn('Mike\\ Pompeo', self.result['complete_names'])
        self.assertIn('Geng\\ Shuang', self.result['complete_names'])

    def test_speakers_picker(self):
        items = self.result['picker_items']
        self.assertIn('Mike Pompeo, Secretary of State (2 quotes)', items)
        self.assertIn('Geng Shuang, spokesman (1 quote)', items)
        first = [q for q in self.result['quotes']
                 if q['speaker'] == items[0].split(',')[0].split(' (')[0]][0]
        self.assertEqual(self.result['picked'], [first['lnum'], first['col']])

    def test_filetypes_enable_by_themselves(self):
        self.assertTrue(self.result['auto_enabled'])

    def test_options_and_the_done_event(self):
        groups = {m[3].get('hl_group') for m in self.result['optioned']}
        self.assertIn('WhoSaidPerson', groups)
        self.assertIn('WhoSaidQuote', groups)
        self.assertNotIn('WhoSaidLocation', groups)  # b:whosaid_types = ['PER']
        self.assertFalse(any('virt_text' in m[3] for m in self.result['optioned']))
        self.assertGreaterEqual(self.result['done'], 1)

    def test_a_killed_host_restarts_on_the_next_command(self):
        self.assertEqual(self.result['running_again'], 1)
        self.assertTrue(self.result['restarted'][2].startswith('Pompeo'))
        self.assertIn('the host stopped', self.result['messages'])

    def test_a_buffer_read_again_is_followed_again(self):
        r = self.result
        self.assertGreater(len(r['reread_fresh']), 50)
        self.assertNotEqual(r['reread_edited'], r['reread_fresh'])  # the edit showed
        self.assertTrue(r['reread_reattached'])
        self.assertTrue(r['reread_disk_reattached'])
        # :edit!: the highlights of the file, and the unsaved correction kept.
        self.assertEqual(r['reread_reverted'], r['reread_fresh'])
        corrected = [q for q in r['reread_reverted_quotes'] if q['corrected']]
        self.assertEqual([(q['speaker'], q['text'][:13]) for q in corrected],
                         [('Jane Roe', '“We hope that')])
        self.assertTrue(r['reread_next'][2].startswith(('“', '"')), r['reread_next'])
        # Changed on disk: the new quote found, the correction still on its quote.
        speakers = {q['text'][:22]: q['speaker'] for q in r['reread_disk_quotes']}
        self.assertEqual(speakers.get('"A quote added on disk'), 'John Roe', speakers)
        self.assertEqual(speakers.get('“We hope that the Unit'), 'Jane Roe', speakers)
        # The reload undone: the file's highlights again; then edits followed.
        self.assertTrue(r['reread_undo_reattached'])
        self.assertEqual(r['reread_undone'], r['reread_fresh'])
        self.assertEqual([q['speaker'] for q in r['reread_followed'][:2]],
                         ['Jane Doe', 'Mike Pompeo'])
        self.assertNotIn('not attached', r['reread_messages'])

    def test_a_buffer_that_is_not_text(self):
        self.assertIn("not a text buffer ('buftype' is prompt)", self.result['nofile_messages'])
        self.assertEqual([q['speaker'] for q in self.result['scratch_quotes']], ['Pompeo'])
        # Its corrections stay in memory, and it says where they can go.
        self.assertEqual(self.result['scratch_corrected'], 'Jane Roe')
        self.assertIn('stay in memory (:WhoSaid export keeps them', self.result['scratch_save'])

    def test_five_megabytes(self):
        self.assertGreater(self.result['big_bytes'], 5_000_000)
        self.assertEqual(self.result['big_marks_at_once'], 0)  # :WhoSaid on did not wait
        self.assertGreater(self.result['big_marks_later'], 10_000)
        self.assertGreater(self.result['big_line'], 1)  # quote next found a quote
        before, after = self.result['big_quotes']
        self.assertEqual(after, before + 1)  # the quote typed
        self.assertTrue(self.result['big_status'].endswith(' %d quotes' % before))
        self.assertEqual(self.result['big_status_typed'], self.result['big_status'])
        self.assertTrue(self.result['big_status_later'].endswith(' %d quotes' % after))
        print('5 MB: :WhoSaid on %.0f ms, quote next %.0f ms' % (
            self.result['big_on_ms'], self.result['big_next_ms']), file=sys.stderr)


class MissingProgram(unittest.TestCase):

    def test_one_clear_message(self):
        directory = tempfile.mkdtemp(prefix='whosaid-plugin-')
        try:
            result, _ = run_neovim(os.path.join(directory, 'no-such-whosaid'), directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        self.assertIn('whosaid program was not found', result['messages'])
        self.assertIn(':checkhealth whosaid', result['messages'])


if __name__ == '__main__':
    unittest.main(verbosity=2)
