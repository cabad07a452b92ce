#!/usr/bin/env bash
# Chromium and its WebDriver for the browser tests (tests/browser), from Debian's packages only:
# Selenium never downloads a browser or a driver here.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then
    echo "install-chromium.sh: /usr/bin/chromium or /usr/bin/chromedriver is missing, and installing" \
        "them needs root: run 'sudo apt-get install chromium chromium-driver' (Debian's packages)," \
        "then this again" >&2
    exit 1
fi
echo "install-chromium.sh: installing Debian's chromium and chromium-driver" >&2
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
for tool in /usr/bin/chromium /usr/bin/chromedriver; do
    if [[ ! -x "$tool" ]]; then
        echo "install-chromium.sh: $tool is still missing after apt-get install" >&2
        exit 1
    fi
done
