"""cli_support.py: what the tests of the whosaid program share.

Each tests/cli/test_*.py is run by ctest with these environment variables:
  WHOSAID_PROGRAM     the whosaid executable under test (build/bin/whosaid)
  WHOSAID_SHARED_DIR  the shared folder (data/seed, tools/score.py), may be absent
  WHOSAID_SOURCE_DIR  the repository

Run one by hand with, for example:
  WHOSAID_PROGRAM=build/bin/whosaid python3 tests/cli/test_cli_usage.py -v

Python 3 standard library only. A test file whose requirements are all
missing exits with 77, which ctest reports as skipped.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SKIP_EXIT_CODE = 77

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_MODEL = 3


def skip_file(reason):
    """Skip the whole test file: ctest shows it as skipped."""
    print('skipped: %s' % reason, file=sys.stderr)
    sys.exit(SKIP_EXIT_CODE)


def program_path():
    program = os.environ.get('WHOSAID_PROGRAM')
    if not program:
        source = os.environ.get('WHOSAID_SOURCE_DIR',
                                os.path.join(os.path.dirname(__file__), '..', '..'))
        program = os.path.join(source, 'build', 'bin', 'whosaid')
    if not os.access(program, os.X_OK):
        skip_file('no whosaid program at %s (set WHOSAID_PROGRAM)' % program)
    return os.path.abspath(program)


PROGRAM = program_path()


def shared_dir():
    return os.environ.get('WHOSAID_SHARED_DIR', '')


def seed_dir():
    return os.path.join(shared_dir(), 'data', 'seed')


def build_dir():
    """The build tree: the parent of the program's bin directory."""
    return os.path.dirname(os.path.dirname(PROGRAM))


def model_dir():
    """The model the build tree holds (build/share/whosaid/models)."""
    return os.path.join(build_dir(), 'share', 'whosaid', 'models')


def clean_environment(**extra):
    """The environment without WHOSAID_MODEL (so that the program looks its
    model up the default way), plus EXTRA."""
    env = dict(os.environ)
    env.pop('WHOSAID_MODEL', None)
    env.update(extra)
    return env


def run(args, stdin=None, env=None, timeout=600, program=None, cwd=None):
    """Run the program; returns a CompletedProcess with bytes output."""
    return subprocess.run([program or PROGRAM] + list(args), input=stdin, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env if env is not None else clean_environment(),
                          timeout=timeout, check=False)


def parse_json_lines(output):
    """Parse JSON Lines output (bytes that must be valid UTF-8)."""
    text = output.decode('utf-8')  # raises if the output is not UTF-8
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class CliTestCase(unittest.TestCase):
    """A test case with a temporary directory and helpers."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='whosaid-cli-test-')
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write_file(self, name, data):
        path = os.path.join(self.tmp, name)
        if isinstance(data, str):
            data = data.encode('utf-8')
        with open(path, 'wb') as f:
            f.write(data)
        return path

    def analyze(self, *args, expect=EXIT_OK, stdin=None, env=None):
        """Run "whosaid analyze ARGS" and check its exit code."""
        result = run(('analyze',) + args, stdin=stdin, env=env)
        self.assertEqual(result.returncode, expect,
                         'exit code of analyze %s\nstderr: %s' % (
                             ' '.join(args), result.stderr.decode('utf-8', 'replace')))
        return result

    def analyze_json(self, path, *args):
        """Analyse one file with --json; returns the parsed document."""
        result = self.analyze('--json', *(args + (path,)))
        documents = parse_json_lines(result.stdout)
        self.assertEqual(len(documents), 1)
        return documents[0]

    def assert_texts_match(self, document, raw):
        """Every span's "text" is the bytes at [start, end) of RAW, decoded
        as score.py does (errors='replace')."""
        spans = list(document['quotes']) + list(document['entities'])
        spans += list(document.get('not_quotes', []))
        spans += [q['speaker_mention'] for q in document['quotes'] if q['speaker_mention']]
        for span in spans:
            self.assertLessEqual(0, span['start'])
            self.assertLessEqual(span['start'], span['end'])
            self.assertLessEqual(span['end'], len(raw))
            expected = raw[span['start']:span['end']].decode('utf-8', 'replace')
            self.assertEqual(span['text'], expected, 'span %r' % span)


def main():
    unittest.main(verbosity=2)
