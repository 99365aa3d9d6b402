"""test_cli_ner.py: the entity tagger through the program: train-ner on a
small hand-made file, eval-ner's figures and conlleval output, the
shipped model's F1 on CoNLL-2003 dev (a regression guard, skipped where the
shared data is absent), and entities in analyze's output."""

import json
import os
import re
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import EXIT_OK, EXIT_USAGE, EXIT_INPUT, run  # noqa: E402

DEV = os.path.join(cli_support.shared_dir(), 'data', 'conll2003', 'dev.conll')
SEED = os.path.join(cli_support.shared_dir(), 'data', 'seed', 'pompeo-huawei')

FIXTURE = """-DOCSTART- -X- O O

John NNP B-NP B-PER
Smith NNP I-NP I-PER
visited VBD B-VP O
Berlin NNP B-NP B-LOC
. . O O

Acme NNP B-NP B-ORG
Corp NNP I-NP I-ORG
hired VBD B-VP O
German JJ B-NP B-MISC
engineers NNS I-NP O
. . O O

"""

ARTICLE = ('Secretary of State Mike Pompeo met German Foreign Minister Heiko Maas in '
           'Berlin on Friday.\n\n"We will speak openly," Pompeo said.\n')


def overall_f1(output):
    match = re.search(r'^precision: +[\d.]+%; recall: +[\d.]+%; FB1: +([\d.]+)$', output, re.M)
    return float(match.group(1)) if match else None


class TrainAndEvaluate(cli_support.CliTestCase):

    def test_trains_a_model_that_tags_its_training_data(self):
        data = self.write_file('tiny.conll', FIXTURE.encode())
        model = os.path.join(self.tmp, 'tiny.bin')
        result = run(['train-ner', '--train', data, '--dev', data, '-o', model,
                      '--epochs', '5', '--seed', '3'])
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        self.assertIn(b'epoch  5', result.stdout)
        tags = os.path.join(self.tmp, 'tags.txt')
        result = run(['eval-ner', '--model', model, '--output', tags, data])
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        self.assertEqual(overall_f1(result.stdout.decode()), 100.0)
        with open(tags, encoding='utf-8') as f:
            lines = [line.split() for line in f.read().splitlines() if line]
        self.assertEqual(len(lines), 11)
        self.assertEqual(lines[0], ['John', 'B-PER', 'B-PER'])
        self.assertEqual(lines[1], ['Smith', 'I-PER', 'I-PER'])

    def test_usage_errors(self):
        self.assertEqual(run(['train-ner', '--train', 'x']).returncode, EXIT_USAGE)
        self.assertEqual(run(['train-ner', '--bogus', 'x']).returncode, EXIT_USAGE)
        self.assertEqual(run(['eval-ner']).returncode, EXIT_USAGE)

    def test_malformed_conll_names_file_and_line(self):
        data = self.write_file('bad.conll', b'John NNP B-NP B-PER\nSmith NNP I-NP X-PER\n')
        result = run(['eval-ner', data])
        self.assertEqual(result.returncode, EXIT_INPUT)
        self.assertIn(b'bad.conll:2:', result.stderr)

    def test_analyze_lists_entities_with_their_bytes(self):
        path = self.write_file('article.txt', ARTICLE.encode())
        document = self.analyze_json(path)
        found = {(e['text'], e['type']) for e in document['entities']}
        self.assertIn(('Mike Pompeo', 'PER'), found)
        self.assertIn(('Heiko Maas', 'PER'), found)
        self.assertIn(('Berlin', 'LOC'), found)
        self.assertIn(('German', 'MISC'), found)
        self.assert_texts_match(document, ARTICLE.encode())


class Capitals(cli_support.CliTestCase):
    """Sentence-initial capitals and headlines in Title Case or in capitals
    do not make ordinary words entities; names in them are still found."""

    def entities(self, text):
        path = self.write_file('capitals.txt', text.encode())
        return {(e['text'], e['type']) for e in self.analyze_json(path)['entities']}

    def test_ordinary_words_in_headlines_and_sentence_starts(self):
        text = ('Officials Say Talks Will Resume Next Week\n\n'
                'OFFICIALS SAY TALKS WILL RESUME NEXT WEEK\n\n'
                'However, the officials said talks would resume. Yesterday the company said '
                'it would grow.\n')
        self.assertEqual(self.entities(text), set())

    def test_names_in_a_headline(self):
        text = ('German Minister Says Talks With Russia Will Resume\n\n'
                'The talks between Germany and Russia resumed on Monday, officials in Berlin '
                'said.\n')
        found = self.entities(text)
        self.assertIn(('Russia', 'LOC'), found)
        self.assertIn(('German', 'MISC'), found)
        self.assertNotIn('Minister', {name for name, _ in found})

    def test_a_title_case_headline_keeps_its_ordinary_words_out(self):
        text = ('Minister Warns Berlin: Drop Huawei Or Trade Deal Blocked\n\n'
                'The minister said the trade deal would be blocked unless Berlin dropped '
                'Huawei, the Chinese telecoms company, or limited its role.\n')
        path = self.write_file('headline.txt', text.encode())
        headline_end = text.index('\n')
        in_headline = {(e['text'], e['type']) for e in self.analyze_json(path)['entities']
                       if e['end'] <= headline_end}
        # The body writes these in lower case (and never capitalizes them).
        for word in ('Or', 'Trade', 'Deal', 'Blocked'):
            self.assertFalse(any(word in name.split() for name, _ in in_headline),
                             (word, in_headline))


class ShippedModelOnSharedData(cli_support.CliTestCase):

    def test_dev_f1_stays_above_90(self):
        if not os.path.isfile(DEV):
            self.skipTest('CoNLL-2003 dev is absent: no %s' % DEV)
        result = run(['eval-ner', DEV])
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        output = result.stdout.decode()
        self.assertIn('processed 51362 tokens with 5942 phrases', output)
        self.assertGreaterEqual(overall_f1(output), 90.0, output)

    def test_seed_article_entity_f1_stays_above_88(self):
        if not os.path.isfile(SEED + '.json'):
            self.skipTest('the seed article is absent: no %s.json' % SEED)
        with open(SEED + '.json', encoding='utf-8') as file:
            gold = {(e['start'], e['end'], e['type']) for e in json.load(file)['entities']}
        found = {(e['start'], e['end'], e['type'])
                 for e in self.analyze_json(SEED + '.txt')['entities']}
        correct = len(gold & found)
        f1 = 200.0 * correct / (len(gold) + len(found))
        self.assertGreaterEqual(f1, 88.0, sorted(found - gold))


if __name__ == '__main__':
    cli_support.main()
