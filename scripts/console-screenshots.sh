#!/usr/bin/env bash
# Runs the console's browser test (tests/tests/console.rs) and copies the screenshots it takes to
# docs/console/, where README.md shows them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/test.sh --test console
source scripts/env.sh
mkdir -p docs/console
cp "$CARGO_TARGET_DIR/console-screenshots/"*.png docs/console/
ls -l docs/console
