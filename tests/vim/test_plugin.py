"""test_plugin.py: the plugin in Vim (vim -Nu NONE -es), driven by
plugin_e2e.vim as a user would drive it, and compared with what the same
script gives in a headless Neovim on the same article: the quotes, the
speakers, the highlights (text properties in Vim, extmarks in Neovim) and
the labels, the jumps of :WhoSaid speaker, quote next/prev and mention
next, the location lists, and after edits (the highlights follow, through
listener_add), a correction, a killed host. The Vim side is also checked on
its own (against the seed gold, as test_plugin.py checks Neovim), so that it
runs where there is no Neovim. Then a missing program, and :WhoSaid health."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vim_support  # noqa: E402
from vim_support import ARTICLE, GOLD, PROGRAM, SOURCE  # noqa: E402

vim_support.require_vim()
vim_support.require_vim_host(PROGRAM)
vim_support.require_seed_article()

NEOVIM = shutil.which('nvim') is not None
QUOTE_KEYS = ('lnum', 'col', 'end_lnum', 'end_col', 'text', 'speaker', 'speaker_lnum',
              'speaker_col', 'corrected', 'verdict', 'note')


def quotes(items):
    return [{key: q.get(key) for key in QUOTE_KEYS} for q in items]


def marks(result):
    """Highlights and labels as sorted tuples, to compare."""
    return (sorted(tuple(s) for s in result['spans']),
            sorted(tuple(label) for label in result['labels']))


class Vim(unittest.TestCase):
    """The scenarios in Vim, checked on their own."""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix='whosaid-vim-')
        cls.vim, cls.process = vim_support.run_driver('vim', PROGRAM, cls.directory)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def test_ran_without_error(self):
        self.assertIsNone(self.vim['error'], self.vim['messages'])
        self.assertEqual(self.vim['editor'], 'vim')
        self.assertEqual(self.vim['enabled'], 1)

    def test_quotes_match_the_gold(self):
        if not os.path.isfile(GOLD):
            self.skipTest('the seed gold is absent: no %s' % GOLD)
        with open(GOLD, encoding='utf-8') as f:
            gold = json.load(f)
        with open(ARTICLE, 'rb') as f:
            raw = f.read()
        found = {(q['lnum'], q['col']): q['speaker'] for q in self.vim['quotes']}
        for quote in gold['quotes']:
            lnum = raw.count(b'\n', 0, quote['start']) + 1
            col = quote['start'] - (raw.rfind(b'\n', 0, quote['start']) + 1) + 1
            with self.subTest(quote=quote['text'][:40]):
                self.assertIn((lnum, col), found)
                self.assertEqual(found[(lnum, col)], quote['speaker'])

    def test_status(self):
        self.assertEqual(self.vim['status'], '3 speakers · 5 quotes')

    def test_api_takes_a_buffer_and_0_for_the_current_one(self):
        self.assertEqual(self.vim['api_other'], self.vim['quotes'])
        self.assertEqual(self.vim['api_zero'], self.vim['quotes'])
        self.assertIn('is not enabled (:WhoSaid on)', self.vim['api_zero_elsewhere'])

    def test_highlights_are_text_properties_of_the_groups(self):
        spans, labels = marks(self.vim['marks'])
        groups = {s[4] for s in spans}
        self.assertTrue({'WhoSaidPerson', 'WhoSaidQuote', 'WhoSaidSpeaker',
                         'WhoSaidOrganization', 'WhoSaidLocation'} <= groups, groups)
        # Every quote's first line is highlighted from its first byte.
        starts = {(s[0], s[1]) for s in spans if s[4] == 'WhoSaidQuote'}
        for quote in self.vim['quotes']:
            self.assertIn((quote['lnum'], quote['col']), starts)
        # Each quote with a speaker ends with "— Speaker" after its last line.
        expected = sorted((q['end_lnum'], '— ' + q['speaker'], 'WhoSaidAnnotation')
                          for q in self.vim['quotes'] if q['speaker'])
        self.assertEqual(labels, expected)

    def test_speaker_jumps(self):
        r = self.vim
        self.assertTrue(r['geng'][2].startswith('Geng Shuang'), r['geng'])
        self.assertTrue(r['risk'][2].startswith('Pompeo told the news conference'), r['risk'])
        self.assertEqual(r['geng_again'], r['geng'])
        self.assertLess(r['risk_again'][:2], r['risk'][:2])
        self.assertIn('Pompeo', r['risk_again'][2][:12])
        self.assertEqual(r['back'], [1, 1])

    def test_quote_next_and_prev(self):
        r = self.vim
        starts = [[q['lnum'], q['col']] for q in r['quotes']]
        self.assertEqual(r['next_quotes'], starts + starts[:1])
        self.assertEqual(r['prev_quotes'], starts[::-1][:3])
        pompeo = [[q['lnum'], q['col']] for q in r['quotes'] if q['speaker'] == 'Mike Pompeo']
        self.assertEqual(r['pompeo_quotes'], (pompeo * 4)[:4])

    def test_plug_mappings(self):
        r = self.vim
        starts = [[q['lnum'], q['col']] for q in r['quotes']]
        self.assertEqual(r['plug_next'], starts[0])
        self.assertEqual(r['plug_next2'], starts[2])
        grenell = [q for q in r['quotes'] if q['speaker'] == 'Richard A. Grenell'][0]
        self.assertEqual(r['plug_speaker'], [grenell['speaker_lnum'], grenell['speaker_col']])

    def test_mentions(self):
        self.assertTrue(self.vim['mention'][2].startswith('Pompeo'), self.vim['mention'])
        mentions = self.vim['loclist_mentions']
        self.assertGreater(len(mentions), 3)
        # Each with the words around it, as :vimgrep lists a match.
        self.assertTrue(all('Pompeo' in text for _, _, text in mentions), mentions)
        self.assertEqual(len({text for _, _, text in mentions}), len(mentions), mentions)
        self.assertIn('Secretary of State Mike Pompeo has again', [t for _, _, t in mentions][1])

    def test_location_lists(self):
        r = self.vim
        self.assertEqual(len(r['loclist']), len(r['quotes']))
        self.assertTrue(r['loclist'][0]['text'].startswith('Mike Pompeo: '))
        self.assertEqual([(i['lnum'], i['col']) for i in r['loclist']],
                         [(q['lnum'], q['col']) for q in r['quotes']])
        self.assertEqual([item['text'].split(':')[0] for item in r['loclist_geng']],
                         ['Geng Shuang'])

    def test_completion(self):
        self.assertEqual(self.vim['complete_sub'], ['quote', 'quotes'])
        self.assertIn('Mike\\ Pompeo', self.vim['complete_names'])

    def test_speakers_picker_with_inputlist(self):
        first = [q for q in self.vim['quotes'] if q['speaker'] == 'Mike Pompeo'][0]
        self.assertEqual(self.vim['picked'], [first['lnum'], first['col']])

    def test_an_edit_updates_the_highlights(self):
        r = self.vim
        # The new paragraph's quote is found, with its speaker, and highlighted.
        smith = [q for q in r['edited_quotes'] if q['text'].startswith('"We will not give up')]
        self.assertEqual(len(smith), 1, r['edited_quotes'])
        self.assertIn('Smith', smith[0]['speaker'] or '')
        spans, labels = marks(r['edited_marks'])
        self.assertIn((smith[0]['lnum'], 1, smith[0]['lnum'], smith[0]['end_col'],
                       'WhoSaidQuote'), spans)
        self.assertIn((smith[0]['lnum'], '— ' + smith[0]['speaker'], 'WhoSaidAnnotation'),
                      labels)
        # The line that moved right: its quote's highlight moved with it.
        geng = [q for q in r['edited_quotes'] if q['speaker'] == 'Geng Shuang'][0]
        self.assertEqual(geng['col'], 1 + len('Then: '))
        self.assertIn((geng['lnum'], geng['col']), {(s[0], s[1]) for s in spans
                                                    if s[4] == 'WhoSaidQuote'})
        # A line added above, a quote changed below, in one batch: still
        # every quote highlighted where the host has it.
        spans2, _ = marks(r['edited2_marks'])
        starts = {(s[0], s[1]) for s in spans2 if s[4] == 'WhoSaidQuote'}
        for quote in r['edited2_quotes']:
            self.assertIn((quote['lnum'], quote['col']), starts)
            self.assertIn(quote['text'][:1], '"“')
        # The deleted paragraph's quote and label are gone.
        self.assertNotIn('Geng Shuang', [q['speaker'] for q in r['deleted_quotes']])
        self.assertNotIn('— Geng Shuang', [label[1] for label in r['deleted_marks']['labels']])
        self.assertEqual(len(r['deleted_quotes']), len(r['edited2_quotes']) - 1)
        # Typed in Insert mode: the new quote appears.
        self.assertEqual(len(r['typed_quotes']), len(r['deleted_quotes']) + 1)
        self.assertTrue(any(q['text'] == '"We will fight on."' for q in r['typed_quotes']))

    def test_bytes_that_are_not_utf8_keep_the_highlights_on_their_bytes(self):
        r = self.vim
        (maria_lnum, maria_col), (lopez_lnum, lopez_col) = r['invalid_lopez']
        for key, shift in (('invalid', 0), ('invalid_edited', 2)):  # 2 bytes typed in front
            with self.subTest(state=key):
                spans, _ = marks(r[key + '_marks'])
                quote, = r[key + '_quotes']
                self.assertEqual((quote['lnum'], quote['col']), (3, 3 + shift))  # after "\xff "
                self.assertEqual(quote['speaker'], 'Maria Lopez')
                self.assertIn((maria_lnum, maria_col, maria_lnum, maria_col + len('Maria Lopez'),
                               'WhoSaidPerson'), spans)
                self.assertIn((3, 3 + shift, 3, quote['end_col'], 'WhoSaidQuote'), spans)
                self.assertIn((lopez_lnum, lopez_col + shift), {s[:2] for s in spans
                                                                if s[4] == 'WhoSaidSpeaker'})

    def test_undo_brings_the_highlights_back_once(self):
        self.assertGreater(len(self.vim['undo_before']['labels']), 3)
        self.assertEqual(marks(self.vim['undo_after']), marks(self.vim['undo_before']))

    def test_a_correction_shows_as_the_marker_and_the_name(self):
        r = self.vim
        corrected = [q for q in r['assigned_quotes'] if q['corrected']]
        self.assertEqual([q['speaker'] for q in corrected], ['Heiko Maas'])
        labels = [tuple(label) for label in r['assigned_marks']['labels']]
        self.assertIn((corrected[0]['end_lnum'], '✎ Heiko Maas', 'WhoSaidCorrection'), labels)
        self.assertNotIn('✎ Heiko Maas', [label[1] for label in r['unassigned_marks']['labels']])

    def test_info_notquote_isquote_and_export(self):
        r = self.vim
        self.assertIn('Heiko Maas (corrected by a person)', r['info_corrected'])
        self.assertIn('a quote by Mike Pompeo', r['info'])
        self.assertIn('not a direct quote: one or two words inside a sentence', r['info_scare'])
        self.assertEqual(r['info_name'].strip(), 'whosaid: PER Heiko Maas')
        self.assertEqual(r['notquote_count'], len(r['typed_quotes']) - 1)
        self.assertEqual(r['isquote_count'], len(r['typed_quotes']))
        self.assertIn('quote', r['isquote_verdicts'])
        self.assertTrue(r['export'][0].startswith('speaker,role,quote'), r['export'][:1])
        self.assertEqual(len(r['export']), len(r['typed_quotes']) + 1)

    def test_a_correction_is_kept_in_the_sidecar(self):
        sidecar = self.vim['sidecar']
        self.assertIsNotNone(sidecar, 'no sidecar written on :write')
        self.assertEqual([a.get('speaker') for a in sidecar['annotations']], ['Heiko Maas'])

    def test_a_host_that_stops_answering(self):
        r = self.vim
        # The command gave up (the cursor stayed), with one message.
        self.assertFalse(r['hung'][2].startswith('Pompeo'), r['hung'])
        self.assertEqual(r['hung_running'], 0)
        self.assertEqual(r['messages'].count('did not answer within 500 ms'), 1, r['messages'])
        # The next command started a new host, and it answered.
        self.assertTrue(r['after_hang'][2].startswith('Pompeo'), r['after_hang'])
        self.assertEqual(r['after_hang_new_pid'], 1)

    def test_options_and_the_done_event(self):
        spans, labels = marks(self.vim['optioned'])
        groups = {s[4] for s in spans}
        self.assertIn('WhoSaidPerson', groups)
        self.assertIn('WhoSaidQuote', groups)
        self.assertNotIn('WhoSaidLocation', groups)  # b:whosaid_types = ['PER']
        self.assertEqual(labels, [])                  # b:whosaid_virtual_text = 0
        self.assertGreaterEqual(self.vim['done'], 1)
        self.assertEqual(self.vim['off_marks'], {'spans': [], 'labels': []})
        self.assertEqual(self.vim['toggled_on'][0], 1)
        self.assertGreater(self.vim['toggled_on'][1], 10)
        self.assertEqual(self.vim['toggled_off'], [0, 0])
        self.assertEqual(self.vim['off_again'], ['', 0])

    def test_filetypes_enable_by_themselves(self):
        self.assertEqual(self.vim['auto_enabled'], 1)
        self.assertEqual(self.vim['scratch_auto'], [0, ''])  # files only, and no message

    def test_emptied_and_filled_again(self):
        r = self.vim
        self.assertEqual(r['emptied_quotes'], 0)
        self.assertEqual([(q['lnum'], q['col'], q['speaker']) for q in r['refilled_quotes']],
                         [(3, 1, 'Jane Doe')])
        self.assertIn([3, '— Jane Doe', 'WhoSaidAnnotation'], r['refilled_marks']['labels'])

    def test_a_killed_host_restarts_on_the_next_command(self):
        r = self.vim
        self.assertEqual(r['stopped'], 1)
        self.assertEqual(r['running_again'], 1)
        self.assertEqual(r['new_pid'], 1)
        self.assertTrue(r['restarted'][2].startswith('Pompeo'), r['restarted'])
        self.assertEqual(r['messages'].count('the host stopped'), 1, r['messages'])
        # The new host's highlights, drawn afresh, are the old ones.
        self.assertEqual(marks(r['restarted_marks']), marks(r['unassigned_marks']))

    def test_a_buffer_read_again_is_followed_again(self):
        r = self.vim
        self.assertGreater(len(r['reread_fresh']['spans']), 50)
        self.assertNotEqual(marks(r['reread_edited']), marks(r['reread_fresh']))
        self.assertTrue(r['reread_reattached'])
        self.assertEqual(marks(r['reread_reverted']), marks(r['reread_fresh']))  # :edit!
        corrected = [(q['speaker'], q['text'][:13]) for q in r['reread_reverted_quotes']
                     if q['corrected']]
        self.assertEqual(corrected, [('Jane Roe', '“We hope that')])
        self.assertTrue(r['reread_next'][2].startswith(('“', '"')), r['reread_next'])
        self.assertTrue(r['reread_disk_reattached'])  # changed on disk
        speakers = {q['text'][:22]: q['speaker'] for q in r['reread_disk_quotes']}
        self.assertEqual(speakers.get('"A quote added on disk'), 'John Roe', speakers)
        self.assertEqual(speakers.get('“We hope that the Unit'), 'Jane Roe', speakers)
        self.assertTrue(r['reread_undo_reattached'])  # that reload undone
        self.assertEqual(marks(r['reread_undone']), marks(r['reread_fresh']))
        self.assertEqual([q['speaker'] for q in r['reread_followed'][:2]],
                         ['Jane Doe', 'Mike Pompeo'])
        # Unloaded (the host forgets it), then loaded again: attached again.
        self.assertEqual(r['reread_unloaded_attached'], 0)
        self.assertTrue(r['reread_loaded_attached'])
        self.assertEqual(quotes(r['reread_loaded_quotes']), quotes(r['reread_disk_quotes']))

    def test_a_buffer_that_is_not_text(self):
        self.assertIn("not a text buffer ('buftype' is prompt)", self.vim['nofile_messages'])
        self.assertEqual([q['speaker'] for q in self.vim['scratch_quotes']], ['Pompeo'])


@unittest.skipUnless(NEOVIM, 'no nvim on PATH: nothing to compare with')
class SameAsNeovim(unittest.TestCase):
    """The same script in Vim and in Neovim gives the same results."""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix='whosaid-vim-nvim-')
        cls.vim, _ = vim_support.run_driver('vim', PROGRAM, cls.directory)
        cls.nvim, _ = vim_support.run_driver('nvim', PROGRAM, cls.directory)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def test_both_ran(self):
        self.assertIsNone(self.nvim['error'], self.nvim['messages'])
        self.assertIsNone(self.vim['error'], self.vim['messages'])

    def test_filetypes(self):
        self.assertEqual(self.nvim['auto_enabled'], 1)
        self.assertEqual(self.nvim['scratch_auto'], [0, ''])

    def test_toggle(self):
        self.assertEqual(self.nvim['toggled_on'], self.vim['toggled_on'])
        self.assertEqual(self.nvim['toggled_off'], [0, 0])
        self.assertEqual(self.nvim['off_again'], ['', 0])

    def test_same_quotes_and_speakers(self):
        self.assertEqual(quotes(self.vim['quotes']), quotes(self.nvim['quotes']))
        self.assertEqual(self.vim['entities'], self.nvim['entities'])
        self.assertEqual(self.vim['status'], self.nvim['status'])

    def test_same_highlights_and_labels(self):
        for key in ('marks', 'edited_marks', 'edited2_marks', 'deleted_marks', 'typed_marks',
                    'assigned_marks', 'unassigned_marks', 'optioned', 'restarted_marks',
                    'reread_fresh', 'reread_reverted', 'reread_undone', 'undo_after',
                    'refilled_marks', 'invalid_marks', 'invalid_edited_marks'):
            with self.subTest(state=key):
                vim_spans, vim_labels = marks(self.vim[key])
                nvim_spans, nvim_labels = marks(self.nvim[key])
                self.assertEqual(vim_spans, nvim_spans)
                self.assertEqual(vim_labels, nvim_labels)

    def test_same_quotes_after_edits(self):
        for key in ('edited_quotes', 'edited2_quotes', 'deleted_quotes', 'typed_quotes',
                    'assigned_quotes', 'refilled_quotes', 'reread_reverted_quotes',
                    'reread_disk_quotes', 'reread_followed', 'reread_loaded_quotes',
                    'invalid_quotes', 'invalid_edited_quotes'):
            with self.subTest(state=key):
                self.assertEqual(quotes(self.vim[key]), quotes(self.nvim[key]))

    def test_same_jumps(self):
        for key in ('geng', 'geng_again', 'risk', 'risk_again', 'back', 'pompeo_quotes',
                    'next_quotes', 'prev_quotes', 'mention', 'mention_prev', 'picked',
                    'restarted', 'hung', 'after_hang', 'plug_next', 'plug_next2',
                    'plug_speaker'):
            with self.subTest(jump=key):
                self.assertEqual(self.vim[key], self.nvim[key])

    def test_same_sidecar(self):
        def kept(result):
            return [{k: a.get(k) for k in ('text', 'start', 'end', 'line', 'speaker')}
                    for a in result['sidecar']['annotations']]
        self.assertEqual(kept(self.vim), kept(self.nvim))

    def test_same_lists_and_completion(self):
        for key in ('loclist', 'loclist_geng', 'loclist_mentions', 'complete_sub',
                    'complete_names', 'info', 'info_corrected', 'info_scare', 'info_name', 'export',
                    'isquote_verdicts'):
            with self.subTest(key=key):
                self.assertEqual(self.vim[key], self.nvim[key])


class LargeBuffer(unittest.TestCase):
    """2 MB: some 50,000 highlights come in one message of megabytes, which
    Vim's own JSON channel mode dropped now and then (it gives a message 100
    ms to come whole); every quote is highlighted and the jumps work."""

    def test_two_megabytes(self):
        directory = tempfile.mkdtemp(prefix='whosaid-vim-big-')
        try:
            result, _ = vim_support.run_driver(
                'vim', PROGRAM, directory, driver=os.path.join(vim_support.HERE, 'big_e2e.vim'))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        self.assertIsNone(result['error'], result['messages'])
        self.assertGreater(result['bytes'], 2_000_000)
        self.assertGreater(result['props'], 40_000)
        self.assertEqual(result['quote_props'], result['quote_lines'])
        self.assertEqual(result['label_props'], result['with_speaker'])
        self.assertEqual(result['next'], result['first'])


    def test_over_the_size_limit_and_back(self):
        directory = tempfile.mkdtemp(prefix='whosaid-vim-limit-')
        try:
            result, _ = vim_support.run_driver(
                'vim', PROGRAM, directory,
                driver=os.path.join(vim_support.HERE, 'limit_e2e.vim'))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        self.assertIsNone(result['error'], result['messages'])
        self.assertGreater(result['bytes'], 2048)
        self.assertEqual(result['over_props'], 0)
        self.assertEqual(result['over_messages'].count('too large'), 1, result['over_messages'])
        self.assertLess(result['under_bytes'], 2048)
        self.assertGreater(result['under_props'], 0)
        self.assertEqual(result['under_props'], result['quotes'])


class MissingProgramAndHealth(unittest.TestCase):

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix='whosaid-vim-')

    def tearDown(self):
        shutil.rmtree(self.directory, ignore_errors=True)

    def test_a_missing_program_is_one_clear_message(self):
        result, _ = vim_support.run_driver(
            'vim', os.path.join(self.directory, 'no-such-whosaid'), self.directory)
        self.assertIn('whosaid program was not found', result['messages'])
        self.assertIn(':WhoSaid health', result['messages'])
        self.assertEqual(result['messages'].count('whosaid program was not found'), 1)

    def health(self, program):
        report = os.path.join(self.directory, 'health.txt')
        subprocess.run(
            ['vim', '-Nu', 'NONE', '-es', '-i', 'NONE', '-n', '--cmd', 'set encoding=utf-8',
             '--cmd', 'set rtp+=' + SOURCE,
             '--cmd', 'let g:whosaid_host_prog = %s' % json.dumps(program),
             '-c', 'runtime plugin/whosaid.vim', '-c', 'WhoSaid health',
             '-c', 'call writefile(getline(1, "$"), %s)' % json.dumps(report), '-c', 'qa!'],
            env=vim_support.environment(self.directory), capture_output=True, timeout=60,
            stdin=subprocess.DEVNULL)
        with open(report, encoding='utf-8') as f:
            return f.read()

    def test_health_with_the_built_program(self):
        if not os.access(PROGRAM, os.X_OK):
            self.skipTest('no whosaid program: set WHOSAID_PROGRAM')
        text = self.health(PROGRAM)
        self.assertIn('OK: Vim 9.', text)
        self.assertIn('OK: program: ' + PROGRAM, text)
        self.assertIn('OK: the host answers poll: "ok"', text)
        self.assertIn('OK: the model finds entities: true', text)
        self.assertNotIn('ERROR', text)

    def test_the_help_page_in_vim(self):
        doc = os.path.join(self.directory, 'doc')
        shutil.copytree(os.path.join(SOURCE, 'doc'), doc)
        process = subprocess.run(
            ['vim', '-Nu', 'NONE', '-es', '-i', 'NONE', '-n', '-c', 'helptags ' + doc,
             '-c', 'redir! > %s | messages | redir END' % os.path.join(self.directory, 'm.txt'),
             '-c', 'qa!'], env=vim_support.environment(self.directory), capture_output=True,
            text=True, timeout=60, stdin=subprocess.DEVNULL)
        with open(os.path.join(self.directory, 'm.txt'), encoding='utf-8') as f:
            messages = f.read()
        self.assertNotRegex(messages + process.stdout + process.stderr, r'E\d+:')
        with open(os.path.join(doc, 'tags'), encoding='utf-8') as f:
            tags = {line.split('\t', 1)[0] for line in f}
        for tag in ('whosaid-vim', ':WhoSaid-health', 'whosaid-requirements', ':WhoSaid'):
            self.assertIn(tag, tags)

    def test_health_without_the_program(self):
        text = self.health(os.path.join(self.directory, 'nowhere', 'whosaid'))
        self.assertRegex(text, r'ERROR: g:whosaid_host_prog is .*nowhere')
        self.assertIn('ADVICE', text)
        self.assertNotIn('poll', text)


if __name__ == '__main__':
    unittest.main(verbosity=2)
