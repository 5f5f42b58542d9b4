'use strict';
// The post-job step of the ecrtui action: `ecrtui logout --output github` logs out of every
// host the main step saved (STATE_registries) and fails naming those it could not. With
// skip-logout the main step saved none, and ecrtui honours INPUT_SKIP-LOGOUT too.

const common = require('./common');

function main() {
  if (!(process.env.STATE_registries || '').trim()) {
    // Skip-logout, a failed main step, or no login: nothing to erase, no Python needed.
    console.log('No registries to log out of');
    return 0;
  }
  return common.runEcrtui(['logout', '--output', 'github']);
}

process.exitCode = main();
