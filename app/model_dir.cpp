#include "app/model_dir.h"

#include <torch/serialize.h>

#include <filesystem>

#include "app/runtime.h"
#include "data/error.h"
#include "data/text_file.h"
#include "models/factory.h"

namespace nmt {

std::vector<std::string> ModelDir::tokenizer_models(bool joint) const {
  if (joint) return {path + "/spm.model"};
  return {path + "/spm.src.model", path + "/spm.tgt.model"};
}

void store_tokenizers(const ModelDir& dir, const Tokenizers& tok) {
  const auto targets = dir.tokenizer_models(tok.joint());
  const std::string sources[] = {tok.src->path(), tok.tgt->path()};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (std::filesystem::equivalent(sources[i], targets[i])) continue;
    std::filesystem::copy_file(sources[i], targets[i] + ".tmp",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(targets[i] + ".tmp", targets[i]);
  }
}

models::Seq2Seq build_model_for(const Config& config, const Tokenizers& tok) {
  return models::build_model(config.model, tok.src->vocab_size(), tok.tgt->vocab_size(), tok.joint());
}

void save_weights(models::Seq2SeqImpl& model, const std::string& path) {
  torch::serialize::OutputArchive archive;
  model.save(archive);
  archive.save_to(path + ".tmp");
  std::filesystem::rename(path + ".tmp", path);
}

void load_weights(models::Seq2SeqImpl& model, const std::string& path) {
  if (!data::file_exists(path)) throw Error(path + ": weights not found");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
    model.load(archive);
  } catch (const c10::Error& e) {
    throw Error(path + ": cannot load weights (does the config match the model?): " +
                e.what_without_backtrace());
  }
}

LoadedModel load_model_dir(const std::string& path, const std::string& device) {
  ModelDir dir{path};
  if (!std::filesystem::is_directory(path)) throw Error(path + ": model directory not found");
  LoadedModel out;
  out.config = load_config(dir.config());
  const auto joint_models = dir.tokenizer_models(true);
  const bool joint = data::file_exists(joint_models.front());
  const auto models = dir.tokenizer_models(joint);
  out.tokenizers = load_tokenizers(models.front(), models.back());
  out.model = build_model_for(out.config, out.tokenizers);
  load_weights(*out.model, dir.best());
  out.device = resolve_device(device);
  out.model->to(torch::Device(out.device));
  out.model->eval();
  return out;
}

}  // namespace nmt
