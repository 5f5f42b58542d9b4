#!/usr/bin/env bash
# One-command setup: the virtual environment with ecrtui and its test tools, and (as root)
# the Debian packages the real stand-ins need. Without root it says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(docker-registry skopeo podman tinyproxy gnome-keyring dbus-x11 apache2-utils
              libsecret-tools tmux amazon-ecr-credential-helper buildah golang-docker-credential-helpers pass gnupg docker.io)
# Every binary a test or benchmark asks for (tests/conftest.py require_binary).
BINARIES=(docker-registry skopeo podman tinyproxy gnome-keyring-daemon dbus-daemon dbus-run-session
          htpasswd secret-tool tmux docker-credential-ecr-login node buildah docker-credential-pass
          docker-credential-secretservice pass gpg dockerd)

want_apt=${ECRTUI_APT:-1}
missing=()
for binary in "${BINARIES[@]}"; do
  command -v "$binary" >/dev/null 2>&1 || missing+=("$binary")
done
if [ "$want_apt" = 1 ] && [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages for: ${missing[*]}"
    packages=("${APT_PACKAGES[@]}")
    command -v node >/dev/null 2>&1 || packages+=(nodejs)  # the action.yml shims' runtime
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
  else
    echo "setup: missing ${missing[*]}: tests that need them will be skipped." >&2
    echo "setup: install them with: sudo apt-get install ${APT_PACKAGES[*]}" >&2
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.ecrtui-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet -e '.[test]'
  touch "$stamp"
fi
echo "setup: ready (.venv/bin/ecrtui)"
