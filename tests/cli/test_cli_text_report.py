"""test_cli_text_report.py: the human-readable report (analyze --text):
layout, positions, shortened long quotes, and clean output for bad bytes."""

import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import parse_json_lines  # noqa: E402

ELLIPSIS = '\u2026'

WORDS = ('the committee will review every single proposal that reaches its desk before the '
         'end of the year ').split()


class TextReport(cli_support.CliTestCase):

    def report(self, text, *args):
        path = self.write_file('story.txt', text)
        output = self.analyze('--text', *(args + (path,))).stdout.decode('utf-8')  # UTF-8
        return path, output

    def test_header_counts_and_sections(self):
        text = ('Town votes\n\nThe mayor said: \u201cWe will build the bridge next year.\u201d '
                'Nobody objected.\n')
        path, output = self.report(text)
        lines = output.splitlines()
        self.assertEqual(lines[0], path)
        self.assertRegex(lines[1], r'^  \d+ paragraphs?, \d+ sentences?, \d+ tokens?$')
        self.assertIn('Direct quotes (1)', output)
        self.assertTrue('Named entities' in output)

    def test_positions_are_one_based_lines_and_character_columns(self):
        # Two-byte and three-byte characters before the quote on its line:
        # the column counts them as one each.
        text = ('Caf\u00e9 news\n\n\u00c9lodie Dupr\u00e9 \u2014 the owner \u2014 said: '
                '\u201cWe serve the best coffee in the whole town.\u201d\n')
        _, output = self.report(text)
        line3 = text.split('\n')[2]
        column = line3.index('\u201c') + 1
        self.assertIn('1. 3:%d\n' % column, output)

    def test_long_quote_is_shortened_in_the_middle_on_a_character_boundary(self):
        quote_words = (WORDS * 30)[:300]
        quote = '\u201c' + ' '.join(quote_words) + ' \u00e9\u00e9\u00e9 end of it.\u201d'
        text = 'Long\n\nThe chair said: %s Then she left.\n' % quote
        _, output = self.report(text)
        self.assertIn(ELLIPSIS, output)
        self.assertIn('\u00e9\u00e9\u00e9 end of it.\u201d', output)
        self.assertNotIn(' '.join(quote_words[100:140]), output.replace('\n     ', ' '))
        for line in output.splitlines():
            self.assertLessEqual(len(line), 100, 'line too long: %r' % line)

    def test_short_quotes_are_shown_whole(self):
        quote = '\u201cWe will build the bridge next year, whatever it costs.\u201d'
        _, output = self.report('Bridge\n\nThe mayor said: %s\n' % quote)
        self.assertIn(quote, output)
        self.assertNotIn(ELLIPSIS, output)

    def test_bad_bytes_are_shown_as_replacement_characters(self):
        text = (b'Bad bytes\n\nThe owner said: \xe2\x80\x9cWe serve caf\xe9 and tea\x01 '
                b'every day of the week.\xe2\x80\x9d\n')
        _, output = self.report(text)
        self.assertIn('\u201cWe serve caf\ufffd and tea every day of the week.\u201d', output)

    def test_unbalanced_quote_is_flagged(self):
        text = ('Unclosed\n\nThe minister said: \u201cWe will never agree to this plan.\n\n'
                'Other news followed later in the day.\n')
        path = self.write_file('story.txt', text)
        document = parse_json_lines(self.analyze('--json', '--explain', path).stdout)[0]
        spans = document['quotes'] + document['not_quotes']
        if not any(s.get('unbalanced') for s in spans):
            self.skipTest('the library does not flag this quote as unbalanced')
        output = self.analyze('--text', path).stdout.decode('utf-8')
        self.assertIn('unbalanced: the quotation mark is never closed', output)

    def test_explain_says_why_each_quote_is_direct(self):
        text = 'Bridge\n\nThe mayor said: \u201cWe will build the bridge next year.\u201d\n'
        _, output = self.report(text, '--explain')
        self.assertRegex(output, r'\n     why: \S')

    def test_speakers_are_either_shown_or_declared_unavailable(self):
        text = 'Bridge\n\nThe mayor said: \u201cWe will build the bridge next year.\u201d\n'
        _, output = self.report(text)
        note = 'Speaker attribution is not available in this version: speakers are not shown.'
        if note in output:
            self.assertNotIn('speaker: unknown', output)
        else:
            self.assertIn('speaker: ', output)


if __name__ == '__main__':
    cli_support.main()
