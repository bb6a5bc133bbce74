#!/usr/bin/env bash
# Fails on breaking API changes (jsii-diff; every API is experimental today, so all changes count):
# against the latest release on npm once one exists, else against the API recorded in api/baseline/.jsii.
set -euo pipefail
name="$(node -p "require('./package.json').name")"
if version="$(npm view "$name" version 2>/dev/null)" && [ -n "$version" ]; then
  original="npm:$name@$version"
else
  original="api/baseline"
fi
echo "API compatibility of this build against $original"
npx jsii-diff --error-on all --keys --ignore-file api/compat-ignore.txt "$original" .
