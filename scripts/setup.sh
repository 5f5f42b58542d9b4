#!/usr/bin/env bash
# One-command setup of .venv, for one of three jobs:
#   scripts/setup.sh demo   ecrtui and its demo extra: Python and pip only, no apt, no root
#   scripts/setup.sh test   (the default) the test tools, and as root (or with
#                           passwordless sudo) the Debian packages the tests start, without
#                           recommends; else it says what is missing and those tests skip
#   scripts/setup.sh bench  the test setup plus the benchmarks' baseline helper
# ECRTUI_APT=0 skips apt; PYTHON picks the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-test}
case "$mode" in
  demo) extra=demo ;;
  test | bench) extra=test ;;
  *) echo "usage: scripts/setup.sh [demo|test|bench]" >&2; exit 2 ;;
esac

# Every binary a test asks for (require_binary in tests/support/standins.py), and its package.
APT_PACKAGES=(docker-registry skopeo podman buildah tinyproxy gnome-keyring dbus-x11 apache2-utils
              libsecret-tools tmux golang-docker-credential-helpers pass gnupg docker.io)
BINARIES=(docker-registry skopeo podman buildah tinyproxy gnome-keyring-daemon dbus-daemon dbus-run-session
          htpasswd secret-tool tmux node docker-credential-pass docker-credential-secretservice pass gpg
          dockerd docker)
if [ "$mode" = bench ]; then
  APT_PACKAGES+=(amazon-ecr-credential-helper)  # the Go helper the benchmarks compare with
  BINARIES+=(docker-credential-ecr-login)
fi

if [ "$mode" != demo ] && [ "${ECRTUI_APT:-1}" = 1 ]; then
  missing=()
  for binary in "${BINARIES[@]}"; do
    command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    packages=("${APT_PACKAGES[@]}")
    command -v node >/dev/null 2>&1 || packages+=(nodejs)  # the action.yml shims' runtime
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)  # a CI runner's passwordless sudo; never a prompt
    if command -v apt-get >/dev/null 2>&1 && { [ ${#sudo[@]} = 0 ] || sudo -n true 2>/dev/null; }; then
      echo "setup: installing Debian packages for: ${missing[*]}"
      "${sudo[@]}" apt-get update -qq
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    else
      echo "setup: missing ${missing[*]}: tests that need them will be skipped." >&2
      echo "setup: install them with: sudo apt-get install --no-install-recommends ${packages[*]}" >&2
    fi
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# A stamp per extra: reinstall when pyproject.toml changed since (the test extra includes demo).
stamp=.venv/.ecrtui-installed-$extra
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet -e ".[$extra]"
  touch "$stamp"
fi
echo "setup: ready for $mode (.venv/bin/ecrtui)"
