'use strict';
// What the main and post steps of the ecrtui action share: which Python runs ecrtui,
// running a program with the runner's environment and log, and saving step state.
// Plain Node, no npm dependencies, no build step.

const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ACTION_ROOT = path.resolve(__dirname, '..');
const PYTHON_STATE = 'ecrtui_python';

function configuredPython() {
  return process.env.ECRTUI_PYTHON || (process.platform === 'win32' ? 'python' : 'python3');
}

function venvFolder() {
  return path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'ecrtui-venv');
}

function venvPython() {
  const folder = venvFolder();
  return process.platform === 'win32'
    ? path.join(folder, 'Scripts', 'python.exe')
    : path.join(folder, 'bin', 'python');
}

function canImportEcrtui(python) {
  const result = spawnSync(python, ['-c', 'import ecrtui'], { stdio: 'ignore', env: process.env });
  return !result.error && result.status === 0;
}

// Runs a program with the runner's environment and stdio; returns its exit code.
function run(program, args) {
  const result = spawnSync(program, args, { stdio: 'inherit', env: process.env });
  if (result.error) {
    console.log(`::error::cannot run ${program}: ${result.error.message}`);
    return 1;
  }
  if (result.status === null) {
    console.log(`::error::${program} was stopped by ${result.signal}`);
    return 1;
  }
  return result.status;
}

// Appends name=value to $GITHUB_STATE in the heredoc format, with a fresh delimiter.
function saveState(name, value) {
  const file = process.env.GITHUB_STATE;
  if (!file) {
    return;
  }
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  fs.appendFileSync(file, `${name}<<${delimiter}${os.EOL}${value}${os.EOL}${delimiter}${os.EOL}`, 'utf8');
}

module.exports = {
  ACTION_ROOT,
  PYTHON_STATE,
  canImportEcrtui,
  configuredPython,
  run,
  saveState,
  venvFolder,
  venvPython,
};
