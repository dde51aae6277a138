#include "app/train/init_from.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "app/decode/model_dir.h"
#include "app/train/prepare.h"
#include "common/error.h"
#include "data/atomic_file.h"
#include "data/text_file.h"

namespace nmt {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// model.* keys that fix the network's parameters: all of them but dropout.
void require_same_network(const ModelConfig& mine, const ModelConfig& theirs, const std::string& their_file) {
  auto same = [&](const char* key, const auto& a, const auto& b) {
    if (a == b) return;
    std::ostringstream msg;
    msg << std::boolalpha << "--init-from: model." << key << " is " << b << " in " << their_file << " but " << a
        << " in this config: fine-tuning keeps the network (only model.dropout may change)";
    throw Error(msg.str());
  };
  same("type", mine.type, theirs.type);
  same("embedding_dim", mine.embedding_dim, theirs.embedding_dim);
  same("hidden_dim", mine.hidden_dim, theirs.hidden_dim);
  same("encoder_layers", mine.encoder_layers, theirs.encoder_layers);
  same("decoder_layers", mine.decoder_layers, theirs.decoder_layers);
  same("bidirectional", mine.bidirectional, theirs.bidirectional);
  same("tie_embeddings", mine.tie_embeddings, theirs.tie_embeddings);
  same("heads", mine.heads, theirs.heads);
  same("ff_dim", mine.ff_dim, theirs.ff_dim);
  same("pre_norm", mine.pre_norm, theirs.pre_norm);
}

}  // namespace

void adopt_model_dir(const Config& config, const std::string& dir) {
  const ModelDir source{dir};
  if (!std::filesystem::is_directory(dir)) throw Error("--init-from " + dir + ": model directory not found");
  const auto theirs = load_config(source.config());
  require_same_network(config.model, theirs.model, source.config());
  if (config.tokenizer.joint != theirs.tokenizer.joint)
    throw Error(std::string("--init-from: tokenizer.joint is ") + (theirs.tokenizer.joint ? "true" : "false") +
                " in " + source.config() + " but " + (config.tokenizer.joint ? "true" : "false") +
                " in this config: fine-tuning keeps the tokenizer");
  const auto from = source.tokenizer_models(config.tokenizer.joint);
  const auto to = tokenizer_paths(config);
  for (std::size_t i = 0; i < to.size(); ++i) {
    if (!data::file_exists(to[i])) {
      data::replace_file_atomically(to[i], [&](const std::string& tmp) {
        std::filesystem::copy_file(from[i], tmp, std::filesystem::copy_options::overwrite_existing);
      });
      spdlog::info("tokenizer {} copied from {}", to[i], from[i]);
    } else if (file_bytes(to[i]) != file_bytes(from[i])) {
      throw Error("--init-from: " + to[i] + " (this config's tokenizer.prefix) differs from " + from[i] +
                  ": fine-tuning keeps the model's vocabulary; point tokenizer.prefix at a new path, where the "
                  "model's tokenizer will be copied");
    }
  }
}

void load_initial_weights(models::Seq2SeqImpl& model, const std::string& dir) {
  const ModelDir source{dir};
  load_weights(model, source.best());
  spdlog::info("initialized from {} (fresh optimizer, schedule, step counter, best score and data position)",
               source.best());
}

}  // namespace nmt
