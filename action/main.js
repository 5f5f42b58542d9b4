'use strict';
// The main step of the ecrtui action: make sure ecrtui can be imported (else install it from
// this action's folder with pip, into a virtual environment under $RUNNER_TEMP), then run
// `python -m ecrtui login --output github`. The runner's INPUT_* variables reach ecrtui
// through the inherited environment, its workflow commands reach the log through the
// inherited stdio, and the step ends with ecrtui's exit code.

const common = require('./common');

function installEcrtui(python) {
  const folder = common.venvFolder();
  const installed = common.venvPython();
  if (common.canImportEcrtui(installed)) {
    return installed; // an earlier step of this job installed it already
  }
  console.log(`::group::Installing ecrtui from ${common.ACTION_ROOT}`);
  let status = common.run(python, ['-m', 'venv', folder]);
  if (status === 0) {
    status = common.run(installed, [
      '-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', common.ACTION_ROOT,
    ]);
  }
  console.log('::endgroup::');
  if (status !== 0) {
    console.log(
      `::error::cannot install ecrtui with ${python} (exit ${status}); ` +
        'set up Python 3.10+ first (actions/setup-python), or set ECRTUI_PYTHON',
    );
    return null;
  }
  return installed;
}

function main() {
  const configured = common.configuredPython();
  const python = common.canImportEcrtui(configured) ? configured : installEcrtui(configured);
  if (python === null) {
    return 1;
  }
  common.saveState(common.PYTHON_STATE, python); // the post step logs out with the same one
  return common.run(python, ['-m', 'ecrtui', 'login', '--output', 'github']);
}

process.exitCode = main();
