"""test_export.py: the exports of "whosaid analyze": --csv, --markdown and
--export FILE (.json, .csv, .md), with and without a person's corrections
(--annotations SIDECAR), checked against what --json says of the same text."""

import csv
import io
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import EXIT_INPUT, EXIT_USAGE, parse_json_lines, run  # noqa: E402

SOURCE_DIR = os.environ.get('WHOSAID_SOURCE_DIR',
                            os.path.join(os.path.dirname(__file__), '..', '..'))
EXAMPLE = os.path.join(SOURCE_DIR, 'examples', 'port-subsidies.txt')

CSV_HEADER = ['speaker', 'role', 'quote', 'line', 'column', 'corrected', 'note']
PENCIL = '\u270e'
ORPHAN_TEXT = '\u201cNothing of the sort was ever said by anyone in this article\u201d'
STAMP = '2026-11-28T10:00:00Z'


def line_and_column(raw, offset):
    """The 1-based line and column (in characters, as the replacement
    decoding counts them) of byte OFFSET of RAW."""
    line_start = raw.rfind(b'\n', 0, offset) + 1
    column = len(raw[line_start:offset].decode('utf-8', 'replace')) + 1
    return raw.count(b'\n', 0, offset) + 1, column


def one_line(text):
    """Text as the quote sheet shows it: each run of line breaks a space."""
    return re.sub(r'[\r\n]+', ' ', text)


def markdown_unescape(text):
    return re.sub(r'\\([!-/:-@\[-`{-~])', r'\1', text)


def parse_sheet(markdown):
    """The quote sheet as [(heading, [(quote text, line, pencil, note)])]."""
    sections = []
    quote = None
    for line in markdown.split('\n'):
        if line.startswith('## '):
            sections.append((markdown_unescape(line[3:]), []))
        elif line.startswith('> Note: '):
            quote[3] = markdown_unescape(line[len('> Note: '):])
        elif line.startswith('> '):
            match = re.fullmatch(r'> (.*) \(line (\d+)\)( %s)?' % PENCIL, line)
            quote = [markdown_unescape(match.group(1)), int(match.group(2)),
                     bool(match.group(3)), None]
            sections[-1][1].append(quote)
    return [(heading, [tuple(q) for q in quotes]) for heading, quotes in sections]


def annotation(raw, span, **fields):
    """A sidecar entry anchored on SPAN ({start, end, text}) of RAW."""
    entry = {'text': span['text'], 'start': span['start'], 'end': span['end'],
             'line': raw.count(b'\n', 0, span['start']), 'created': STAMP, 'updated': STAMP}
    entry.update(fields)
    return entry


def sidecar(*annotations):
    return json.dumps({'whosaid': 'annotations', 'version': 1,
                       'annotations': list(annotations)}, ensure_ascii=False, indent=2)


class ExportCase(cli_support.CliTestCase):

    def setUp(self):
        super().setUp()
        if not os.path.isfile(EXAMPLE):
            self.skipTest('no example article at %s' % EXAMPLE)
        with open(EXAMPLE, 'rb') as f:
            self.raw = f.read()
        self.document = self.analyze_json(EXAMPLE)
        self.quotes = self.document['quotes']
        if len(self.quotes) < 3 or not any(q['speaker'] for q in self.quotes):
            self.skipTest('the model finds too few quotes or speakers to test exports')

    def export(self, extension, *args, path=EXAMPLE):
        """Run analyze --export OUT.EXTENSION; returns (bytes of OUT, stderr)."""
        out = os.path.join(self.tmp, 'out.' + extension)
        result = self.analyze('--export', out, *(args + (path,)))
        self.assertEqual(result.stdout, b'', '--export prints nothing')
        with open(out, 'rb') as f:
            return f.read(), result.stderr.decode('utf-8')

    def csv_rows(self, data):
        self.assertTrue(data.endswith(b'\r\n'), 'CSV lines end in CRLF')
        rows = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))
        self.assertEqual(rows[0], CSV_HEADER)
        return [dict(zip(CSV_HEADER, row)) for row in rows[1:]]


class ExportWithoutCorrections(ExportCase):

    def test_csv_has_a_row_per_direct_quote_with_speaker_line_and_column(self):
        rows = self.csv_rows(self.analyze('--csv', EXAMPLE).stdout)
        self.assertEqual(len(rows), len(self.quotes))
        roles = {s['name']: s['role'] or '' for s in self.document['speakers']}
        for row, quote in zip(rows, self.quotes):
            line, column = line_and_column(self.raw, quote['start'])
            self.assertEqual(row['quote'], quote['text'])
            self.assertEqual(row['speaker'], quote['speaker'] or '')
            self.assertEqual(row['role'], roles.get(quote['speaker'], ''))
            self.assertEqual((int(row['line']), int(row['column'])), (line, column), row)
            self.assertEqual((row['corrected'], row['note']), ('no', ''))

    def test_csv_export_file_is_the_printed_csv(self):
        data, _ = self.export('csv')
        self.assertEqual(data, self.analyze('--csv', EXAMPLE).stdout)

    def test_markdown_has_a_section_per_speaker_with_its_quotes(self):
        sheet = self.analyze('--markdown', EXAMPLE).stdout.decode('utf-8')
        self.assertTrue(sheet.startswith('# Quotes: port-subsidies\n'), sheet[:80])
        expected = []
        for speaker in self.document['speakers']:
            heading = speaker['name'] + (' (%s)' % speaker['role'] if speaker['role'] else '')
            quotes = [self.quotes[i] for i in speaker['quotes']]
            expected.append((min(speaker['quotes']), heading, quotes))
        expected.sort(key=lambda entry: entry[0])  # in the order of their first quote
        sections = [(heading, quotes) for _, heading, quotes in expected]
        unattributed = [q for q in self.quotes if q['speaker'] is None]
        if unattributed:
            sections.append(('Unattributed', unattributed))
        want = [(heading, [(one_line(q['text']), line_and_column(self.raw, q['start'])[0],
                            False, None) for q in quotes])
                for heading, quotes in sections]
        self.assertEqual(parse_sheet(sheet), want)
        self.assertEqual(self.export('md')[0].decode('utf-8'), sheet)

    def test_json_export_is_analyze_json_with_corrected_false(self):
        exported = json.loads(self.export('json')[0])
        for quote in self.quotes:
            self.assertNotIn('corrected', quote, '--json alone prints FORMAT.md as it was')
            quote['corrected'] = False
        self.assertEqual(exported, self.document)

    def test_extension_decides_the_format_in_any_case(self):
        data, _ = self.export('MarkDown')
        self.assertTrue(data.startswith(b'# Quotes: '))
        result = self.analyze('--export', os.path.join(self.tmp, 'out.txt'), EXAMPLE,
                              expect=EXIT_USAGE)
        self.assertIn(b'unknown extension', result.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'out.txt')))


class ExportWithCorrections(ExportCase):
    """One quote's speaker reassigned to Markus Feld, one quoted span marked
    not a quote, and one annotation that fits nowhere (an orphan)."""

    def setUp(self):
        super().setUp()
        self.moved = next(i for i, q in enumerate(self.quotes)
                          if q['speaker'] not in (None, 'Markus Feld'))
        self.dropped = len(self.quotes) - 1 if self.moved != len(self.quotes) - 1 else 0
        orphan_span = {'text': ORPHAN_TEXT, 'start': 40, 'end': 40 + len(ORPHAN_TEXT.encode())}
        self.orphan = annotation(self.raw, orphan_span, speaker='Nobody', note='gone')
        self.sidecar = self.write_file('port-subsidies.whosaid.json', sidecar(
            annotation(self.raw, self.quotes[self.moved], speaker='Markus Feld',
                       note='checked, "on tape"'),
            annotation(self.raw, self.quotes[self.dropped], verdict='not_quote'),
            self.orphan))

    def corrected_quotes(self):
        """--json's quotes (no annotations) with the corrections applied."""
        quotes = []
        for index, quote in enumerate(self.quotes):
            if index == self.dropped:
                continue
            quote = dict(quote, corrected=index == self.moved)
            if index == self.moved:
                # Another speaker than the one the cue names: the cue's words go.
                quote.update(speaker='Markus Feld', speaker_mention=None, note='checked, "on tape"')
            quotes.append(quote)
        return quotes

    def assert_valid_format(self, document):
        """DOCUMENT follows ../shared/FORMAT.md: typed spans whose text is the
        bytes at their offsets."""
        def check_span(span):
            self.assertIsInstance(span['start'], int)
            self.assertIsInstance(span['end'], int)
            self.assertLessEqual(0, span['start'])
            self.assertLess(span['start'], span['end'])
            self.assertEqual(self.raw[span['start']:span['end']].decode('utf-8'), span['text'])
        self.assertIsInstance(document['doc'], str)
        for entity in document['entities']:
            check_span(entity)
            self.assertIn(entity['type'], ('PER', 'ORG', 'LOC', 'MISC'))
        for quote in document['quotes']:
            check_span(quote)
            if quote['speaker_mention'] is not None:
                check_span(quote['speaker_mention'])
            self.assertIsInstance(quote['speaker'], (str, type(None)))
            self.assertIsInstance(quote['corrected'], bool)

    def test_json_export_applies_the_corrections_and_lists_the_orphan(self):
        data, stderr = self.export('json', '--annotations', self.sidecar)
        exported = json.loads(data)
        self.assert_valid_format(exported)
        self.assertEqual(exported['doc'], self.document['doc'])
        self.assertEqual(exported['entities'], self.document['entities'])
        self.assertEqual(exported['quotes'], self.corrected_quotes())
        self.assertEqual(exported['orphans'], [{
            'text': ORPHAN_TEXT, 'speaker': 'Nobody', 'verdict': None, 'note': 'gone',
            'line': self.orphan['line'] + 1}])
        # Each speaker lists exactly the quotes that name it.
        speakers = {s['name']: s['quotes'] for s in exported['speakers']}
        for name, numbers in speakers.items():
            self.assertEqual(numbers, [i for i, q in enumerate(exported['quotes'])
                                       if q['speaker'] == name], name)
        self.assertIn('Markus Feld', speakers)
        self.assertIn('1 annotation found no place in %s (orphans)' % EXAMPLE, stderr)
        self.assertIn('listed under "orphans"', stderr)

    def test_json_output_with_annotations_is_the_export(self):
        printed = self.analyze('--json', '--annotations', self.sidecar, EXAMPLE)
        data, _ = self.export('json', '--annotations', self.sidecar)
        self.assertEqual(printed.stdout, data)

    def test_csv_marks_the_corrected_row(self):
        data, stderr = self.export('csv', '--annotations', self.sidecar)
        rows = self.csv_rows(data)
        expected = self.corrected_quotes()
        self.assertEqual([r['quote'] for r in rows], [q['text'] for q in expected])
        for row, quote in zip(rows, expected):
            self.assertEqual(row['speaker'], quote['speaker'] or '')
            self.assertEqual(row['corrected'], 'yes' if quote['corrected'] else 'no')
            self.assertEqual(row['note'], quote.get('note', ''))
        self.assertIn('1 annotation found no place', stderr)

    def test_markdown_marks_the_quote_whose_speaker_a_person_named(self):
        data, _ = self.export('md', '--annotations', self.sidecar)
        sections = dict(parse_sheet(data.decode('utf-8')))
        moved = self.quotes[self.moved]
        self.assertEqual(sections[next(h for h in sections if h.startswith('Markus Feld'))],
                         [(one_line(moved['text']), line_and_column(self.raw, moved['start'])[0],
                           True, 'checked, "on tape"')])
        marked = [q for quotes in sections.values() for q in quotes if q[2]]
        self.assertEqual(len(marked), 1)

    def test_a_speaker_the_article_never_names_has_no_mentions(self):
        path = self.write_file('unnamed.json', sidecar(
            annotation(self.raw, self.quotes[self.moved], speaker='Jane Q. Nobody-Else')))
        exported = json.loads(self.export('json', '--annotations', path)[0])
        speaker = next(s for s in exported['speakers'] if s['name'] == 'Jane Q. Nobody-Else')
        self.assertEqual(speaker['mentions'], [])
        self.assertEqual(speaker['quotes'], [self.moved])

    def test_a_corrupt_sidecar_is_an_error_with_its_line_and_no_output(self):
        corrupt = ('{"whosaid": "annotations",\n'
                   ' "version": 1,\n'
                   ' "annotations": [{"text": "\u201cWe\u201d", "start": 1 "end": 5}]}\n')
        path = self.write_file('corrupt.json', corrupt)  # no comma after "start": 1
        for output in (['--json'], ['--csv'], ['--export', os.path.join(self.tmp, 'x.csv')]):
            result = self.analyze('--annotations', path, *output, EXAMPLE, expect=EXIT_USAGE)
            self.assertIn(path + ':3:', result.stderr.decode('utf-8'))
            self.assertEqual(result.stdout, b'')
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'x.csv')))

    def test_a_missing_sidecar_is_an_error(self):
        missing = os.path.join(self.tmp, 'missing.json')
        result = self.analyze('--annotations', missing, '--csv', EXAMPLE, expect=EXIT_USAGE)
        self.assertIn(missing, result.stderr.decode('utf-8'))
        self.assertEqual(result.stdout, b'')

    def test_annotations_and_export_apply_to_one_file(self):
        for option in (['--annotations', self.sidecar],
                       ['--export', os.path.join(self.tmp, 'x.json')]):
            result = self.analyze(*option, EXAMPLE, EXAMPLE, expect=EXIT_USAGE)
            self.assertIn(b'one FILE', result.stderr)


class AwkwardBytes(cli_support.CliTestCase):
    """NUL bytes, invalid UTF-8 and text a spreadsheet or Markdown would
    misread still give valid output."""

    RAW = (b'Na\xffme \x00 line\n'
           b'The mayor said: \xe2\x80\x9cWe \x00will build \xc3( the \xed\xa0\x80 bridge, '
           b'whatever it costs \xf0\x9f.\xe2\x80\x9d\n'
           b'\xfe\xe2\x80\x9c=1+2, said the mayor, and he meant every word of it\xe2\x80\x9d '
           b'he said.\n'
           b'\xe2\x80\x9cThe first half of it,\xe2\x80\x9d said the \xc3\xa9l\xc3\xa8ve '
           b'M\xc3\xbcller \xe2\x80\x94 \xe2\x80\x9cand then the second half of it.\xe2\x80\x9d\n')

    def test_csv_is_valid_utf8_with_replacement_characters(self):
        path = self.write_file('awkward.txt', self.RAW)
        document = parse_json_lines(self.analyze('--json', '--force', path).stdout)[0]
        self.assertEqual(len(document['quotes']), 4)  # the last two share a line
        data = self.analyze('--csv', '--force', path).stdout
        self.assertNotIn(b'\x00', data)
        rows = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))[1:]
        self.assertEqual(len(rows), 4)
        for row, quote in zip(rows, document['quotes']):
            self.assertEqual(row[2], quote['text'].replace('\x00', '\ufffd'))
            self.assertEqual((int(row[3]), int(row[4])), line_and_column(self.RAW, quote['start']))
        self.assertIn('\ufffd', rows[0][2])

    def test_a_field_that_would_be_a_formula_gets_an_apostrophe(self):
        raw = 'The mayor said: \u201cWe will build the bridge, whatever it costs.\u201d\n'
        path = self.write_file('formula.txt', raw)
        span = parse_json_lines(self.analyze('--json', path).stdout)[0]['quotes'][0]
        annotations = self.write_file('formula.json', sidecar(annotation(
            raw.encode(), span, speaker='=HYPERLINK("http://x")', note='-1+2')))
        data = self.analyze('--csv', '--annotations', annotations, path).stdout
        row = list(csv.reader(io.StringIO(data.decode('utf-8'), newline='')))[1]
        self.assertEqual((row[0], row[6]), ('\'=HYPERLINK("http://x")', "'-1+2"))

    def test_json_export_is_valid_and_matches_the_bytes(self):
        path = self.write_file('awkward.txt', self.RAW)
        out = os.path.join(self.tmp, 'awkward.json')
        self.analyze('--export', out, '--force', path)
        with open(out, 'rb') as f:
            exported = json.loads(f.read().decode('utf-8'))
        self.assert_texts_match(exported, self.RAW)
        self.assertTrue(all(q['corrected'] is False for q in exported['quotes']))

    def test_markdown_escapes_markup_and_keeps_a_quote_on_one_line(self):
        raw = ('# Title\n\nShe said: \u201c- *not* a list\nand <b>no</b> [link](x) '
               'either, as you see,\u201d she said.\n')
        path = self.write_file('markup.txt', raw)
        sheet = self.analyze('--markdown', path).stdout.decode('utf-8')
        quote_lines = [line for line in sheet.split('\n') if line.startswith('> ')]
        self.assertEqual(len(quote_lines), 1, sheet)
        line = quote_lines[0]
        for markup in ('*not*', '<b>', '[link]'):
            self.assertNotIn(markup, line)
        self.assertIn(r'\*not\* a list and \<b\>no\</b\> \[link\](x)', line)


class UsageOfTheExportOptions(cli_support.CliTestCase):

    def test_help_documents_the_options(self):
        text = run(['analyze', '--help']).stdout.decode('utf-8')
        for option in ('--csv', '--markdown', '--annotations', '--export'):
            self.assertIn(option, text)

    def test_export_instead_of_a_report(self):
        path = self.write_file('a.txt', 'Hello.')
        out = os.path.join(self.tmp, 'a.csv')
        for extra in (['--json'], ['--output-dir', self.tmp], ['--explain']):
            result = self.analyze('--export', out, *extra, path, expect=EXIT_USAGE)
            self.assertEqual(result.stdout, b'')

    def test_an_export_that_cannot_be_written(self):
        path = self.write_file('a.txt', 'Hello.')
        out = os.path.join(self.tmp, 'no', 'such', 'dir', 'a.md')
        result = self.analyze('--export', out, path, expect=EXIT_INPUT)
        self.assertIn(out, result.stderr.decode('utf-8'))


if __name__ == '__main__':
    cli_support.main()
