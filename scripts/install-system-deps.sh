#!/usr/bin/env bash
# Installs the Debian packages DPSynth builds against, only those missing.
# Idempotent: a second run installs nothing and needs no network.
set -euo pipefail

packages=(libsodium-dev libgmp-dev libsqlite3-dev libopenblas-dev libpq-dev postgresql pkg-config)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
# The dataset fetch needs Python with pip (any Python 3 on the PATH will do).
if ! python3 -m pip --version >/dev/null 2>&1; then
    missing+=(python3 python3-pip)
fi

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "Installing missing system packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
else
    sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
