"""vim_support.py: what the Vim tests share: finding a Vim the plugin runs
in (skipping with exit code 77 and a message without one), and running a
Vimscript driver in Vim or in a headless Neovim with the plugin on
'runtimepath' and nothing of the user's read or written."""

import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.abspath(os.environ.get('WHOSAID_SOURCE_DIR', os.path.join(HERE, '..', '..')))
SHARED = os.environ.get('WHOSAID_SHARED_DIR', os.path.join(SOURCE, '..', 'shared'))
PROGRAM = os.environ.get('WHOSAID_PROGRAM', 'whosaid')
ARTICLE = os.path.join(SHARED, 'data', 'seed', 'pompeo-huawei.txt')  # not in the repository
EXAMPLE = os.path.join(SOURCE, 'examples', 'port-subsidies.txt')
GOLD = os.path.join(SHARED, 'data', 'seed', 'pompeo-huawei.json')
DRIVER = os.path.join(HERE, 'plugin_e2e.vim')


def require_seed_article():
    """Skip the whole test (exit 77) without the seed article the tests are
    written around: it is in the shared data beside the checkout (CI has
    it), not in the repository."""
    if not os.path.isfile(ARTICLE):
        print('skipped: the seed article is absent: no %s (set WHOSAID_SHARED_DIR)' % ARTICLE)
        sys.exit(77)


def require_vim():
    """Skip the whole test (exit 77) unless a Vim 9 with what the plugin
    needs is on PATH."""
    if shutil.which('vim') is None:
        print('skipped: no vim on PATH (install Debian\'s vim)')
        sys.exit(77)
    version = subprocess.run(['vim', '--version'], capture_output=True, text=True,
                             stdin=subprocess.DEVNULL).stdout
    match = re.search(r'VIM - Vi IMproved (\d+)\.(\d+)', version)
    missing = [f for f in ('job', 'channel', 'textprop', 'timers') if '+' + f not in version]
    if not match or int(match.group(1)) < 9 or missing:
        print('skipped: this vim is not Vim 9.0 with +job +channel +textprop +timers (%s)'
              % (version.splitlines()[0] if version else 'no version'))
        sys.exit(77)


def require_vim_host(program):
    """Skip (exit 77) when PROGRAM is a whosaid without `host --vim` (a
    build older than the Vim support): it says so, exit code 2."""
    try:
        process = subprocess.run([program, 'host', '--vim'], capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL, timeout=30)
    except OSError:
        return  # no program at all: the tests say so
    if process.returncode == 2 and '--vim' in process.stderr:
        print('skipped: %s has no `host --vim`: %s' % (program, process.stderr.strip()))
        sys.exit(77)


def environment(directory, **extra):
    env = dict(os.environ, HOME=directory, XDG_CONFIG_HOME=directory, XDG_DATA_HOME=directory,
               XDG_STATE_HOME=directory, XDG_CACHE_HOME=directory, TMPDIR=directory)
    env.update(extra)
    return env


def run_driver(editor, program, directory, driver=DRIVER, article=ARTICLE, timeout=120):
    """Run DRIVER (a Vimscript) in EDITOR ('vim' or 'nvim') with the plugin
    loaded from the source tree and g:whosaid_host_prog = PROGRAM; returns
    the JSON it wrote to $WHOSAID_RESULT and the process."""
    result = os.path.join(directory, editor + '-result.json')
    if os.path.exists(result):
        os.remove(result)
    env = environment(directory, WHOSAID_ARTICLE=article, WHOSAID_RESULT=result)
    settings = ['--cmd', 'set encoding=utf-8', '--cmd', 'set rtp+=' + SOURCE,
                '--cmd', 'let g:whosaid_host_prog = %s' % json.dumps(program)]
    if editor == 'vim':
        command = ['vim', '-Nu', 'NONE', '-es', '-i', 'NONE', '-n'] + settings + ['-S', driver]
    else:
        command = ['nvim', '--headless', '-u', 'NONE', '-i', 'NONE', '-n'] + settings + [
            '-S', driver]
    process = subprocess.run(command, env=env, capture_output=True, timeout=timeout,
                             stdin=subprocess.DEVNULL)
    if not os.path.isfile(result):
        raise AssertionError('%s wrote no result (exit %d): %s %s' % (
            editor, process.returncode, process.stdout[-2000:], process.stderr[-2000:]))
    with open(result, encoding='utf-8') as f:
        return json.load(f), process
