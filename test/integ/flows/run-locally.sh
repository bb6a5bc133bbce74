#!/usr/bin/env bash
# Runs the integration tests' flows with a local datastore and local metadata, then reads each run
# back through the client, so a broken flow or command line shows here and not after a deploy.
# Metaflow runs a @parallel step locally as one process per node (metaflow plugins/parallel_decorator.py,
# _local_multinode_control_task_step_func), so the multi-node flow's exchange happens over loopback.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
python="$root/.venv-flow/bin/python"
[ -x "$python" ] || python3 -m venv "$root/.venv-flow"
"$python" -m pip install --quiet --disable-pip-version-check -r "$root/test/integ/flows/requirements.txt"

work="$root/.tmp/flow-run"
rm -rf "$work" && mkdir -p "$work" && cd "$work"
# Metaflow starts the extra nodes of a @parallel step with `python3` from PATH, so the venv goes first.
export PATH="$root/.venv-flow/bin:$PATH"
export METAFLOW_HOME="$work/home" METAFLOW_USER=ci METAFLOW_DEFAULT_DATASTORE=local METAFLOW_DEFAULT_METADATA=local
"$python" "$root/test/integ/flows/platform_check_flow.py" --no-pylint run
"$python" "$root/test/integ/flows/check_latest_run.py"
"$python" "$root/test/integ/flows/parallel_check_flow.py" --no-pylint run
"$python" "$root/test/integ/flows/check_parallel_run.py"
