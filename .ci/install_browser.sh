#!/usr/bin/env bash
# What the browser tests (tests/geo/test_maps_browser.py) need, on a bare Debian:
# Debian's chromium (playwright drives it through executable_path; no browser
# download), playwright-python, and the npm packages the maps inline
# (hash-checked into the asset cache, $GEO_ASSETS_DIR or the user cache).
# Run from the repository root with the project's Python environment active.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python}"

if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium >/dev/null
fi
"$PYTHON" -m pip install -q playwright
"$PYTHON" -m geo.maps.assets fetch
