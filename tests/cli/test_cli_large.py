"""test_cli_large.py: large and awkward texts: a 50 MB single line, and an
unclosed quotation mark at the start of a long article."""

import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import parse_json_lines  # noqa: E402

# One piece of the big line: some plain text, a direct quote, a scare quote.
PIECE = ('The council met again on Tuesday to discuss the budget for the coming year, '
         'and the debate went on for hours. ' * 12 +
         'The mayor said: \u201cWe will not raise taxes this year, and we will keep every '
         'library open.\u201d Critics called the plan "creative accounting" at best. ')

PARAGRAPH = ('Officials in the region spent the week reviewing the proposal, which would '
             'change how water is shared between the towns along the river. ')

LATER_QUOTE = '\u201cWe have waited long enough for this decision,\u201d the farmer said.'


class LargeInputs(cli_support.CliTestCase):

    def test_fifty_megabyte_single_line(self):
        piece = PIECE.encode('utf-8')
        count = 50 * 1024 * 1024 // len(piece) + 1
        data = piece * count
        self.assertGreaterEqual(len(data), 50 * 1024 * 1024)
        self.assertNotIn(b'\n', data)
        path = self.write_file('big.txt', data)
        result = self.analyze('--json', path)
        document = parse_json_lines(result.stdout)[0]
        self.assertEqual(document['doc'], 'big')
        quotes = document['quotes']
        self.assertGreater(len(quotes), 0)
        # Spot checks: the first and the last quote are where they should be.
        first_start = piece.index('\u201cWe'.encode('utf-8'))
        self.assertEqual(quotes[0]['start'], first_start)
        last_start = len(piece) * (count - 1) + first_start
        self.assertEqual(quotes[-1]['start'], last_start)
        for quote in (quotes[0], quotes[len(quotes) // 2], quotes[-1]):
            expected = data[quote['start']:quote['end']].decode('utf-8', 'replace')
            self.assertEqual(quote['text'], expected)

    def test_fifty_megabyte_single_line_text_report(self):
        piece = PIECE.encode('utf-8')
        data = piece * (50 * 1024 * 1024 // len(piece) + 1)
        path = self.write_file('big.txt', data)
        text = self.analyze('--text', path).stdout.decode('utf-8')
        self.assertIn('1 paragraph,', text)
        # Columns count characters from 1 on the single line.
        first_column = len(PIECE[:PIECE.index('\u201cWe')]) + 1
        self.assertIn('1. 1:%d\n' % first_column, text)

    def unclosed_article(self, opening):
        """An article whose first paragraph opens a quote that never closes,
        followed by many paragraphs and a proper quote near the end."""
        first = 'The minister said: %sWe will never agree to this plan, and the ' \
                'voters know it.' % opening
        paragraphs = [first] + [PARAGRAPH * 3] * 60 + [LATER_QUOTE] + [PARAGRAPH] * 5
        return '\n\n'.join(paragraphs) + '\n'

    def test_unclosed_quote_does_not_swallow_the_article(self):
        for opening in ('\u201c', '"'):
            with self.subTest(opening=opening):
                text = self.unclosed_article(opening)
                raw = text.encode('utf-8')
                path = self.write_file('unclosed.txt', raw)
                result = self.analyze('--json', '--explain', path)
                document = parse_json_lines(result.stdout)[0]
                self.assert_texts_match(document, raw)
                first_paragraph_end = raw.index(b'\n\n')
                spans = document['quotes'] + document['not_quotes']
                opened = [s for s in spans if s['start'] < first_paragraph_end]
                self.assertTrue(opened, 'the unclosed quote is not reported at all')
                for span in opened:
                    self.assertLessEqual(span['end'], first_paragraph_end,
                                         'the unclosed quote runs past its paragraph')
                later_start = raw.index(LATER_QUOTE.encode('utf-8'))
                later_end = later_start + len('\u201cWe have waited long enough for this '
                                              'decision,\u201d'.encode('utf-8'))
                self.assertIn((later_start, later_end),
                              [(q['start'], q['end']) for q in document['quotes']],
                              'the later quote was not found')
                unbalanced = [s for s in opened if s.get('unbalanced')]
                self.assertTrue(unbalanced, 'the unclosed quote is not flagged "unbalanced"')


if __name__ == '__main__':
    cli_support.main()
