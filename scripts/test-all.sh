#!/usr/bin/env bash
# Installs what the tests need on a fresh machine, then runs every test (`npm test`).
# Postgres: TEST_DATABASE_URL / DATABASE_URL when set, else the tests start an embedded one.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }
  else
    echo "Please install: $* (e.g. sudo apt-get install -y $*)" >&2
    return 1
  fi
}

# The browser tests drive Debian's Chromium (no browser download).
if ! command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null 2>&1; then
  echo "installing chromium…"
  apt_install chromium
fi
# CJK glyphs, so zh-CN screenshots are legible (the tests pass without them).
if command -v fc-list >/dev/null 2>&1 && ! fc-list 2>/dev/null | grep -qi "CJK"; then
  apt_install fonts-noto-cjk || echo "fonts-noto-cjk not installed: zh-CN screenshots will show boxes" >&2
fi

# The reports tests compare Kairos with what email_center ran: Python's Jinja2 over pandas.
if ! /usr/bin/python3 -c "import pandas, jinja2, openpyxl" >/dev/null 2>&1; then
  echo "installing python3-pandas, python3-jinja2, python3-openpyxl…"
  apt_install python3-pandas python3-jinja2 python3-openpyxl
fi

if [ ! -d node_modules ] || [ "${CI:-}" = "true" ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
export NEXT_TELEMETRY_DISABLED=1
npx biome check .
npm test
