#!/usr/bin/env bash
# Builds the VS Code extension in editors/vscode into a .vsix (the language client bundled with
# esbuild, so the package needs no node_modules) and prints its path.
#   scripts/build-vscode.sh          install the pinned npm dependencies (npm ci) and package
#   scripts/build-vscode.sh --test   also run the grammar, snapshot and unit tests first
# Without npm (Node.js) it prints a note and exits 0, so CI on a machine without Node passes.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"

run_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) run_tests=1 ;;
    -h | --help)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (use --test)" >&2
      exit 2
      ;;
  esac
done

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "build-vscode: npm/node not found; skipping the VS Code extension (install Node.js 20+ to build it)"
  exit 0
fi

# Offline when the npm cache already holds the pinned packages; the registry otherwise.
npm ci --prefer-offline --no-audit --no-fund --loglevel=error

if [ "$run_tests" = 1 ]; then
  npm test
fi

rm -f ./*.vsix
npm run --silent package >/dev/null
vsix="$(ls -t ./*.vsix | head -n 1)"
echo "$(pwd)/${vsix#./}"
