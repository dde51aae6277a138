#pragma once
// A small generated corpus, its tokenizer and an untrained network: enough
// for unit tests of the translator, checkpoints and model directories.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <string>

#include "app/config/config.h"
#include "app/decode/model_dir.h"
#include "app/train/checkpoint.h"
#include "app/train/optimizer.h"
#include "app/train/prepare.h"
#include "data/text_file.h"
#include "helpers.h"

namespace nmt::test {

inline Config tiny_config(const std::string& dir, const std::string& type = "gru") {
  Config c;
  c.data.train = dir + "/train";
  c.data.valid = dir + "/valid";
  c.data.test = dir + "/test";
  c.data.generate = true;
  c.data.generate_train = 1000;
  c.data.generate_valid = 20;
  c.data.generate_test = 20;
  c.tokenizer.prefix = dir + "/spm";
  c.tokenizer.vocab_size = 150;
  c.model.type = type;
  c.model.embedding_dim = 32;
  c.model.hidden_dim = 32;
  c.model.heads = 2;
  c.model.ff_dim = 64;
  c.model.encoder_layers = type == "transformer" ? 2 : 1;
  c.model.decoder_layers = type == "transformer" ? 2 : 1;
  c.model.dropout = 0.1;
  c.training.model_dir = dir + "/model";
  return c;
}

struct TinyModel {
  Config config;
  PreparedData data;
  models::Seq2Seq model;
};

// Prepares the corpus (generated once per scratch dir) and builds a model with seed 1.
inline TinyModel tiny_model(const std::string& name, const std::string& type = "gru") {
  const auto dir = (std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / name).string();
  std::filesystem::create_directories(dir);
  TinyModel t{tiny_config(dir, type), {}, nullptr};
  t.data = prepare_data(t.config);
  torch::manual_seed(1);
  t.model = build_model_for(t.config, t.data.tokenizers);
  return t;
}

// A model directory of `t`, written piece by piece as the trainer does.
inline ModelDir write_model_dir(const TinyModel& t, const std::string& name) {
  ModelDir dir{scratch_dir(name).string()};
  store_tokenizers(dir, t.data.tokenizers);
  data::write_file_atomically(dir.config(), to_yaml(t.config));
  save_weights(*t.model, dir.best());
  return dir;
}

// A checkpoint file loaded into a fresh network and optimizer of `config`.
// With training.ema_decay, the parameter average too.
struct LoadedCheckpoint {
  models::Seq2Seq model;
  std::unique_ptr<torch::optim::Adam> optimizer;
  TrainerState state;
  std::unique_ptr<ExponentialAverage> average;
};

inline LoadedCheckpoint load_checkpoint_for(const Config& config, const std::string& path) {
  const auto data = prepare_data(config);
  LoadedCheckpoint out{build_model_for(config, data.tokenizers), nullptr, {}, nullptr};
  out.optimizer = make_optimizer(config.training, *out.model);
  if (config.training.ema_decay > 0)
    out.average = std::make_unique<ExponentialAverage>(*out.model, config.training.ema_decay);
  REQUIRE(load_checkpoint(path, *out.model, *out.optimizer, out.state, out.average.get()));
  return out;
}

// Largest |a - b| / max |a| over the tensors of two models of one shape. The
// attention key biases are left out: their gradient is zero in exact
// arithmetic (they add one constant to every score of a query), so what they
// get is rounding noise, which Adam scales up to steps of the learning rate;
// in two runs that sum in different orders they agree only to ~1 relative.
inline double relative_weight_difference(models::Seq2SeqImpl& a, models::Seq2SeqImpl& b) {
  const auto pb = b.named_parameters();
  double worst = 0;
  for (const auto& p : a.named_parameters()) {
    if (p.key().find("k_proj.bias") != std::string::npos) continue;
    const double scale = std::max(p.value().abs().max().item<double>(), 1e-12);
    worst = std::max(worst, (p.value() - pb[p.key()]).abs().max().item<double>() / scale);
  }
  return worst;
}

}  // namespace nmt::test
