#!/usr/bin/env bash
# Runs the integration tests' flow with a local datastore and local metadata, then reads the run
# back through the client, so a broken flow or command line shows here and not after a deploy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
python="$root/.venv-flow/bin/python"
[ -x "$python" ] || python3 -m venv "$root/.venv-flow"
"$python" -m pip install --quiet --disable-pip-version-check -r "$root/test/integ/flows/requirements.txt"

work="$root/.tmp/flow-run"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export METAFLOW_HOME="$work/home" METAFLOW_USER=ci METAFLOW_DEFAULT_DATASTORE=local METAFLOW_DEFAULT_METADATA=local
"$python" "$root/test/integ/flows/platform_check_flow.py" --no-pylint run
"$python" "$root/test/integ/flows/check_latest_run.py"
