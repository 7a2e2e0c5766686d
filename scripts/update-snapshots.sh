#!/usr/bin/env bash
# Re-runs every snapshot test (insta snapshots of the workspace tests, the generated
# docs/diagnostics.md, and the `dg test` cases under scripts/ and fixtures/projects/) and
# accepts every change. Review `git diff` afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
INSTA_UPDATE=always DG_UPDATE_DOCS=1 cargo test --workspace "$@" || true
cargo build -p dg_cli
for dir in scripts fixtures/projects; do
  ./target/debug/dg test "$dir" --update >/dev/null
done
cargo test --workspace "$@"
