#!/usr/bin/env bash
# Installs the npm packages the site tests use into .test-tools/ (git-ignored), once:
# axe-core (the accessibility rules, injected into pages by Playwright), vnu-jar (the Nu HTML
# checker, run with Debian's headless JRE from system-packages.txt) and html-validate (its
# "recommended" rules: title length, forms with a submit button, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.test-tools
wanted="axe-core@4.14.1 vnu-jar@26.9.27 html-validate@10.17.0"
if [[ -f "$tools/.installed" && "$(cat "$tools/.installed")" == "$wanted" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  # Debian's nodejs comes without npm (NodeSource's brings its own, hence not in the list).
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
  else
    echo "npm is missing: sudo apt-get install -y npm" >&2
    exit 1
  fi
fi
mkdir -p "$tools"
npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error $wanted
echo "$wanted" > "$tools/.installed"
