#include "app/train/throughput.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>

#include "app/decode/model_dir.h"
#include "app/runtime/runtime.h"
#include "app/train/optimizer.h"
#include "app/train/prepare.h"
#include "app/train/train_step.h"
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
  auto batch_at = [&](int i) { return data::make_batch(*prepared.train, batches[i % batches.size()]).to(device); };
  const auto precision = models::parse_precision(t.precision);
  set_onednn_cache_capacity(kTrainingPrimitives);
  train_step(*model, *optimizer, batch_at(0), t.label_smoothing, t.clip_norm, precision);  // warm-up
  TrainThroughput out;
  out.steps = steps;
  const models::FlopCount forward_flops;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1; i <= steps; ++i)
    out.target_tokens += train_step(*model, *optimizer, batch_at(i), t.label_smoothing, t.clip_norm, precision).tokens;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.flops = 3 * forward_flops.flops();
  return out;
}

}  // namespace nmt
