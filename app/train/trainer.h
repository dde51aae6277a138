#pragma once
#include <string>

#include "app/config/config.h"

namespace nmt {

struct TrainOptions {
  bool resume = false;  // continue from the model directory's checkpoint
  // --resume auto: continue when the model directory has a checkpoint, start
  // (or fine-tune, with init_from) when it has none: what a rank restarted by
  // torchrun --max-restarts needs, at its first start and after a failure.
  bool resume_if_checkpoint = false;
  std::string init_from;  // fine-tuning: start from this model directory's weights (app/train/init_from.h)
};

// Trains the config's model: validation (perplexity, greedy BLEU), best model,
// checkpoints, early stopping, stop by epochs, steps or wall-clock budget;
// Ctrl-C or SIGTERM saves a checkpoint and stops. With torchrun's environment
// (or nmt-train --nproc) this process is one rank of a data-parallel run.
// Everything lands in training.model_dir (rank 0 writes it).
void train(const Config& config, const TrainOptions& options);

}  // namespace nmt
