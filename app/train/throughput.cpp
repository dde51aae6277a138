#include "app/train/throughput.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <memory>

#include "app/decode/model_dir.h"
#include "app/runtime/runtime.h"
#include "app/train/batch_prefetch.h"
#include "app/train/exponential_average.h"
#include "app/train/optimizer.h"
#include "app/train/prepare.h"
#include "app/train/subword_sampling.h"
#include "app/train/train_step.h"
#include "common/stopwatch.h"
#include "data/batching.h"
#include "models/flop_count.h"

namespace nmt {

TrainThroughput measure_training(const Config& config, int steps) {
  const auto& t = config.training;
  spdlog::info("training throughput: {} steps", steps);
  const auto prepared = prepare_data(config);
  torch::manual_seed(t.seed);
  const torch::Device device(resolve_device(t.device));
  auto model = build_model_for(config, prepared.tokenizers);
  model->to(device);
  auto optimizer = make_optimizer(t, *model);
  const auto batches = data::plan_batches(prepared.train->lengths(), {t.batch_tokens, t.batch_sentences}, 1, true);
  std::unique_ptr<SubwordSampler> sampler;
  if (config.tokenizer.sampling_nbest != 0)
    sampler = std::make_unique<SubwordSampler>(prepared.tokenizers, config.tokenizer, config.data.max_length);
  std::unique_ptr<ExponentialAverage> average;
  if (t.ema_decay > 0) average = std::make_unique<ExponentialAverage>(*model, t.ema_decay);
  TrainThroughput out;
  std::unique_ptr<BatchPrefetch> prefetch;
  if (sampler) prefetch = std::make_unique<BatchPrefetch>(*sampler, *prepared.train);
  // As the trainer does: the next batch sampled while this one computes.
  auto batch_at = [&](int i) {
    const auto& members = batches[i % batches.size()];
    if (!prefetch) return data::make_batch(*prepared.train, members).to(device);
    double waited = 0, sampled = 0;
    auto batch = prefetch->take(members, static_cast<std::uint64_t>(i), waited, sampled);
    prefetch->start(batches[(i + 1) % batches.size()], static_cast<std::uint64_t>(i) + 1);
    if (i > 0) out.sampling_seconds += sampled, out.sampling_waited_seconds += waited;
    return batch.to(device);
  };
  const auto precision = models::parse_precision(t.precision);
  set_onednn_cache_capacity(kTrainingPrimitives);
  train_step(*model, *optimizer, batch_at(0), t.label_smoothing, t.clip_norm, precision);  // warm-up
  out.steps = steps;
  const models::FlopCount forward_flops;
  const auto start = Clock::now();
  for (int i = 1; i <= steps; ++i) {
    out.target_tokens += train_step(*model, *optimizer, batch_at(i), t.label_smoothing, t.clip_norm, precision).tokens;
    if (average) {
      const auto update_start = Clock::now();
      average->update(i);
      out.average_seconds += seconds_since(update_start);
    }
  }
  out.seconds = seconds_since(start);
  out.flops = 3 * forward_flops.flops();
  return out;
}

}  // namespace nmt
