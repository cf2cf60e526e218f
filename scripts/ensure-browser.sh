#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright
# drives it; browser downloads are not possible on the project's machines).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
echo "browser: installing Debian's chromium"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null || { echo "browser: chromium is not installed" >&2; exit 1; }
