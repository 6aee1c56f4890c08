#!/usr/bin/env bash
# Every test: installs what is needed (install-deps.sh: the build and test packages, web
# servers included), builds with the tests, runs them (ctest). The integration tests start the
# project's AMI simulator on 127.0.0.1 only; the web tests start their servers on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DBUILD_TESTING=ON >/dev/null
built=$SECONDS
cmake --build build -j"$(nproc)"
echo "test.sh: build took $((SECONDS - built)) s"
tested=$SECONDS status=0
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@" || status=$?
echo "test.sh: tests took $((SECONDS - tested)) s (per label: ctest's Label Time Summary above)"
exit "$status"
