"""test_cli_seed.py: the seed article (shared data/seed/pompeo-huawei) end to
end: every gold quote is found with its exact byte span and attributed as
the gold says (speaker mention and speaker, including the quote no one is
named for), the scare quote "back door" and the name "Open Door" are not
quotes, and every "text" field holds the bytes at its offsets, as
tools/score.py checks them."""

import json
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import parse_json_lines  # noqa: E402

SEED_TEXT = os.path.join(cli_support.seed_dir(), 'pompeo-huawei.txt')
SEED_GOLD = os.path.join(cli_support.seed_dir(), 'pompeo-huawei.json')

if not (os.path.isfile(SEED_TEXT) and os.path.isfile(SEED_GOLD)):
    cli_support.skip_file('the seed article is absent: no %s (set WHOSAID_SHARED_DIR to the '
                          'shared folder that holds data/seed)' % SEED_TEXT)

NOT_QUOTES = {'"back door"': ('SHORT_TERM', 'TITLE'), '"Open Door"': ('SHORT_TERM', 'TITLE')}


class SeedArticle(cli_support.CliTestCase):

    @classmethod
    def setUpClass(cls):
        with open(SEED_TEXT, 'rb') as f:
            cls.raw = f.read()
        with open(SEED_GOLD, encoding='utf-8') as f:
            cls.gold = json.load(f)

    def setUp(self):
        super().setUp()
        self.document = self.analyze_json(SEED_TEXT)
        self.explained = self.analyze_json(SEED_TEXT, '--explain')

    def test_document_has_the_format_md_shape(self):
        self.assertEqual(list(self.document), ['doc', 'entities', 'quotes', 'speakers'])
        self.assertEqual(self.document['doc'], 'pompeo-huawei')
        for quote in self.document['quotes']:
            self.assertEqual(list(quote), ['start', 'end', 'text', 'speaker_mention', 'speaker'])
        for entity in self.document['entities']:
            self.assertIn(entity['type'], ('PER', 'ORG', 'LOC', 'MISC'))

    def test_every_gold_quote_is_found_with_its_exact_span(self):
        found = {(q['start'], q['end']) for q in self.document['quotes']}
        for gold in self.gold['quotes']:
            with self.subTest(quote=gold['text'][:50]):
                self.assertIn((gold['start'], gold['end']), found)

    def test_every_gold_quote_is_attributed_as_the_gold_says(self):
        found = {(q['start'], q['end']): q for q in self.document['quotes']}
        for gold in self.gold['quotes']:
            with self.subTest(quote=gold['text'][:50]):
                quote = found[(gold['start'], gold['end'])]
                self.assertEqual(quote['speaker'], gold['speaker'])
                mention, expected = quote['speaker_mention'], gold['speaker_mention']
                if expected is None:
                    self.assertIsNone(mention)
                else:  # FORMAT.md: the mentions overlap
                    self.assertLess(max(mention['start'], expected['start']),
                                    min(mention['end'], expected['end']))

    def test_speakers_list_their_quotes_and_mentions(self):
        speakers = {s['name']: s for s in self.document['speakers']}
        self.assertEqual(set(speakers), {'Mike Pompeo', 'Richard A. Grenell', 'Geng Shuang'})
        pompeo = speakers['Mike Pompeo']
        self.assertEqual(pompeo['type'], 'PER')
        self.assertEqual(pompeo['role'], 'Secretary of State')
        self.assertEqual(pompeo['quotes'], [0, 1])
        texts = [m['text'] for m in pompeo['mentions']]
        self.assertIn('Pompeo', texts)
        self.assertIn('Mike Pompeo', texts)
        self.assertEqual(speakers['Geng Shuang']['role'], 'spokesman')
        self.assertEqual(speakers['Geng Shuang']['quotes'], [4])

    def test_explain_names_the_rule_of_each_attribution(self):
        rules = [q['attribution'] for q in self.explained['quotes']]
        self.assertEqual(rules, ['TRAILING_CUE', 'LEADING_CUE', 'REPORTED_SPEECH', 'NONE',
                                 'TRAILING_CUE'])

    def test_quotes_are_in_text_order(self):
        starts = [q['start'] for q in self.document['quotes']]
        self.assertEqual(starts, sorted(starts))

    def test_scare_quote_and_name_are_not_quotes(self):
        texts = [q['text'] for q in self.document['quotes']]
        for text in NOT_QUOTES:
            self.assertNotIn(text, texts)

    def test_explain_lists_them_as_not_quotes_with_their_reason(self):
        not_quotes = {q['text']: q for q in self.explained['not_quotes']}
        for text, reasons in NOT_QUOTES.items():
            with self.subTest(span=text):
                self.assertIn(text, not_quotes)
                self.assertIn(not_quotes[text]['reason'], reasons)
                start = self.raw.index(text.encode('utf-8'))
                self.assertEqual(not_quotes[text]['start'], start)
                self.assertEqual(not_quotes[text]['end'], start + len(text.encode('utf-8')))
        for quote in self.explained['quotes']:
            self.assertIn('reason', quote)

    def test_explain_keeps_the_quotes(self):
        plain = [(q['start'], q['end']) for q in self.document['quotes']]
        explained = [(q['start'], q['end']) for q in self.explained['quotes']]
        self.assertEqual(plain, explained)

    def test_text_fields_hold_the_bytes_at_their_offsets(self):
        # What tools/score.py warns about: "system quote text differs from
        # the document at its byte offsets".
        self.assert_texts_match(self.document, self.raw)
        self.assert_texts_match(self.explained, self.raw)

    def test_output_dir_is_scorable(self):
        out = os.path.join(self.tmp, 'system')
        self.analyze('--json', '--output-dir', out, SEED_TEXT)
        with open(os.path.join(out, 'pompeo-huawei.json'), encoding='utf-8') as f:
            self.assertEqual(json.load(f), self.document)

    def test_text_report(self):
        text = self.analyze('--text', SEED_TEXT).stdout.decode('utf-8')
        self.assertTrue(text.startswith(SEED_TEXT + '\n'))
        self.assertIn('Direct quotes (%d)' % len(self.document['quotes']), text)
        # The first gold quote, at its 1-based line and character column.
        first = self.gold['quotes'][0]
        before = self.raw[:first['start']].decode('utf-8')
        line = before.count('\n') + 1
        column = len(before) - (before.rfind('\n') + 1) + 1
        self.assertIn(' %d:%d\n' % (line, column), text)
        self.assertIn('They [Germany] will take their own sovereign decisions', text)
        self.assertIn('Speakers (3)\n  Mike Pompeo, Secretary of State: quotes 1, 2\n', text)
        self.assertIn('  no speaker found: quote 4\n', text)
        self.assertIn('speaker: Geng Shuang, spokesman (named as \u201cspokesman Geng Shuang\u201d)',
                      text)
        self.assertIn('back door', text.split('Quoted spans that are not direct quotes')[1])
        if not self.document['entities']:
            self.assertIn('Named entities: not available in this version (no entity model).',
                          text)


if __name__ == '__main__':
    cli_support.main()
