#!/usr/bin/env bash
# Builds eecall, its modules and its man page in ./build, with only the build packages
# (install-deps.sh --build: no web server, no test tool) and without the tests: what the .deb
# needs, fit for a FreePBX box. Then `(cd build && cpack -G DEB)` (docs/install.md).
# scripts/test.sh builds the tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --build
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DBUILD_TESTING=OFF >/dev/null
cmake --build build -j"$(nproc)"
