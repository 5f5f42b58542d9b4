'use strict';
// What the main and post steps of the ecrtui action share: finding a Python 3.10+ on the
// runner and running the bundled ecrtui (action/dist, see run_ecrtui.py) with it.
// Plain Node, no npm dependencies, no build step, no package index at step time.

const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ACTION_DIR = __dirname;
const ENTRY = path.join(ACTION_DIR, 'run_ecrtui.py');

function isFile(candidate) {
  try {
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}

// A program name looked up on PATH as the runner's shell would, but only in absolute PATH
// entries: never the current folder (Windows searches it first), an empty or a relative
// entry, which would run a `python` planted in the job's workspace.
function onPath(name) {
  const extensions =
    process.platform === 'win32'
      ? ['', ...(process.env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)]
      : [''];
  for (const folder of (process.env.PATH || '').split(path.delimiter)) {
    if (!folder || !path.isAbsolute(folder)) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = path.join(folder, name + extension);
      if (isFile(candidate)) {
        return candidate;
      }
    }
  }
  return null;
}

// The interpreter to run ecrtui with, as an absolute path; or null after an ::error::.
function findPython() {
  const configured = (process.env.ECRTUI_PYTHON || '').trim();
  if (configured) {
    if (path.isAbsolute(configured)) {
      if (isFile(configured)) {
        return configured;
      }
      console.log(`::error::ECRTUI_PYTHON names ${configured}, which does not exist; set it to a Python 3.10+ interpreter`);
      return null;
    }
    if (configured.includes('/') || configured.includes('\\')) {
      console.log(`::error::ECRTUI_PYTHON must be an absolute path or a program name on PATH, not ${configured}`);
      return null;
    }
    const found = onPath(configured);
    if (!found) {
      console.log(`::error::ECRTUI_PYTHON names ${configured}, which is not on PATH; give its absolute path`);
    }
    return found;
  }
  const names = process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
  for (const name of names) {
    const found = onPath(name);
    if (found) {
      return found;
    }
  }
  console.log(
    '::error::ecrtui\'s action needs Python 3.10 or newer on the runner, and found no python3 on PATH: ' +
      'add actions/setup-python before this step, or set ECRTUI_PYTHON to the interpreter\'s path',
  );
  return null;
}

// Runs the bundled ecrtui with `args` in isolated mode, from the action's own folder, with
// the runner's environment and stdio; returns its exit code.
function runEcrtui(args) {
  const python = findPython();
  if (python === null) {
    return 1;
  }
  const result = spawnSync(python, ['-I', '-S', ENTRY, ...args], {
    cwd: ACTION_DIR,
    env: process.env,
    stdio: 'inherit',
    windowsHide: true,
  });
  if (result.error) {
    console.log(`::error::cannot run ${python}: ${result.error.message}`);
    return 1;
  }
  if (result.status === null) {
    console.log(`::error::${python} was stopped by ${result.signal}`);
    return 1;
  }
  return result.status;
}

module.exports = { ACTION_DIR, findPython, runEcrtui };
