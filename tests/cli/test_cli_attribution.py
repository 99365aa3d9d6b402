"""test_cli_attribution.py: quote attribution on PolNeAR dev, scored by the
shared scorer (tools/score.py) exactly as the held-out figures are: a
regression guard that fails when mention-level accuracy drops below 90% or
quote recall below 95%. Skipped where the shared data is absent."""

import glob
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import EXIT_OK, run  # noqa: E402

DEV = os.path.join(cli_support.shared_dir(), 'data', 'polnear', 'dev')
SCORER = os.path.join(cli_support.shared_dir(), 'tools', 'score.py')

if not (os.path.isdir(DEV) and os.path.isfile(SCORER)):
    cli_support.skip_file('PolNeAR dev or its scorer is absent: no %s or %s' % (DEV, SCORER))


class PolnearDev(cli_support.CliTestCase):

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.out = tempfile.mkdtemp(prefix='whosaid-attribution-')
        texts = sorted(glob.glob(os.path.join(DEV, '*.txt')))
        result = run(['analyze', '--json', '--output-dir', cls.out] + texts)
        if result.returncode != EXIT_OK:
            raise AssertionError(result.stderr.decode())
        scored = subprocess.run([sys.executable, SCORER, DEV, cls.out, '--json'],
                                capture_output=True, check=True)
        cls.figures = json.loads(scored.stdout)
        print('PolNeAR dev: quotes P %.1f R %.1f F1 %.1f; mention %.1f%%; entity %.1f%%' % (
            100 * cls.figures['quotes']['precision'], 100 * cls.figures['quotes']['recall'],
            100 * cls.figures['quotes']['f1'],
            100 * cls.figures['attribution_mention']['accuracy'],
            100 * cls.figures['attribution_entity']['accuracy']), file=sys.stderr)

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_every_article_is_scored(self):
        self.assertEqual(self.figures['documents'], len(glob.glob(os.path.join(DEV, '*.json'))))
        self.assertEqual(self.figures['warnings'], {})  # byte offsets, texts that match

    def test_mention_accuracy_stays_above_90(self):
        self.assertGreaterEqual(self.figures['attribution_mention']['accuracy'], 0.90)

    def test_entity_accuracy_stays_above_85(self):
        self.assertGreaterEqual(self.figures['attribution_entity']['accuracy'], 0.85)

    def test_quote_recall_stays_above_95(self):
        self.assertGreaterEqual(self.figures['quotes']['recall'], 0.95)


if __name__ == '__main__':
    cli_support.main()
