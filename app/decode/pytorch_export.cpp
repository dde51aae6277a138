#include "app/decode/pytorch_export.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <filesystem>

#include "app/decode/model_dir.h"
#include "data/output_directory.h"
#include "common/error.h"
#include "data/special_ids.h"
#include "data/text_file.h"

namespace nmt {
namespace {

constexpr int kFormatVersion = 1;

nlohmann::json export_config(const Config& config, const data::Tokenizers& tokenizers,
                             const torch::OrderedDict<std::string, torch::Tensor>& weights) {
  const auto& m = config.model;
  const auto& d = config.decoding;
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& w : weights) shapes[w.key()] = w.value().sizes().vec();
  return {
      {"format", "nmt-pytorch"},
      {"version", kFormatVersion},
      {"model",
       {{"type", m.type},
        {"embedding_dim", m.embedding_dim},
        {"hidden_dim", m.hidden_dim},
        {"encoder_layers", m.encoder_layers},
        {"decoder_layers", m.decoder_layers},
        {"bidirectional", m.bidirectional},
        {"tie_embeddings", m.tie_embeddings},
        {"heads", m.heads},
        {"ff_dim", m.ff_dim},
        {"pre_norm", m.pre_norm}}},
      {"vocabulary",
       {{"joint", tokenizers.joint()},
        {"source_size", tokenizers.src->vocab_size()},
        {"target_size", tokenizers.tgt->vocab_size()},
        {"pad", data::kPadId},
        {"unk", data::kUnkId},
        {"bos", data::kBosId},
        {"eos", data::kEosId}}},
      {"languages", {{"source", config.data.src_lang}, {"target", config.data.tgt_lang}}},
      {"decoding",
       {{"beam_size", d.beam_size},
        {"length_penalty", d.length_penalty},
        {"max_length_a", d.max_length_a},
        {"max_length_b", d.max_length_b},
        {"batch_size", d.batch_size}}},
      {"weights", shapes},
  };
}

}  // namespace

void export_pytorch(const std::string& model_dir, const std::string& out, bool force) {
  const auto weights_path = out + "/weights.pt";
  data::require_empty_directory(out, "nmt-export", force);
  auto loaded = load_model_dir(model_dir, "cpu");
  // Parameters and buffers by their module names; a tied embedding is one
  // parameter (the output layer and the target side use src_embed.weight).
  torch::OrderedDict<std::string, torch::Tensor> weights;
  for (const auto& p : loaded.model->named_parameters()) weights.insert(p.key(), p.value().detach().to(torch::kFloat32).contiguous());
  for (const auto& b : loaded.model->named_buffers()) weights.insert(b.key(), b.value().detach().to(torch::kFloat32).contiguous());
  c10::Dict<std::string, torch::Tensor> state;
  for (const auto& w : weights) state.insert(w.key(), w.value());
  const auto bytes = torch::pickle_save(c10::IValue(state));

  std::filesystem::create_directories(out);
  store_tokenizers(ModelDir{out}, loaded.tokenizers);
  data::write_file_atomically(out + "/config.json",
                              export_config(loaded.config, loaded.tokenizers, weights).dump(2) + "\n");
  // The weights last: a directory with weights.pt is complete.
  data::write_file_atomically(weights_path, std::string(bytes.begin(), bytes.end()));
  spdlog::info("exported {} ({} {}, {} tensors) to {}", model_dir, loaded.config.model.type,
               loaded.tokenizers.joint() ? "joint vocabulary" : "two vocabularies", weights.size(), out);
}

}  // namespace nmt
