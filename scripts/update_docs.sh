#!/usr/bin/env bash
# Regenerates docs/configuration.md (from the config schema), docs/benchmarks.md
# (from docs/results/*.jsonl) and docs/cli.md
# (from each tool's --help) after a change to either; a test fails until then.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j"$(nproc)" >/dev/null
NMT_UPDATE_DOCS=1 build/nmt-tests "[docs]"
