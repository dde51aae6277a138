#include "app/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize.h>

#include <filesystem>

#include "data/error.h"
#include "data/text_file.h"

namespace nmt {
namespace {

// Scalars are stored as one-element float64 tensors (exact for the integers we keep).
void put(torch::serialize::OutputArchive& a, const char* key, double value) {
  a.write(key, torch::tensor(value, torch::kFloat64));
}

double get(torch::serialize::InputArchive& a, const char* key) {
  torch::Tensor t;
  a.read(key, t);
  return t.item<double>();
}

}  // namespace

void save_checkpoint(const std::string& path, models::Seq2SeqImpl& model,
                     torch::optim::Optimizer& optimizer, const TrainerState& s) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  put(archive, "step", static_cast<double>(s.step));
  put(archive, "epoch", static_cast<double>(s.epoch));
  put(archive, "batch_in_epoch", static_cast<double>(s.batch_in_epoch));
  put(archive, "has_best", s.has_best ? 1 : 0);
  put(archive, "best_score", s.best_score);
  put(archive, "best_step", static_cast<double>(s.best_step));
  put(archive, "validations_without_improvement", static_cast<double>(s.validations_without_improvement));
  put(archive, "lr_plateau_scale", s.lr_plateau_scale);
  put(archive, "lr_bad_validations", static_cast<double>(s.lr_bad_validations));
  put(archive, "train_seconds", s.train_seconds);
  archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
  archive.save_to(path + ".tmp");
  std::filesystem::rename(path + ".tmp", path);
}

void load_checkpoint(const std::string& path, models::Seq2SeqImpl& model,
                     torch::optim::Optimizer& optimizer, TrainerState& s) {
  if (!data::file_exists(path)) throw Error(path + ": no checkpoint to resume from");
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(path);
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model.load(model_archive);
    optimizer.load(optimizer_archive);
    s.step = static_cast<int64_t>(get(archive, "step"));
    s.epoch = static_cast<int64_t>(get(archive, "epoch"));
    s.batch_in_epoch = static_cast<int64_t>(get(archive, "batch_in_epoch"));
    s.has_best = get(archive, "has_best") != 0;
    s.best_score = get(archive, "best_score");
    s.best_step = static_cast<int64_t>(get(archive, "best_step"));
    s.validations_without_improvement = static_cast<int64_t>(get(archive, "validations_without_improvement"));
    s.lr_plateau_scale = get(archive, "lr_plateau_scale");
    s.lr_bad_validations = static_cast<int64_t>(get(archive, "lr_bad_validations"));
    s.train_seconds = get(archive, "train_seconds");
    torch::Tensor rng;
    archive.read("rng", rng);
    auto generator = at::detail::getDefaultCPUGenerator();
    generator.set_state(rng);
  } catch (const c10::Error& e) {
    throw Error(path + ": cannot load checkpoint (does the config match?): " + e.what_without_backtrace());
  }
}

}  // namespace nmt
