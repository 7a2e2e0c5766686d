#!/usr/bin/env bash
# Re-runs the snapshot tests and accepts every changed snapshot. Review `git diff` afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
INSTA_UPDATE=always cargo test --workspace --test fixtures --test syntax "$@" || true
cargo test --workspace --test fixtures --test syntax "$@"
