#!/usr/bin/env bash
# Install Minutebook with its test tools into .venv, then type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/mypy
.venv/bin/pytest "$@"
