'use strict';
// The main step of the ecrtui action: `ecrtui login --output github`, run from this
// action's own bundle (action/dist) by a Python 3.10+ of the runner. The runner's INPUT_*
// variables reach ecrtui through the inherited environment, its workflow commands reach
// the log through the inherited stdio, and the step ends with ecrtui's exit code.

const common = require('./common');

process.exitCode = common.runEcrtui(['login', '--output', 'github']);
