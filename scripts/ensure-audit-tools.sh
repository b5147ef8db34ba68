#!/usr/bin/env bash
# Installs Lighthouse for `make audit` into .test-tools/audit/ (git-ignored), once. A prefix of
# its own: npm removes from a prefix what it was not asked for, so Lighthouse and the test tools
# (scripts/ensure-test-tools.sh) would uninstall each other. `make test` does not need it.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.test-tools/audit
wanted="lighthouse@12.2.3"  # 13.x needs Node 22; Debian 12 has Node 18/20
if [[ -f "$tools/.installed" && "$(cat "$tools/.installed")" == "$wanted" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm is missing: sudo apt-get install -y npm" >&2
  exit 1
fi
mkdir -p "$tools"
npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error $wanted
echo "$wanted" > "$tools/.installed"
