#!/usr/bin/env bash
# Install Minutebook with its test tools into .venv, then type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")"
# The browser tests drive Debian's Chromium: install it when it is missing and we may (else they skip).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
        || echo "warning: could not install chromium; the browser tests will skip" >&2
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/mypy
.venv/bin/pytest "$@"
