#!/usr/bin/env bash
# Creates .venv with the Python packages the compatibility suites use
# (pinned in tests/compat/requirements.txt) and prints its python path.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ] || ! cmp -s tests/compat/requirements.txt .venv/.requirements 2>/dev/null; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r tests/compat/requirements.txt
  cp tests/compat/requirements.txt .venv/.requirements
fi
echo "$PWD/.venv/bin/python"
