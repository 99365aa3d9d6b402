"""test_cli_inputs.py: what "whosaid analyze" does with each kind of input:
missing, unreadable, directories, binary data, empty files, bad bytes, too
large, standard input, several files, and --output-dir."""

import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import EXIT_INPUT, EXIT_OK, parse_json_lines  # noqa: E402

ARTICLE = ('Mayor backs plan\n'
           '\n'
           'The mayor said on Monday: \u201cWe will build the bridge next year, whatever it '
           'costs.\u201d\n'
           '\n'
           'Critics called it a "vanity project" and left.\n')


class FileErrors(cli_support.CliTestCase):
    """Each bad input gives "whosaid: FILE: why" on stderr and exit 1, and the
    good inputs around it are still analysed."""

    def assert_file_error(self, path, message, *extra_args):
        good = self.write_file('good.txt', ARTICLE)
        result = self.analyze('--json', *extra_args, good, path, good, expect=EXIT_INPUT)
        stderr = result.stderr.decode('utf-8')
        self.assertIn('whosaid: %s: ' % path, stderr)
        self.assertIn(message, stderr)
        documents = parse_json_lines(result.stdout)
        self.assertEqual([d['doc'] for d in documents], ['good', 'good'],
                         'the files around the bad one were not all analysed')
        return stderr

    def test_missing_file(self):
        self.assert_file_error(os.path.join(self.tmp, 'missing.txt'), 'No such file or directory')

    def test_directory(self):
        self.assert_file_error(self.tmp, 'Is a directory')

    def test_unreadable_file(self):
        if os.geteuid() == 0:
            self.skipTest('running as root, which can read a file with mode 000')
        path = self.write_file('secret.txt', ARTICLE)
        os.chmod(path, 0)
        self.assert_file_error(path, 'Permission denied')

    def test_binary_file_is_refused(self):
        data = bytes(range(256)) * 64 + b'\0' * 1000
        path = self.write_file('image.png', data)
        stderr = self.assert_file_error(path, 'looks like a binary file')
        self.assertIn('--force', stderr)

    def test_binary_file_with_force_is_analysed(self):
        data = b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 64 + b'\0' * 1000
        path = self.write_file('image.png', data)
        document = self.analyze_json(path, '--force')
        self.assertEqual(document['doc'], 'image')
        self.assert_texts_match(document, data)

    def test_utf16_is_refused_with_a_hint(self):
        path = self.write_file('wide.txt', ARTICLE.encode('utf-16'))
        self.assert_file_error(path, 'UTF-16')

    def test_too_large_file(self):
        # A sparse file of 4 GiB: refused from its size, before it is read.
        path = os.path.join(self.tmp, 'huge.txt')
        with open(path, 'wb') as f:
            f.truncate(4 * 1024 ** 3)
        self.assert_file_error(path, 'too large')


class TextInputs(cli_support.CliTestCase):

    def test_empty_file_gives_empty_results(self):
        path = self.write_file('empty.txt', b'')
        document = self.analyze_json(path)
        self.assertEqual(document, {'doc': 'empty', 'entities': [], 'quotes': [], 'speakers': []})
        text = self.analyze(path).stdout.decode('utf-8')
        self.assertIn('0 paragraphs', text)
        self.assertIn('Direct quotes (0)', text)

    def test_stray_bad_bytes_and_nul_are_analysed_with_offsets_unchanged(self):
        # A news text with a NUL, invalid UTF-8 (a Latin-1 e-acute, a cut
        # sequence, a surrogate), control characters and U+2028, some of them
        # inside a quote: still text, still analysed.
        prefix = b'Caf\xe9 owner\x00 speaks\n\nThe owner said: '
        quote = (b'\xe2\x80\x9cWe \xe2\x82 serve \xed\xa0\x80 coffee\x00\x01\x1f\x7f to every'
                 b'one \xe2\x80\xa8 who comes \xf0\x90\x80 in here.\xe2\x80\x9d')
        data = prefix + quote + b' And then \xff he left.\n\n' + ARTICLE.encode('utf-8')
        path = self.write_file('bad-bytes.txt', data)
        result = self.analyze('--json', '--explain', path)
        document = parse_json_lines(result.stdout)[0]  # valid UTF-8 JSON
        self.assert_texts_match(document, data)
        spans = [(q['start'], q['end']) for q in document['quotes']]
        self.assertIn((len(prefix), len(prefix) + len(quote)), spans,
                      'the quote after the bad bytes moved or was lost')
        text = self.analyze(path).stdout
        text.decode('utf-8')  # the text report is valid UTF-8 too
        self.assertNotIn(b'\x00', text)

    def test_standard_input(self):
        result = self.analyze('--json', '-', stdin=ARTICLE.encode('utf-8'))
        document = parse_json_lines(result.stdout)[0]
        self.assertEqual(document['doc'], 'stdin')
        self.assertEqual(len(document['quotes']), 1)
        self.assert_texts_match(document, ARTICLE.encode('utf-8'))
        text = self.analyze('-', stdin=ARTICLE.encode('utf-8')).stdout.decode('utf-8')
        self.assertTrue(text.startswith('standard input\n'), text[:80])

    def test_several_files_give_one_json_line_each(self):
        paths = [self.write_file('article-%d.txt' % n, ARTICLE) for n in range(3)]
        result = self.analyze('--json', *paths)
        lines = result.stdout.decode('utf-8').splitlines()
        self.assertEqual(len(lines), 3)
        self.assertEqual([json.loads(line)['doc'] for line in lines],
                         ['article-0', 'article-1', 'article-2'])

    def test_document_name_drops_directory_and_last_extension(self):
        path = self.write_file('news.2019.txt', ARTICLE)
        self.assertEqual(self.analyze_json(path)['doc'], 'news.2019')
        path = self.write_file('README', ARTICLE)
        self.assertEqual(self.analyze_json(path)['doc'], 'README')

    def test_pretty_json_is_the_same_document(self):
        path = self.write_file('a.txt', ARTICLE)
        compact = self.analyze('--json', path).stdout.decode('utf-8')
        pretty = self.analyze('--json', '--pretty', path).stdout.decode('utf-8')
        self.assertEqual(json.loads(compact), json.loads(pretty))
        self.assertEqual(compact.count('\n'), 1)
        self.assertIn('\n  "entities": [', pretty)

    def test_several_text_reports_are_separated_by_a_blank_line(self):
        first = self.write_file('first.txt', ARTICLE)
        second = self.write_file('second.txt', ARTICLE)
        text = self.analyze(first, second).stdout.decode('utf-8')
        self.assertTrue(text.startswith(first + '\n'))
        self.assertIn('\n\n' + second + '\n', text)


class OutputErrors(cli_support.CliTestCase):

    def test_full_disk_on_standard_output_is_exit_1_reported_once(self):
        if not os.path.exists('/dev/full'):
            self.skipTest('no /dev/full on this system')
        path = self.write_file('story.txt', ARTICLE)
        for args in (['--json', path, path], [path]):
            with open('/dev/full', 'wb') as full:
                result = subprocess.run([cli_support.PROGRAM, 'analyze'] + args, stdout=full,
                                        stderr=subprocess.PIPE, env=cli_support.clean_environment(),
                                        check=False)
            self.assertEqual(result.returncode, EXIT_INPUT, args)
            self.assertEqual(result.stderr.decode('utf-8').count('standard output'), 1,
                             result.stderr)


class OutputDirectory(cli_support.CliTestCase):

    def test_writes_name_json_and_creates_the_directory(self):
        first = self.write_file('first.txt', ARTICLE)
        second = self.write_file('second.md', ARTICLE)
        out = os.path.join(self.tmp, 'out', 'nested')
        result = self.analyze('--json', '--output-dir', out, first, second)
        self.assertEqual(result.stdout, b'', 'nothing is printed with --output-dir')
        self.assertEqual(sorted(os.listdir(out)), ['first.json', 'second.json'])
        with open(os.path.join(out, 'first.json'), encoding='utf-8') as f:
            document = json.load(f)
        self.assertEqual(document['doc'], 'first')
        self.assert_texts_match(document, ARTICLE.encode('utf-8'))

    def test_text_reports_go_to_name_txt(self):
        path = self.write_file('story.txt', ARTICLE)
        out = os.path.join(self.tmp, 'reports')
        self.analyze('--output-dir=' + out, path)
        with open(os.path.join(out, 'story.txt'), encoding='utf-8') as f:
            self.assertIn('Direct quotes', f.read())

    def test_unwritable_output_is_an_error(self):
        path = self.write_file('story.txt', ARTICLE)
        blocker = self.write_file('not-a-directory', 'x')
        result = self.analyze('--json', '--output-dir', blocker, path, expect=EXIT_INPUT)
        self.assertIn(b'cannot create the output directory', result.stderr)
        # A directory where the output file should go: that file fails, not the run.
        out = os.path.join(self.tmp, 'out')
        os.makedirs(os.path.join(out, 'story.json'))
        other = self.write_file('other.txt', ARTICLE)
        result = self.analyze('--json', '--output-dir', out, path, other, expect=EXIT_INPUT)
        self.assertIn(b'cannot write', result.stderr)
        self.assertTrue(os.path.isfile(os.path.join(out, 'other.json')))

    def test_two_inputs_with_the_same_name_do_not_overwrite(self):
        os.makedirs(os.path.join(self.tmp, 'a'))
        os.makedirs(os.path.join(self.tmp, 'b'))
        first = self.write_file(os.path.join('a', 'same.txt'), ARTICLE)
        second = self.write_file(os.path.join('b', 'same.txt'), 'Other text.\n')
        out = os.path.join(self.tmp, 'out')
        result = self.analyze('--json', '--output-dir', out, first, second, expect=EXIT_INPUT)
        self.assertIn(b'already written', result.stderr)
        with open(os.path.join(out, 'same.json'), encoding='utf-8') as f:
            self.assertEqual(len(json.load(f)['quotes']), 1, 'the first file was overwritten')

    def test_no_report_is_written_over_a_file_the_run_reads(self):
        # The text report of DIR/story.txt with --output-dir DIR is DIR/story.txt.
        story = self.write_file('story.txt', ARTICLE)
        notes = self.write_file('notes.md', ARTICLE)
        other = self.write_file('other.txt', ARTICLE)
        os.symlink('other.txt', os.path.join(self.tmp, 'link.txt'))
        link = os.path.join(self.tmp, 'link.txt')
        result = self.analyze('--output-dir', self.tmp, story, link, expect=EXIT_INPUT)
        self.assertEqual(result.stderr.count(b'is a file this run reads'), 2, result.stderr)
        # An input further on: story's report (.md) is written, notes.md's is not.
        result = self.analyze('--markdown', '--output-dir', self.tmp, story, notes,
                              expect=EXIT_INPUT)
        self.assertIn(b'notes.md is a file this run reads', result.stderr)
        with open(os.path.join(self.tmp, 'story.md'), encoding='utf-8') as f:
            self.assertIn('# Quotes: story', f.read())
        result = self.analyze('--export', notes, notes, expect=EXIT_INPUT)
        self.assertIn(b'a file this run reads (--export)', result.stderr)
        for path in (story, notes, other):
            with open(path, encoding='utf-8') as f:
                self.assertEqual(f.read(), ARTICLE, path)


if __name__ == '__main__':
    cli_support.main()
