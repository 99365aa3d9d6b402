"""test_cli_usage.py: --help, --version, commands and usage errors (exit 2)."""

import os
import re
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import EXIT_OK, EXIT_USAGE, run  # noqa: E402


class HelpAndVersion(cli_support.CliTestCase):

    def test_help_lists_commands_options_and_exit_codes(self):
        for flag in ('--help', '-h', 'help'):
            result = run([flag])
            self.assertEqual(result.returncode, EXIT_OK, flag)
            text = result.stdout.decode('utf-8')
            self.assertIn('Usage: whosaid', text)
            self.assertIn('analyze', text)
            for option in ('--json', '--text', '--pretty', '--explain', '--output-dir',
                           '--model', '--force'):
                self.assertIn(option, text, '%s does not document %s' % (flag, option))
            self.assertIn('WHOSAID_MODEL', text)
            for code in ('0', '1', '2', '3'):
                self.assertRegex(text, r'(?m)^\s+%s\s+\S' % code,
                                 'exit code %s is not documented' % code)
            self.assertIn('counted from 1', text)
            self.assertEqual(result.stderr, b'')

    def test_help_of_analyze(self):
        for args in (['help', 'analyze'], ['analyze', '--help'], ['analyze', '-h']):
            result = run(args)
            self.assertEqual(result.returncode, EXIT_OK, args)
            self.assertIn(b'Usage: whosaid analyze', result.stdout)
            self.assertIn(b'Exit codes', result.stdout)

    def test_version_prints_name_and_version(self):
        for flag in ('--version', '-V', 'version'):
            result = run([flag])
            self.assertEqual(result.returncode, EXIT_OK)
            self.assertRegex(result.stdout.decode('ascii'), r'^whosaid \d+\.\d+\.\d+\n$')

    def test_version_is_the_library_version(self):
        source = os.environ.get('WHOSAID_SOURCE_DIR')
        if not source:
            self.skipTest('WHOSAID_SOURCE_DIR is not set')
        with open(os.path.join(source, 'include', 'whosaid.h'), encoding='utf-8') as f:
            header = f.read()
        version = re.search(r'#define WHOSAID_VERSION_STRING "([^"]+)"', header).group(1)
        self.assertEqual(run(['--version']).stdout.decode(), 'whosaid %s\n' % version)


class UsageErrors(cli_support.CliTestCase):

    def assert_usage_error(self, args, message):
        result = run(args)
        self.assertEqual(result.returncode, EXIT_USAGE, args)
        stderr = result.stderr.decode('utf-8')
        self.assertIn(message, stderr)
        self.assertTrue(stderr.startswith('whosaid: '), stderr)
        self.assertIn('--help', stderr)
        self.assertEqual(result.stdout, b'', 'usage errors print nothing on stdout')

    def test_no_command(self):
        self.assert_usage_error([], 'no command')

    def test_unknown_command(self):
        self.assert_usage_error(['frobnicate'], "unknown command 'frobnicate'")

    def test_unknown_global_option(self):
        self.assert_usage_error(['--frobnicate'], "unknown option '--frobnicate'")

    def test_help_of_unknown_command(self):
        self.assert_usage_error(['help', 'frobnicate'], "unknown command 'frobnicate'")

    def test_unknown_analyze_option(self):
        path = self.write_file('a.txt', 'Hello.')
        self.assert_usage_error(['analyze', '--jsn', path], "unknown option '--jsn'")

    def test_analyze_without_files(self):
        self.assert_usage_error(['analyze'], 'no input files')
        self.assert_usage_error(['analyze', '--json'], 'no input files')

    def test_option_without_value(self):
        self.assert_usage_error(['analyze', 'a.txt', '--model'], '--model needs a value')
        self.assert_usage_error(['analyze', 'a.txt', '--output-dir'], '--output-dir needs a value')
        self.assert_usage_error(['analyze', '--model=', 'a.txt'], '--model needs a non-empty')

    def test_pretty_needs_json(self):
        self.assert_usage_error(['analyze', '--pretty', 'a.txt'], '--pretty')

    def test_stdin_only_once(self):
        self.assert_usage_error(['analyze', '-', '-'], 'standard input')

    def test_usage_error_comes_before_a_missing_model(self):
        # Exit 2, not 3: the command line is checked before the model is looked for.
        result = run(['analyze', '--bogus', '--model', '/nonexistent', 'a.txt'])
        self.assertEqual(result.returncode, EXIT_USAGE)

    def test_double_dash_ends_options(self):
        self.write_file('--json', 'He said: "I will not go there again."\n')
        result = run(['analyze', '--text', '--', '--json'], cwd=self.tmp)
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        self.assertFalse(result.stdout.startswith(b'{'), 'the file was taken for --json')


if __name__ == '__main__':
    cli_support.main()
