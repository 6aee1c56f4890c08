#!/usr/bin/env bash
# Every test: installs what is needed, builds, runs the unit and integration tests (ctest).
# The integration tests start the project's AMI simulator on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
