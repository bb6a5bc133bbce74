#!/usr/bin/env bash
# Runs the contract suite (test/contract) after test/contract/setup.sh; says so and passes when no service source was found.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
if [ ! -x "$root/.contract/venv/bin/python" ] || [ ! -f "$root/.contract/service/run_goose.py" ]; then
  echo "contract suite skipped: no metaflow-service v2.5.1 source (see test/contract/setup.sh)"
  exit 0
fi
cd "$root"
exec .contract/venv/bin/python -m pytest -q -p no:cacheprovider test/contract "$@"
