"""test_annotations.py: a person's corrections in a real headless Neovim
(annotations_e2e.lua makes them; this side checks the buffer, the sidecar
files and the exports), on copies of the example article:

1. assign: :WhoSaid assign Heiko Maas on a quote by Pompeo, by name and with
   the picker, completion, :write (the sidecar);
2. reopen: a new Neovim finds the correction again, exports it, keeps it
   through paragraphs added above and a reflow, and lists it as an orphan
   once the quote is deleted (the sidecar keeps it);
3. corrupt: a sidecar missing a comma is named with its line, left alone by
   :write and :WhoSaid save, and replaced by :WhoSaid! save;
4. verdicts: notquote, isquote on a Visual selection, note;
5. restart: a killed host loses no correction; a buffer with no file name;
   g:whosaid_annotations_dir.
No command may change the article's text (its changedtick)."""

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
from host_support import SEED_ARTICLE, require_seed_article  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..')))
PROGRAM = os.environ.get('WHOSAID_PROGRAM', 'whosaid')
EXAMPLE = SEED_ARTICLE  # the shared data's, not the repository's
RISK = '(There is) a risk'
GENG = 'We hope that the United States'

if shutil.which('nvim') is None:
    print('skipped: no nvim on PATH (install Debian\'s neovim)')
    sys.exit(77)
require_seed_article()


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def read_json(path):
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def copy_article(directory):
    os.makedirs(directory, exist_ok=True)
    article = os.path.join(directory, 'pompeo-huawei.txt')
    shutil.copyfile(EXAMPLE, article)
    return article


def run_neovim(phase, article, home, **env):
    """Run annotations_e2e.lua's PHASE on ARTICLE; its results."""
    result = os.path.join(home, phase + '.json')
    environment = dict(os.environ, WHOSAID_ARTICLE=article, WHOSAID_RESULT=result,
                       WHOSAID_PHASE=phase, HOME=home, XDG_CONFIG_HOME=home, XDG_DATA_HOME=home,
                       XDG_STATE_HOME=home, **env)
    process = subprocess.run(
        ['nvim', '--headless', '-u', 'NORC', '-i', 'NONE', '-n',
         '--cmd', 'set rtp+=' + SOURCE, '--cmd', 'let g:whosaid_host_prog = %s' % json.dumps(PROGRAM),
         '-c', 'luafile ' + os.path.join(HERE, 'annotations_e2e.lua')],
        env=environment, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    if not os.path.isfile(result):
        raise AssertionError('phase %s wrote no result: %s' % (phase, process.stderr.decode()))
    return read_json(result)


def find_quote(quotes, words):
    found = [q for q in quotes if words in q['text']]
    return found[0] if found else None


def corrupt(text):
    """TEXT with the comma ending its first such line (after the first)
    removed, and that line's 1-based number."""
    lines = text.split('\n')
    for number, line in enumerate(lines[1:], 2):
        if line.endswith(','):
            lines[number - 1] = line[:-1]
            return '\n'.join(lines), number
    raise AssertionError('no line ends with a comma in the sidecar:\n' + text)


class Annotations(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix='whosaid-annotations-')
        home = cls.home
        cls.article = copy_article(os.path.join(home, 'a'))
        cls.sidecar = cls.article + '.whosaid.json'
        cls.assign = run_neovim('assign', cls.article, home)
        cls.assign_sidecar = read_bytes(cls.sidecar) if os.path.isfile(cls.sidecar) else None
        cls.assign_article = read_bytes(cls.article)
        cls.reopen = run_neovim('reopen', cls.article, home)

        cls.broken_article = copy_article(os.path.join(home, 'c'))
        cls.broken = cls.broken_article + '.whosaid.json'
        cls.broken_line = None
        if cls.assign_sidecar is not None:
            text, cls.broken_line = corrupt(cls.assign_sidecar.decode('utf-8'))
            with open(cls.broken, 'w', encoding='utf-8') as f:
                f.write(text)
            cls.broken_bytes = read_bytes(cls.broken)
        cls.corrupt = run_neovim('corrupt', cls.broken_article, home)

        cls.verdicts = run_neovim('verdicts', copy_article(os.path.join(home, 'v')), home)
        cls.restarted_article = copy_article(os.path.join(home, 'r'))
        cls.annotations_dir = os.path.join(home, 'state', 'sub')
        cls.restart = run_neovim('restart', cls.restarted_article, home,
                                 WHOSAID_ANNOTATIONS_DIR=cls.annotations_dir)
        cls.phases = {'assign': cls.assign, 'reopen': cls.reopen, 'corrupt': cls.corrupt,
                      'verdicts': cls.verdicts, 'restart': cls.restart}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.home, ignore_errors=True)

    def test_every_phase_ran_without_error(self):
        for name, result in self.phases.items():
            with self.subTest(phase=name):
                self.assertIsNone(result['error'], result['messages'])

    # 1. assign ***************************************************************

    def test_assign_names_the_speaker(self):
        before = find_quote(self.assign['before'], RISK)
        after = find_quote(self.assign['after'], RISK)
        self.assertEqual((before['speaker'], before['corrected']), ('Mike Pompeo', False))
        self.assertEqual((after['speaker'], after['corrected']), ('Heiko Maas', True))
        self.assertIn('Heiko Maas', self.assign['assign_output'])
        self.assertIn('Heiko Maas (corrected by a person)', self.assign['info'])

    def test_navigation_follows_the_correction(self):
        self.assertTrue(self.assign['speaker_jump'].startswith(('Heiko Maas', 'Maas')),
                        self.assign['speaker_jump'])
        self.assertTrue(self.assign['maas_next'].startswith('\u201c(There is) a risk'),
                        self.assign['maas_next'])
        self.assertIn('Heiko Maas', self.assign['speakers'])

    def test_the_correction_is_drawn(self):
        self.assertIn(['✎ Heiko Maas', 'WhoSaidCorrection'], self.assign['virtual'])

    def test_completion(self):
        self.assertEqual(self.assign['complete_sub'], ['assign'])
        names = self.assign['complete_names']
        self.assertIn('Mike\\ Pompeo', names)       # a speaker
        self.assertIn('Heiko\\ Maas', names)        # a person who says nothing
        self.assertEqual(len(names), len(set(names)), names)
        self.assertEqual(self.assign['complete_heiko'], ['Heiko\\ Maas'])
        self.assertIn(self.article, self.assign['complete_file'])

    def test_the_picker_and_a_new_name(self):
        items = self.assign['picker_items']
        self.assertIn('Heiko Maas', items)
        self.assertIn('Geng Shuang', items)
        self.assertEqual(items[-1], 'Another name…')
        picked, cleared = self.assign['picked'], self.assign['cleared']
        self.assertEqual((picked['speaker'], picked['corrected']), ('Hua Chunying', True))
        self.assertEqual((cleared['speaker'], cleared['corrected']), ('Geng Shuang', False))

    def test_no_picker_where_there_is_no_quote(self):
        self.assertNotIn('picker_outside', self.assign)  # the name is not asked for in vain
        self.assertIn('no quote under the cursor at line 1', self.assign['assign_outside'])

    def test_write_makes_the_sidecar(self):
        self.assertIsNotNone(self.assign_sidecar, 'no sidecar after :write')
        sidecar = json.loads(self.assign_sidecar)
        self.assertEqual((sidecar['whosaid'], sidecar['version']), ('annotations', 1))
        # The cleared correction is gone: one, on the risk quote, anchored
        # at the bytes of its words.
        [annotation] = sidecar['annotations']
        self.assertEqual(annotation['speaker'], 'Heiko Maas')
        raw = read_bytes(EXAMPLE)
        self.assertEqual(raw[annotation['start']:annotation['end']].decode(), annotation['text'])
        self.assertIn(RISK, annotation['text'])
        self.assertEqual(annotation['line'], raw.count(b'\n', 0, annotation['start']))

    # 2. reopen, edits, orphans, export ****************************************

    def test_a_new_neovim_finds_the_correction(self):
        quote = self.reopen['reopened']
        self.assertEqual((quote['speaker'], quote['corrected']), ('Heiko Maas', True))

    def test_the_correction_survives_edits_above_and_a_reflow(self):
        self.assertGreater(self.reopen['reflowed_lines'], 1)
        quote = self.reopen['reflowed']
        self.assertEqual((quote['speaker'], quote['corrected']), ('Heiko Maas', True))
        self.assertGreater(quote['lnum'], find_quote(self.assign['before'], RISK)['lnum'])
        self.assertIn('no orphans', self.reopen['no_orphans_output'])

    def test_a_deleted_quote_is_an_orphan_and_stays(self):
        self.assertIsNone(self.reopen['deleted'])
        [item] = self.reopen['orphans']
        self.assertTrue(item['text'].startswith('orphan: Heiko Maas: “(There is) a risk'),
                        item['text'])
        self.assertIn('1 orphan', self.reopen['orphans_output'])
        sidecar = read_json(self.sidecar)
        [annotation] = sidecar['annotations']
        self.assertEqual(annotation['speaker'], 'Heiko Maas')
        self.assertIn(RISK, annotation['text'])
        self.assertNotIn(RISK.encode(), read_bytes(self.article))  # it was deleted

    def test_exports(self):
        directory = os.path.dirname(self.article)
        exported = read_json(os.path.join(directory, 'export.json'))
        corrected = [q for q in exported['quotes'] if q.get('corrected')]
        self.assertEqual([q['speaker'] for q in corrected], ['Heiko Maas'])
        self.assertIn(RISK, corrected[0]['text'])
        with open(os.path.join(directory, 'export.csv'), encoding='utf-8', newline='') as f:
            rows = list(csv.reader(f))
        self.assertTrue(any('Heiko Maas' in row and RISK in ' '.join(row) for row in rows), rows)
        with open(os.path.join(directory, 'export.md'), encoding='utf-8') as f:
            self.assertIn('Heiko Maas', f.read())
        for extension in ('csv', 'md', 'json'):
            with self.subTest(extension=extension):
                self.assertIn(os.path.join(directory, 'export.' + extension),
                              self.reopen['export_' + extension])
        # '%:r-export.md': the article's name without its extension.
        percent = os.path.splitext(self.article)[0] + '-export.md'
        self.assertIn(percent, self.reopen['export_percent'])
        with open(percent, encoding='utf-8') as f:
            self.assertIn('Heiko Maas', f.read())

    def test_an_export_never_replaces_the_article_or_its_sidecar(self):
        self.assertIn('where its corrections are kept', self.reopen['export_sidecar'])
        self.assertIn('is the article itself', self.reopen['export_itself'])
        self.assertEqual(self.reopen['export_itself_lines'], self.reopen['export_itself_buffer'])

    def test_an_export_counts_offsets_in_the_file(self):
        # Of a buffer whose file has "\r\n" lines and a byte order mark.
        directory = os.path.dirname(self.article)
        self.assertIn('dos.json', self.reopen['export_dos'])
        exported = read_json(os.path.join(directory, 'dos.json'))
        raw = read_bytes(os.path.join(directory, 'dos.txt'))
        self.assertTrue(raw.startswith(b'\xef\xbb\xbf'))
        self.assertTrue(any('\r\n' in q['text'] for q in exported['quotes']))  # the reflowed one
        spans = exported['entities'] + exported['quotes']
        self.assertGreater(len(spans), 40)
        for span in spans:
            self.assertEqual(raw[span['start']:span['end']].decode(), span['text'])
        # And from one whose lines end in "\r" ('fileformat' mac).
        self.assertIn('mac.json', self.reopen['export_mac'])
        exported = read_json(os.path.join(directory, 'mac.json'))
        raw = read_bytes(os.path.join(directory, 'mac.txt'))
        self.assertNotIn(b'\n', raw)
        self.assertTrue(any('\r' in q['text'] for q in exported['quotes']))
        for span in exported['entities'] + exported['quotes']:
            self.assertEqual(raw[span['start']:span['end']].decode(), span['text'])

    # 3. a corrupt sidecar ****************************************************

    def test_a_corrupt_sidecar_is_named_with_its_line(self):
        if self.broken_line is None:
            self.skipTest('no sidecar to corrupt (see test_write_makes_the_sidecar)')
        found = re.findall(re.escape(self.broken) + r':(\d+):(\d+):', self.corrupt['messages_end'])
        self.assertEqual(len(found), 1, self.corrupt['messages_end'])  # once
        self.assertIn(int(found[0][0]), (self.broken_line, self.broken_line + 1))

    def test_a_corrupt_sidecar_still_highlights(self):
        quote = find_quote(self.corrupt['quotes'], RISK)
        self.assertEqual((quote['speaker'], quote['corrected']), ('Mike Pompeo', False))
        self.assertEqual(len(self.corrupt['quotes']), len(self.assign['before']))
        self.assertGreater(self.corrupt['marks'], 0)

    def test_a_corrupt_sidecar_is_left_alone_until_replaced(self):
        if self.broken_line is None:
            self.skipTest('no sidecar to corrupt (see test_write_makes_the_sidecar)')
        corrupted = hashlib.sha256(self.broken_bytes).hexdigest()
        self.assertEqual(self.corrupt['sha_after_write'], corrupted)
        self.assertEqual(self.corrupt['sha_after_save'], corrupted)
        self.assertIn(':WhoSaid! save', self.corrupt['save_output'])
        self.assertNotEqual(self.corrupt['sha_after_force'], corrupted)
        replaced = read_json(self.broken)
        self.assertEqual((replaced['whosaid'], replaced['version']), ('annotations', 1))
        self.assertEqual([a['speaker'] for a in replaced['annotations']], ['Heiko Maas'])

    def test_corrections_after_a_failed_load_outlive_the_host(self):
        if self.broken_line is None:
            self.skipTest('no sidecar to corrupt (see test_write_makes_the_sidecar)')
        quote = self.corrupt['restored_after_failed_load']
        self.assertEqual((quote['speaker'], quote['corrected']), ('Heiko Maas', True))
        self.assertEqual(self.corrupt['sha_after_restart'],
                         hashlib.sha256(self.broken_bytes).hexdigest())

    # 4. verdicts and notes *****************************************************

    def test_notquote_removes_the_quote(self):
        before, after = self.verdicts['before'], self.verdicts['after_notquote']
        self.assertIsNotNone(find_quote(before, GENG))
        self.assertIsNone(find_quote(after, GENG))
        self.assertEqual(len(after), len(before) - 1)
        self.assertIn('not a quote', self.verdicts['info_notquote'])

    def test_isquote_on_a_selection(self):
        # The exact characters, the last one (”) whole.
        geng = find_quote(self.verdicts['before'], GENG)
        again = find_quote(self.verdicts['after_isquote'], GENG)
        self.assertIsNotNone(again, self.verdicts['isquote_output'])
        self.assertEqual(again['text'], geng['text'])
        self.assertEqual(again['verdict'], 'quote')
        self.assertEqual(len(self.verdicts['after_isquote']), len(self.verdicts['before']))
        # A line-wise selection: the whole line.
        photo = find_quote(self.verdicts['after_linewise'], 'File photo via RFERL')
        self.assertIsNotNone(photo)
        self.assertEqual((photo['col'], photo['text']), (1, self.verdicts['photo_line']))

    def test_note_shows_in_info(self):
        note = 'check the video "at 2:10"'
        self.assertIn('note: ' + note, self.verdicts['info_note'])
        self.assertEqual(self.verdicts['note_quote']['note'], note)
        self.assertNotIn('note:', self.verdicts['info_no_note'])
        self.assertIn('Mike Pompeo', self.verdicts['info_no_note'])

    def test_the_text_never_changes(self):
        ticks = [tick for result in self.phases.values() for tick in result['ticks']]
        self.assertGreater(len(ticks), 15)
        for command, before, after in ticks:
            with self.subTest(command=command):
                self.assertEqual(before, after)
        self.assertTrue(self.verdicts['unchanged'])
        self.assertFalse(self.verdicts['modified'])
        self.assertEqual(self.assign_article, read_bytes(EXAMPLE))

    # 5. a killed host, no file name, the sidecar directory *************************

    def test_a_killed_host_loses_nothing(self):
        self.assertTrue(self.restart['stopped'])
        self.assertEqual(self.restart['sidecar_before_write'], 0)  # not from the file
        quote = self.restart['restored']
        self.assertEqual((quote['speaker'], quote['corrected']), ('Heiko Maas', True))
        self.assertEqual(self.restart['running_again'], 1)
        [annotation] = read_json(self.restarted_article + '.whosaid.json')['annotations']
        self.assertEqual(annotation['speaker'], 'Heiko Maas')

    def test_a_buffer_with_no_file_name(self):
        quote = self.restart['unnamed']
        self.assertEqual((quote['speaker'], quote['corrected']), ('Heiko Maas', True))
        self.assertIn('this buffer is not a file', self.restart['unnamed_save'])

    def test_the_sidecar_directory(self):
        name = self.restart['other'].replace('/', '%')
        [annotation] = read_json(os.path.join(self.annotations_dir, name))['annotations']
        self.assertEqual(annotation['speaker'], 'Heiko Maas')
        self.assertFalse(os.path.exists(self.restart['other'] + '.whosaid.json'))


if __name__ == '__main__':
    unittest.main(verbosity=2)
