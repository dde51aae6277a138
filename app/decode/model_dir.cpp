#include "app/decode/model_dir.h"

#include <torch/serialize.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "app/runtime/runtime.h"
#include "common/error.h"
#include "data/atomic_file.h"
#include "data/checked_file.h"
#include "data/text_file.h"
#include "models/factory.h"

namespace nmt {

std::vector<std::string> ModelDir::tokenizer_models(bool joint) const {
  if (joint) return {path + "/spm.model"};
  return {path + "/spm.src.model", path + "/spm.tgt.model"};
}

std::string ModelDir::kept_weights(int64_t step) const {
  char name[32];
  std::snprintf(name, sizeof name, "step-%09lld.pt", static_cast<long long>(step));
  std::filesystem::create_directories(path + "/weights");
  return path + "/weights/" + name;
}

std::vector<std::string> ModelDir::kept_weights() const {
  std::vector<std::string> out;
  const auto dir = path + "/weights";
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("step-", 0) == 0 && entry.path().extension() == ".pt") out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());  // zero-padded steps: by name is by step
  return out;
}

void store_tokenizers(const ModelDir& dir, const data::Tokenizers& tok) {
  const auto targets = dir.tokenizer_models(tok.joint());
  const std::string sources[] = {tok.src->path(), tok.tgt->path()};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (std::filesystem::equivalent(sources[i], targets[i])) continue;
    data::replace_file_atomically(targets[i], [&](const std::string& tmp) {
      std::filesystem::copy_file(sources[i], tmp, std::filesystem::copy_options::overwrite_existing);
    });
  }
}

models::Seq2Seq build_model_for(const Config& config, const data::Tokenizers& tok) {
  return models::build_model(config.model, tok.src->vocab_size(), tok.tgt->vocab_size(), tok.joint());
}

void save_weights(models::Seq2SeqImpl& model, const std::string& path) {
  torch::serialize::OutputArchive archive;
  model.save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  data::write_checked_file(path, bytes.str());
}

void load_matching(models::Seq2SeqImpl& model, torch::serialize::InputArchive& archive, const std::string& path) {
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  for (const auto& p : model.named_parameters()) shapes.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : model.named_buffers()) shapes.emplace_back(b.key(), b.value().sizes().vec());
  try {
    model.load(archive);
  } catch (const c10::Error& e) {
    throw Error(path + ": cannot load weights (does the config match the model?): " + e.what_without_backtrace());
  }
  const auto parameters = model.named_parameters();
  const auto buffers = model.named_buffers();
  for (const auto& [name, expected] : shapes) {
    const auto* found = parameters.find(name);
    if (!found) found = buffers.find(name);
    if (found && found->sizes().vec() != expected)
      throw Error(path + ": cannot load weights (does the config match the model?): " + name + " has shape " +
                  c10::str(found->sizes()) + " in the file, the config's model needs " + c10::str(expected));
  }
}

void load_weights(models::Seq2SeqImpl& model, const std::string& path) {
  const auto bytes = data::read_checked_file(path, "weights");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(bytes.data(), bytes.size());
  } catch (const c10::Error& e) {
    throw Error(path + ": cannot read weights (damaged file?): " + e.what_without_backtrace());
  }
  // A training checkpoint holds the model's own weights (never the average) under "model".
  torch::serialize::InputArchive checkpoint_model;
  if (archive.try_read("model", checkpoint_model)) return load_matching(model, checkpoint_model, path);
  load_matching(model, archive, path);
}

LoadedModel load_model_dir(const std::string& path, const std::string& device) {
  ModelDir dir{path};
  if (!std::filesystem::is_directory(path)) throw Error(path + ": model directory not found");
  LoadedModel out;
  out.config = load_config(dir.config());
  const auto joint_models = dir.tokenizer_models(true);
  const bool joint = data::file_exists(joint_models.front());
  const auto models = dir.tokenizer_models(joint);
  out.tokenizers = data::load_tokenizers(models.front(), models.back());
  out.model = build_model_for(out.config, out.tokenizers);
  load_weights(*out.model, dir.best());
  out.device = resolve_device(device, "--device");
  out.model->to(torch::Device(out.device));
  out.model->eval();
  return out;
}

}  // namespace nmt
