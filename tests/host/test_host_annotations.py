"""test_host_annotations.py: a person's corrections through `whosaid host`
(doc/host.md, "Annotations"), with this test playing Neovim on the seed
article (from the shared data; skipped without it): a corrected speaker in quotes, speakers, speaker_of, quote_near and
the virtual text (WhoSaidCorrection), and cleared again; not_quote and quote
verdicts; notes; annotations that follow edits, become orphans and come
back; a large buffer analysed in the background with the corrections;
sidecars saved and loaded by a fresh host; a corrupt sidecar that blocks
saving until forced; writes that fail (a read-only directory, the file-size
limit) and a host killed while saving, none of which leaves a broken file;
and export."""

import json
import os
import re
import resource
import shutil
import sys
import tempfile
import textwrap
import time
import unittest

sys.dont_write_bytecode = True
from host_support import SEED_ARTICLE, Host, require_seed_article  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..')))
require_seed_article()
with open(SEED_ARTICLE, encoding='utf-8') as f:
    ARTICLE = f.read().split('\n')  # Neovim's lines (the file ends without a newline)


def at(row, text):
    """[row, col] of TEXT in ARTICLE's line ROW (columns in bytes)."""
    return [row, ARTICLE[row].encode().index(text.encode())]


def span(row, text):
    row, col = at(row, text)
    return [row, col, row, col + len(text.encode())]


THEY = at(4, '\u201cThey [Germany]')  # quote 0: Pompeo's, by the engine
MAAS = span(4, 'Heiko Maas')  # named before that quote
HOPE = at(18, '\u201cWe hope')  # quote 4: Geng Shuang's
ALARM = at(14, '"likely to cause alarm')  # quote 3: no speaker found
BACK_DOOR = at(8, '"back door"')  # a scare quote, not a direct quote
WARNING = span(2, 'they could be cut off from crucial US intelligence sharing')  # unquoted


class AnnotationTestCase(unittest.TestCase):

    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix='whosaid-annotations-')
        self.addCleanup(shutil.rmtree, self.directory, True)
        self.host = self.start()
        self.tick = 2
        self.updates = []

    def start(self, lines=ARTICLE, **options):
        """A host with buffer 1 attached to LINES."""
        host = Host('--debounce', '5', **options)
        self.addCleanup(host.kill)
        self.addCleanup(self.finish, host)
        host.attach_lines(1, lines)
        return host

    def finish(self, host):
        """A host not killed must exit cleanly, and say nothing of its memory
        (under the sanitizers: no leak, no undefined behaviour)."""
        if host.process.poll() is not None:
            return
        status = host.close(timeout=60)
        errors = host.stderr()
        self.assertEqual(status, 0, errors)
        self.assertNotIn('runtime error', errors)
        self.assertNotIn('Sanitizer', errors)

    def path(self, name):
        return os.path.join(self.directory, name)

    def call(self, method, *params, host=None):
        """(error, result); the additions of the highlight updates that came
        before the answer are in self.updates."""
        error, result, self.updates = (host or self.host).call_serving(method, *params)
        return error, result

    def ok(self, method, *params, host=None):
        error, result = self.call(method, *params, host=host)
        self.assertIsNone(error, '%s%r' % (method, params))
        return result

    def quotes(self, host=None):
        return self.ok('quotes', 1, host=host)

    def quote_on(self, row, host=None):
        found = [q for q in self.quotes(host) if q['range'][0] == row]
        self.assertEqual(len(found), 1, 'one quote on row %d' % row)
        return found[0]

    def virtual_texts(self):
        """The virtual texts of the last updates: (row, text, group)."""
        texts = []
        for additions in self.updates:
            for add in additions:
                if len(add) == 4:
                    texts.append((add[1], add[3], 'WhoSaidAnnotation'))
                elif len(add) == 5:
                    texts.append((add[1], add[3], add[4]))
        return texts

    def edit(self, first, last, lines):
        """An nvim_buf_lines_event: lines [FIRST, LAST) replaced by LINES."""
        self.tick += 1
        self.host.send([2, 'nvim_buf_lines_event', [1, self.tick, first, last, lines, False]])

    def read_bytes(self, path):
        with open(path, 'rb') as f:
            return f.read()


class Corrections(AnnotationTestCase):

    def test_a_corrected_speaker_is_everywhere_until_cleared(self):
        result = self.ok('annotate', 1, THEY, {'speaker': 'Heiko Maas'})
        self.assertEqual(result['annotation']['speaker'], 'Heiko Maas')
        self.assertEqual(result['annotation']['id'], result['id'])
        self.assertIn('Heiko Maas', json.dumps(json.loads(result['sidecar'])))
        # The highlights came before the answer: the name after the quote is
        # now a correction (its marker is added in Neovim).
        self.assertIn((4, 'Heiko Maas', 'WhoSaidCorrection'), self.virtual_texts())
        quote = self.quote_on(4)
        self.assertEqual((quote['speaker'], quote['corrected'], quote['verdict'], quote['note']),
                         ('Heiko Maas', True, None, None))
        speakers = {s['name']: s for s in self.ok('speakers', 1)}
        self.assertEqual(speakers['Heiko Maas']['quotes'], [0])
        self.assertEqual(speakers['Mike Pompeo']['quotes'], [1])
        of = self.ok('speaker_of', 1, *THEY)
        self.assertEqual((of['speaker'], of['corrected'], of['mention'], of['kind']),
                         ('Heiko Maas', True, None, None))
        self.assertEqual(of['named'], MAAS)  # the nearest mention by name before the quote
        near = self.ok('quote_near', 1, 0, 0, 1, 'Heiko Maas')
        self.assertEqual(near['range'][:2], THEY)
        # Cleared: the machine's speaker again, and the annotation is gone.
        result = self.ok('annotate', 1, [4, THEY[1] + 10], {'speaker': ''})
        self.assertEqual((result['id'], result['annotation']), (None, None))
        self.assertIn((4, '\u2014 Mike Pompeo', 'WhoSaidAnnotation'), self.virtual_texts())
        quote = self.quote_on(4)
        self.assertEqual((quote['speaker'], quote['corrected']), ('Mike Pompeo', False))
        self.assertTrue(self.ok('speaker_of', 1, *THEY)['mention'])
        self.assertEqual(self.ok('annotations', 1), [])

    def test_a_speaker_the_article_never_names(self):
        self.ok('annotate', 1, ALARM, {'speaker': 'Jane Doe'})
        of = self.ok('speaker_of', 1, *ALARM)
        self.assertEqual((of['speaker'], of['corrected'], of['named'], of['first']),
                         ('Jane Doe', True, None, None))
        speakers = {s['name']: s for s in self.ok('speakers', 1)}
        self.assertIsNone(speakers['Jane Doe']['first'])
        self.assertEqual(speakers['Jane Doe']['quotes'], [3])

    def test_verdicts_remove_and_add_quotes(self):
        before = self.quotes()
        result = self.ok('annotate', 1, ALARM, {'verdict': 'not_quote'})
        self.assertEqual(result['annotation']['verdict'], 'not_quote')
        self.assertIsNone(result['annotation']['quote'])  # no longer in quotes(buf)
        self.assertEqual([q['range'][0] for q in self.quotes()],
                         [q['range'][0] for q in before if q['range'][0] != 14])
        # Words without quotation marks, as a visual selection gives them.
        result = self.ok('annotate', 1, WARNING, {'verdict': 'quote'})
        highlighted = [a[1:5] for update in self.updates for a in update
                       if len(a) == 7 and a[5] == 'WhoSaidQuote']
        self.assertEqual(highlighted, [WARNING])
        added = [q for q in self.quotes() if q['range'] == WARNING]
        self.assertEqual(len(added), 1)
        self.assertEqual((added[0]['verdict'], result['annotation']['quote']),
                         ('quote', added[0]['index']))
        # A scare quote under the cursor: the innermost quoted span, direct or not.
        self.ok('annotate', 1, [8, BACK_DOOR[1] + 3], {'verdict': 'quote'})
        self.assertIn(BACK_DOOR, [q['range'][:2] for q in self.quotes()])
        # "none" gives the detector its say back.
        result = self.ok('annotate', 1, WARNING, {'verdict': 'none'})
        self.assertIsNone(result['annotation'])
        self.assertNotIn(WARNING, [q['range'] for q in self.quotes()])

    def test_a_note_is_listed(self):
        self.ok('annotate', 1, HOPE, {'note': 'Check with the ministry.'})
        hope = self.quote_on(18)
        self.assertEqual(hope['note'], 'Check with the ministry.')
        [note] = self.ok('annotations', 1)
        self.assertEqual((note['note'], note['speaker'], note['verdict']),
                         ('Check with the ministry.', None, None))
        self.assertEqual((note['attached'], note['range'], note['quote'], note['line']),
                         (True, hope['range'], hope['index'], 18))
        self.assertIn('We hope that the United States', note['text'])
        self.assertRegex(note['created'], r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')

    def test_quoted_span_is_the_span_annotate_changes(self):
        they = self.ok('quoted_span', 1, *THEY)
        self.assertEqual((they['range'], they['direct'], they['reason']),
                         (self.quote_on(4)['range'], True, 'CUE'))
        self.assertIn('speech cue', they['why'])
        # A scare quote: no direct quote, but a span a correction can take.
        span = self.ok('quoted_span', 1, 8, BACK_DOOR[1] + 3)
        scare = span['range']
        self.assertEqual((scare[:2], span['direct'], span['reason']),
                         (BACK_DOOR, False, 'SHORT_TERM'))
        self.assertIn('scare quote', span['why'])
        self.assertNotIn(scare, [q['range'] for q in self.quotes()])
        self.assertEqual(self.ok('annotate', 1, [8, BACK_DOOR[1] + 3],
                                 {'note': 'x'})['annotation']['range'], scare)
        # Where annotate refuses, nil.
        self.assertIsNone(self.ok('quoted_span', 1, 0, 3))
        self.assertIsNotNone(self.call('annotate', 1, [0, 3], {'note': 'x'})[0])
        error, _ = self.call('quoted_span', 1, 99, 0)
        self.assertIn('past the end', error[1])
        error, _ = self.call('quoted_span', 1, 'x', 0)
        self.assertIn('integers', error[1])
        error, _ = self.call('quoted_span', 2, 0, 0)
        self.assertIn('not attached', error[1])

    def test_bad_requests_are_refused(self):
        error, _ = self.call('annotate', 1, [0, 3], {'note': 'x'})
        self.assertEqual(error[1], 'no quote under the cursor at line 1')
        error, _ = self.call('annotate', 1, HOPE, {'colour': 'red'})
        self.assertIn('only speaker, verdict and note', error[1])
        error, _ = self.call('annotate', 1, HOPE, {})
        self.assertIn('says nothing', error[1])
        error, _ = self.call('annotate', 1, HOPE, {'verdict': 'maybe'})
        self.assertIn('"not_quote"', error[1])
        error, _ = self.call('annotate', 1, [99, 0], {'note': 'x'})
        self.assertIn('past the end', error[1])
        error, _ = self.call('annotate', 1, [2, 5, 2, 5], {'verdict': 'quote'})
        self.assertIn('empty', error[1])
        error, _ = self.call('annotations_load', 1, {'nothing': 1})
        self.assertIn('{path} or {json, name}', error[1])
        self.assertEqual(self.ok('annotations', 1), [])


class Edits(AnnotationTestCase):

    def test_an_annotation_follows_edits_is_orphaned_and_comes_back(self):
        self.ok('annotate', 1, HOPE, {'speaker': 'Wang Yi'})
        self.edit(0, 0, ['Breaking news', ''])
        [note] = self.ok('annotations', 1)
        self.assertEqual((note['attached'], note['range'][0], note['line']), (True, 20, 20))
        self.assertEqual(self.quote_on(20)['speaker'], 'Wang Yi')
        # The quote's line deleted: an orphan, kept with where it was last seen.
        self.edit(20, 21, [])
        [note] = self.ok('annotations', 1)
        self.assertEqual((note['attached'], note['range'], note['quote'], note['line']),
                         (False, None, None, 20))
        self.assertEqual(note['speaker'], 'Wang Yi')
        self.assertNotIn('Wang Yi', [q['speaker'] for q in self.quotes()])
        # The line back (an undo): attached again.
        self.edit(20, 20, [ARTICLE[18]])
        [note] = self.ok('annotations', 1)
        self.assertEqual((note['attached'], note['range'][0]), (True, 20))
        self.assertEqual(self.quote_on(20)['speaker'], 'Wang Yi')

    def test_a_large_buffer_analysed_in_the_background_keeps_the_corrections(self):
        lines = ARTICLE * 25  # over 64 KiB: analysed on the thread pool after an edit
        self.assertGreater(sum(len(line.encode()) + 1 for line in lines), 64 << 10)
        host = self.start(lines)
        self.ok('annotate', 1, THEY, {'speaker': 'Heiko Maas'}, host=host)
        self.assertIn((4, 'Heiko Maas', 'WhoSaidCorrection'), self.virtual_texts())
        host.send([2, 'nvim_buf_lines_event',
                   [1, 3, len(lines), len(lines), ['"We are done here," said Smith.'], False]])
        msgid, params = host.expect_request('nvim_exec_lua', timeout=60)
        host.respond(msgid, 0)
        additions = params[1][3]
        labels = [(a[1], a[3]) for a in additions if len(a) == 4]
        self.assertNotIn((4, '\u2014 Mike Pompeo'), labels)  # the correction stays
        self.assertEqual(self.quotes(host)[-1]['speaker'], 'Smith')  # that analysis is the last
        first = self.quotes(host)[0]
        self.assertEqual((first['speaker'], first['corrected']), ('Heiko Maas', True))

    def test_a_large_buffer_loads_its_corrections_without_waiting_for_the_analysis(self):
        # An editor loads the corrections as it opens an article: over 64 KiB
        # the analysis runs on the thread pool and the answer does not wait.
        path = self.path('large.whosaid.json')
        self.ok('annotate', 1, THEY, {'speaker': 'Heiko Maas'})
        self.ok('annotations_save', 1, path, False)
        host = self.start(ARTICLE * 25)
        load = host.request('annotations_load', 1, {'path': path})
        self.assertEqual(host.wait_response(load)[0], None)  # before any highlight update
        msgid, params = host.expect_request('nvim_exec_lua', timeout=60)
        host.respond(msgid, 0)
        self.updates = [params[1][3]]
        self.assertIn((4, 'Heiko Maas', 'WhoSaidCorrection'), self.virtual_texts())
        self.assertEqual(self.quote_on(4, host)['speaker'], 'Heiko Maas')
        # Small, it comes once the highlights are in place, its orphans counted.
        result = self.ok('annotations_load', 1, {'path': path})
        self.assertEqual((result['count'], result['orphans']), (1, 0))


class Sidecars(AnnotationTestCase):

    def annotate_two(self, host=None):
        self.ok('annotate', 1, THEY, {'speaker': 'Heiko Maas'}, host=host)
        self.ok('annotate', 1, ALARM, {'verdict': 'not_quote', 'note': 'a paraphrase'},
                host=host)

    def test_saved_then_loaded_by_a_fresh_host(self):
        path = self.path('pompeo-huawei.txt.whosaid.json')
        result = self.ok('annotations_save', 1, path, False)
        self.assertEqual((result['count'], result['written']), (0, False))  # nothing to keep
        self.assertFalse(os.path.exists(path))
        self.annotate_two()
        result = self.ok('annotations_save', 1, path, False)
        self.assertEqual(result, {'path': path, 'count': 2, 'written': True})
        json.loads(self.read_bytes(path))
        other = self.start()
        result = self.ok('annotations_load', 1, {'path': path}, host=other)
        self.assertEqual((result['count'], result['orphans']), (2, 0))
        self.assertIn('Heiko Maas', self.virtual_texts()[0])  # highlighted before the answer
        self.assertEqual(self.quote_on(4, other)['speaker'], 'Heiko Maas')
        self.assertNotIn(14, [q['range'][0] for q in self.quotes(other)])
        notes = self.ok('annotations', 1, host=other)
        self.assertEqual([(n['speaker'], n['note']) for n in notes],
                         [('Heiko Maas', None), (None, 'a paraphrase')])
        # The sidecar as text, as the editor keeps it for a restarted host.
        third = self.start()
        result = self.ok('annotations_load', 1, {'json': result['sidecar'], 'name': 'kept'},
                         host=third)
        self.assertEqual(result['count'], 2)
        self.assertEqual(self.quote_on(4, third)['speaker'], 'Heiko Maas')
        # No file is an empty set.
        result = self.ok('annotations_load', 1, {'path': self.path('none.whosaid.json')},
                         host=third)
        self.assertEqual(result['count'], 0)
        self.assertEqual(self.quote_on(4, third)['speaker'], 'Mike Pompeo')

    def test_a_write_without_corrections_waits_for_no_analysis(self):
        # The editor saves at every :write: with no correction there is
        # nothing to anchor, so an edited article is not analysed for it.
        host = Host('--debounce', '10000', env={'WHOSAID_LOG_LEVEL': 'debug'})
        self.addCleanup(host.kill)
        attach = host.request('attach', 1)
        msgid, _ = host.expect_request('nvim_create_namespace')
        host.respond(msgid, 7)
        msgid, _ = host.expect_request('nvim_buf_attach')
        host.respond(msgid, True)
        self.assertEqual(host.wait_response(attach), (None, True))
        host.send([2, 'nvim_buf_lines_event', [1, 2, 0, -1, ARTICLE, False]])
        path = self.path('article.whosaid.json')
        save = host.request('annotations_save', 1, path, False)
        self.assertEqual(host.wait_response(save), (None, {'path': path, 'count': 0,
                                                           'written': False}))
        self.assertEqual(host.close(timeout=60), 0)
        self.assertNotIn('analysed in', host.stderr())  # the lines never were
        self.assertFalse(os.path.exists(path))

    def test_a_corrupt_file_is_refused_and_kept_until_forced(self):
        path = self.path('article.whosaid.json')
        corrupt = b'{\n  "version": 1,\n  "annotations": [\n    {"text": "x",, }\n  ]\n}\n'
        with open(path, 'wb') as f:
            f.write(corrupt)
        error, _ = self.call('annotations_load', 1, {'path': path})
        self.assertRegex(error[1], '^' + re.escape(path) + r':4:\d+: \S')
        error, _ = self.call('annotations_load', 1, {'json': corrupt.decode(), 'name': 'kept'})
        self.assertRegex(error[1], r'^kept:4:\d+: \S')
        self.ok('annotate', 1, THEY, {'speaker': 'Heiko Maas'})  # the person goes on
        error, _ = self.call('annotations_save', 1, path, False)
        for words in ('failed to load', ':4:', 'untouched', ':WhoSaid! save'):
            self.assertIn(words, error[1])
        self.assertEqual(self.read_bytes(path), corrupt)
        result = self.ok('annotations_save', 1, path, True)
        self.assertTrue(result['written'])
        self.assertIn('Heiko Maas', json.dumps(json.loads(self.read_bytes(path))))
        self.assertTrue(self.ok('annotations_save', 1, path, False)['written'])  # ours again

    def unprivileged_host(self):
        """A host that a read-only directory stops: as root (CI), one running as
        the user nobody, who owns the test's directory."""
        if os.geteuid() != 0:
            return self.host
        import pwd
        nobody = pwd.getpwnam('nobody')
        os.chown(self.directory, nobody.pw_uid, nobody.pw_gid)

        def drop_privileges():
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)

        return self.start(preexec_fn=drop_privileges)

    def test_a_read_only_directory_leaves_the_previous_file(self):
        host = self.unprivileged_host()
        path = self.path('article.whosaid.json')
        self.annotate_two(host)
        self.ok('annotations_save', 1, path, False, host=host)
        previous = self.read_bytes(path)
        self.ok('annotate', 1, HOPE, {'note': 'one more'}, host=host)
        os.chmod(self.directory, 0o555)
        self.addCleanup(os.chmod, self.directory, 0o755)
        error, _ = self.call('annotations_save', 1, path, False, host=host)
        self.assertIsNotNone(error, 'the save went through a read-only directory')
        self.assertIn('Permission denied', error[1])
        self.assertIn('the previous file is unchanged', error[1])
        self.assertEqual(self.read_bytes(path), previous)
        self.assertEqual(os.listdir(self.directory), ['article.whosaid.json'])  # no temporary

    def test_a_write_cut_short_by_the_file_size_limit_leaves_the_previous_file(self):
        limit = 8192

        def limit_file_size():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        host = self.start(preexec_fn=limit_file_size)
        path = self.path('article.whosaid.json')
        self.annotate_two(host)
        self.ok('annotations_save', 1, path, False, host=host)
        previous = self.read_bytes(path)
        self.assertLess(len(previous), limit)
        self.ok('annotate', 1, HOPE, {'note': 'n' * (2 * limit)}, host=host)
        error, _ = self.call('annotations_save', 1, path, False, host=host)
        # EFBIG, where SIGXFSZ would have killed the host (an AssertionError above)
        self.assertIn('File too large', error[1])
        self.assertIn('the previous file is unchanged', error[1])
        self.assertEqual(self.read_bytes(path), previous)
        self.assertEqual(os.listdir(self.directory), ['article.whosaid.json'])  # no temporary
        self.assertEqual(self.ok('poll', host=host), 'ok')

    def test_a_host_killed_while_saving_leaves_a_whole_file(self):
        # Killed at moments spread over a save of a few MB (timed first): the
        # file is the old one or the new one, never a part of one (a
        # temporary file may be left beside it).
        path = self.path('article.whosaid.json')
        self.ok('annotate', 1, HOPE, {'note': 'a' * (3 << 20)})
        started = time.monotonic()
        self.ok('annotations_save', 1, path, False)
        duration = time.monotonic() - started
        previous = self.read_bytes(path)
        for attempt in range(20):
            host = self.start()
            note = chr(ord('b') + attempt) * (3 << 20)
            sidecar = self.ok('annotate', 1, HOPE, {'note': note}, host=host)['sidecar'].encode()
            host.request('annotations_save', 1, path, False)
            time.sleep(duration * attempt / 12)
            host.kill()
            now = self.read_bytes(path)
            self.assertTrue(now in (previous, sidecar), 'killed %d/12 into a save: %d bytes, '
                            'neither the old file nor the new' % (attempt, len(now)))
            json.loads(now)
            previous = now

class Export(AnnotationTestCase):

    def test_export_applies_the_corrections(self):
        self.ok('annotate', 1, THEY, {'speaker': 'Heiko Maas'})
        self.ok('annotate', 1, HOPE, {'note': 'Ask the ministry.'})
        for extension, format in (('json', 'json'), ('csv', 'csv'), ('md', 'markdown')):
            path = self.path('sheet.' + extension)
            result = self.ok('export', 1, path)
            self.assertEqual(result, {'path': path, 'format': format, 'quotes': 5})
            self.assertIn('Heiko Maas', self.read_bytes(path).decode())
        self.assertIn('Ask the ministry.', self.read_bytes(self.path('sheet.csv')).decode())
        exported = json.loads(self.read_bytes(self.path('sheet.json')))
        self.assertEqual(exported['doc'], 'sheet')  # no sidecar: named after the file
        self.ok('annotations_save', 1, self.path('pompeo-huawei.txt.whosaid.json'), False)
        self.ok('export', 1, self.path('sheet.json'))
        exported = json.loads(self.read_bytes(self.path('sheet.json')))
        self.assertEqual(exported['doc'], 'pompeo-huawei.txt')  # the sidecar's article
        self.ok('export', 1, self.path('sheet.json'), 'Pompeo')
        self.assertEqual(json.loads(self.read_bytes(self.path('sheet.json')))['doc'], 'Pompeo')
        error, _ = self.call('export', 1, self.path('sheet.txt'))
        self.assertIn('no format', error[1])

    def spans(self, exported):
        """Every [start, end, text] of an exported JSON."""
        spans = [[e['start'], e['end'], e['text']] for e in exported['entities']]
        for quote in exported['quotes']:
            spans.append([quote['start'], quote['end'], quote['text']])
            mention = quote['speaker_mention']
            if mention is not None:
                spans.append([mention['start'], mention['end'], mention['text']])
        return spans

    def test_export_counts_offsets_in_the_file(self):
        # A "\r\n" file with a byte order mark, which Neovim holds as lines
        # ('fileformat' dos, 'bomb'): the offsets and texts are the file's.
        # The article wrapped, for quotes over lines.
        lines = [line for paragraph in ARTICLE
                 for line in (textwrap.wrap(paragraph, 60) or [''])]
        host = self.start(lines)
        in_file = b'\xef\xbb\xbf' + '\r\n'.join(lines).encode()
        in_buffer = '\n'.join(lines).encode()
        in_mac_file = '\r'.join(lines).encode()  # ('fileformat' mac)
        path = self.path('sheet.json')
        cases = ((None, in_buffer), ({}, in_buffer), ({'crlf': False}, in_buffer),
                 ({'crlf': True, 'bom': True}, in_file),
                 ({'bom': True}, b'\xef\xbb\xbf' + in_buffer), ({'cr': True}, in_mac_file),
                 ({'cr': True, 'crlf': True}, '\r\n'.join(lines).encode()))
        for file, data in cases:
            with self.subTest(file=file):
                self.ok('export', 1, path, None, file, host=host)
                spans = self.spans(json.loads(self.read_bytes(path)))
                self.assertGreater(len(spans), 40)
                multi_line = [s for s in spans if '\n' in s[2]]
                if data is in_file:
                    self.assertTrue(multi_line)  # a quote over lines, in "\r\n"s
                if data is in_mac_file:
                    self.assertTrue([s for s in spans if '\r' in s[2]])
                for start, end, text in spans:
                    self.assertEqual(data[start:end].decode(), text)
        error, _ = self.call('export', 1, path, None, {'crlf': True, 'lf': True}, host=host)
        self.assertIn('the file must be a dict of crlf, cr and bom', error[1])
        error, _ = self.call('export', 1, path, None, 'dos', host=host)
        self.assertIn('the file must be a dict of crlf, cr and bom', error[1])


if __name__ == '__main__':
    unittest.main(verbosity=2)
