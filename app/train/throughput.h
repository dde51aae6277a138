#pragma once
// Training throughput on a config's own batches, with the trainer's model,
// optimizer and device: what nmt-benchmark reports.
#include <cstdint>

#include "app/config/config.h"

namespace nmt {

struct TrainThroughput {
  int steps = 0;
  int64_t target_tokens = 0;
  double seconds = 0;
  // Matrix-product FLOPs of the timed steps: the forward pass's, counted where
  // the products run (models/flop_count.h), times 3, since the backward pass
  // multiplies matrices of the same sizes twice (the input's and the weight's
  // gradients).
  double flops = 0;
  // Included in `seconds`: the parameter average's updates (training.ema_decay)
  // and the wait for the subword sampling of the batches (tokenizer.sampling_nbest),
  // which runs ahead on another thread and takes `sampling_seconds` there.
  double average_seconds = 0;
  double sampling_waited_seconds = 0;
  double sampling_seconds = 0;
  double tokens_per_second() const { return seconds > 0 ? target_tokens / seconds : 0; }
  double gflops_per_second() const { return seconds > 0 ? flops / seconds / 1e9 : 0; }
  double seconds_per_step() const { return steps > 0 ? seconds / steps : 0; }
};

// Prepares the config's data, builds fresh weights and times `steps` training
// steps after one untimed warm-up step.
TrainThroughput measure_training(const Config& config, int steps);

}  // namespace nmt
