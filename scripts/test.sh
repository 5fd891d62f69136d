#!/usr/bin/env bash
# Runs every test file (unit tests beside the code, integration tests under test/).
# Node 20's test runner does not expand globs itself, so the files are listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=2 --test-timeout=300000 "$@" "${files[@]}"
