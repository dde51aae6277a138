#pragma once
// A trained model is one self-contained directory: resolved config,
// tokenizer model(s), best weights, last checkpoint, metrics and log. The
// trainer writes it; every inference tool needs nothing else.
#include <torch/serialize/input-archive.h>

#include <string>
#include <vector>

#include "app/config/config.h"
#include "data/tokenizers.h"
#include "models/seq2seq.h"

namespace nmt {

struct ModelDir {
  std::string path;
  std::string config() const { return path + "/config.yaml"; }
  std::string best() const { return path + "/best.pt"; }
  std::string checkpoint() const { return path + "/checkpoint.pt"; }
  std::string metrics() const { return path + "/metrics.jsonl"; }
  std::string curves() const { return path + "/curves.svg"; }
  std::string log() const { return path + "/train.log"; }
  // training.keep_last_weights: weights/step-000001234.pt, one per validation.
  std::string kept_weights(int64_t step) const;
  std::vector<std::string> kept_weights() const;  // those on disk, oldest step first
  // spm.model when joint, else spm.src.model and spm.tgt.model.
  std::vector<std::string> tokenizer_models(bool joint) const;
};

// Copies the tokenizer model(s) into the model directory.
void store_tokenizers(const ModelDir& dir, const data::Tokenizers& tokenizers);

struct LoadedModel {
  Config config;
  data::Tokenizers tokenizers;
  models::Seq2Seq model;
  std::string device;
};

// Loads config, tokenizers and best weights from a model directory, in eval mode.
LoadedModel load_model_dir(const std::string& path, const std::string& device = "auto");

// Builds the config's network for the tokenizers' vocabularies.
models::Seq2Seq build_model_for(const Config& config, const data::Tokenizers& tokenizers);

// Model weights only, written atomically.
void save_weights(models::Seq2SeqImpl& model, const std::string& path);
// Reads a weights file (best.pt, weights/step-*.pt) or a training
// checkpoint's model weights (checkpoint.pt: the trained ones, not the average).
void load_weights(models::Seq2SeqImpl& model, const std::string& path);

// Loads `model`'s parameters and buffers from `archive` (read from `path`),
// insisting that each keeps its shape: LibTorch would otherwise resize a
// parameter to whatever the file holds, and a model of another size would
// load silently and fail later, far from the cause.
void load_matching(models::Seq2SeqImpl& model, torch::serialize::InputArchive& archive, const std::string& path);

}  // namespace nmt
