#!/usr/bin/env bash
# Fails on breaking API changes (jsii-diff; every API is experimental today, so all changes count):
# against the latest release on npm once one exists, else against the API recorded in api/.baseline/.jsii.
# Only npm's "not found" (the package was never published) selects the baseline: any other failure of the
# look-up (network, registry, auth) fails the check, so a broken look-up cannot hide a break of the released API.
set -euo pipefail
name="$(node -p "require('./package.json').name")"
if output="$(npm view "$name" version 2>&1)"; then
  original="npm:$name@${output##*$'\n'}"
elif grep -q 'E404' <<<"$output"; then
  echo "$name is not published yet: comparing with api/.baseline"
  original="api/.baseline"
else
  echo "Could not look up the latest release of $name on npm, so its API cannot be compared:" >&2
  echo "$output" >&2
  exit 1
fi
echo "API compatibility of this build against $original"
npx jsii-diff --error-on all --keys --ignore-file api/compat-ignore.txt "$original" .
