#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and demoing eecall needs.
# Safe to run again; needs root (or sudo).
set -euo pipefail
packages=(
  build-essential cmake pkg-config ca-certificates
  libboost-dev          # Boost.Asio (header-only)
  libcgicc-dev          # CGI request parsing
  libspdlog-dev         # logging (brings libfmt-dev)
  libgtest-dev          # GoogleTest
  nlohmann-json3-dev    # JSON answers
  libtinyxml2-dev       # XML answers
  libcli11-dev          # command-line options
  libssl-dev            # MD5 and base64 (OpenSSL libcrypto)
)
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
