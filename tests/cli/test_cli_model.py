"""test_cli_model.py: how the program finds its model (--model,
$WHOSAID_MODEL, next to the executable, installed), exit code 3, and an
installed copy (cmake --install) that finds its model by itself."""

import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
import cli_support  # noqa: E402
from cli_support import EXIT_MODEL, EXIT_OK, clean_environment, parse_json_lines, run  # noqa

ARTICLE = 'Lawyer confident\n\n\u201cWe will win this case,\u201d the lawyer said on Friday.\n'


class ModelLookup(cli_support.CliTestCase):

    def setUp(self):
        super().setUp()
        self.article = self.write_file('article.txt', ARTICLE)
        if not os.path.isdir(cli_support.model_dir()):
            self.skipTest('no model in the build tree at %s' % cli_support.model_dir())
        # A good copy of the model, and a directory that is not a model.
        self.good_model = os.path.join(self.tmp, 'good-model')
        shutil.copytree(cli_support.model_dir(), self.good_model)
        self.bad_model = os.path.join(self.tmp, 'bad-model')
        os.makedirs(self.bad_model)

    def assert_model_error(self, result, *messages):
        self.assertEqual(result.returncode, EXIT_MODEL, result.stderr)
        stderr = result.stderr.decode('utf-8')
        for message in messages:
            self.assertIn(message, stderr)
        self.assertEqual(result.stdout, b'')

    def test_default_lookup_finds_the_build_tree_model(self):
        result = run(['analyze', '--json', self.article])
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        self.assertEqual(len(parse_json_lines(result.stdout)[0]['quotes']), 1)

    def test_bad_model_option_is_exit_3(self):
        result = run(['analyze', '--model', self.bad_model, self.article])
        self.assert_model_error(result, self.bad_model, '--model')

    def test_missing_model_option_is_exit_3(self):
        missing = os.path.join(self.tmp, 'no-such-model')
        self.assert_model_error(run(['analyze', '--model', missing, self.article]), missing)

    def test_good_model_option(self):
        result = run(['analyze', '--json', '--model=' + self.good_model, self.article])
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)

    def test_environment_variable_is_used(self):
        env = clean_environment(WHOSAID_MODEL=self.bad_model)
        result = run(['analyze', self.article], env=env)
        self.assert_model_error(result, self.bad_model, 'WHOSAID_MODEL')
        env = clean_environment(WHOSAID_MODEL=self.good_model)
        self.assertEqual(run(['analyze', self.article], env=env).returncode, EXIT_OK)

    def test_model_option_wins_over_the_environment(self):
        env = clean_environment(WHOSAID_MODEL=self.bad_model)
        result = run(['analyze', '--model', self.good_model, self.article], env=env)
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        env = clean_environment(WHOSAID_MODEL=self.good_model)
        result = run(['analyze', '--model', self.bad_model, self.article], env=env)
        self.assertEqual(result.returncode, EXIT_MODEL, 'a bad --model fell through to the env')

    def test_no_model_anywhere_lists_the_places_tried(self):
        # A copy of the program with no share/ next to it: nothing to find
        # (unless a model is installed in the configured prefix).
        prefix = os.path.join(self.tmp, 'lonely')
        os.makedirs(os.path.join(prefix, 'bin'))
        program = os.path.join(prefix, 'bin', 'whosaid')
        shutil.copy2(cli_support.PROGRAM, program)
        env = clean_environment()
        library_dir = os.path.join(cli_support.build_dir(), 'lib')
        env['LD_LIBRARY_PATH'] = library_dir + os.pathsep + env.get('LD_LIBRARY_PATH', '')
        result = run(['analyze', self.article], env=env, program=program)
        if result.returncode == EXIT_OK:
            self.skipTest('a model is installed in the configured prefix')
        self.assert_model_error(result, 'no model found',
                                os.path.join(prefix, 'share', 'whosaid', 'models'),
                                '--model', 'WHOSAID_MODEL')


class Installation(cli_support.CliTestCase):

    def test_installed_program_finds_its_model(self):
        build = cli_support.build_dir()
        if not os.path.isfile(os.path.join(build, 'cmake_install.cmake')):
            self.skipTest('%s is not a CMake build directory' % build)
        if shutil.which('cmake') is None:
            self.skipTest('cmake is not on PATH')
        prefix = os.path.join(self.tmp, 'prefix')
        install = subprocess.run(['cmake', '--install', build, '--prefix', prefix],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
        self.assertEqual(install.returncode, 0, install.stdout.decode('utf-8', 'replace'))
        program = os.path.join(prefix, 'bin', 'whosaid')
        self.assertTrue(os.access(program, os.X_OK))
        article = self.write_file('article.txt', ARTICLE)
        env = clean_environment()
        env.pop('LD_LIBRARY_PATH', None)
        result = run(['analyze', '--json', article], env=env, program=program)
        self.assertEqual(result.returncode, EXIT_OK, result.stderr)
        self.assertEqual(len(parse_json_lines(result.stdout)[0]['quotes']), 1)
        # It really used PREFIX/share/whosaid/models: break that model and
        # the installed program says so.
        installed_model = os.path.join(prefix, 'share', 'whosaid', 'models')
        shutil.rmtree(installed_model)
        os.mkdir(installed_model)
        result = run(['analyze', article], env=env, program=program)
        self.assertEqual(result.returncode, EXIT_MODEL, result.stderr)
        self.assertIn(installed_model, result.stderr.decode('utf-8'))


if __name__ == '__main__':
    cli_support.main()
