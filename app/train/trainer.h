#pragma once
#include "app/config/config.h"

namespace nmt {

struct TrainOptions {
  bool resume = false;  // continue from the model directory's checkpoint
};

// Trains the config's model: validation (perplexity, greedy BLEU), best model,
// checkpoints, early stopping, stop by epochs, steps or wall-clock budget,
// Ctrl-C saves a checkpoint. Everything lands in training.model_dir.
void train(const Config& config, const TrainOptions& options);

}  // namespace nmt
