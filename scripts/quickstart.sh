#!/usr/bin/env bash
# The main job on the built-in generated corpus: prepare data and tokenizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
config=configs/generated_gru.yaml
build/nmt-prepare --config "$config"
