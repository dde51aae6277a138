#include "app/train/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize.h>

#include <sstream>

#include "app/decode/model_dir.h"
#include "common/error.h"
#include "data/checked_file.h"
#include "data/text_file.h"

namespace nmt {
namespace {

// Every scalar of the trainer state with its key in the archive. The keys are
// the file format: old checkpoints must keep loading.
template <class State, class Visit>
void for_each_scalar(State& s, Visit&& visit) {
  visit("step", s.step);
  visit("epoch", s.epoch);
  visit("batch_in_epoch", s.batch_in_epoch);
  visit("has_best", s.has_best);
  visit("best_score", s.best_score);
  visit("best_step", s.best_step);
  visit("validations_without_improvement", s.validations_without_improvement);
  visit("lr_plateau_scale", s.schedule.scale);
  visit("lr_bad_validations", s.schedule.bad_validations);
  visit("train_seconds", s.train_seconds);
}

// Added after the first checkpoints were written. Absent schedule_best_score
// means "as best_score"; absent data keys mean "unknown".
constexpr const char* kScheduleBest = "schedule_best_score";
constexpr const char* kDataChecksum = "data_checksum";  // int64 with the checksum's bits
constexpr const char* kTrainPairs = "train_pairs";
constexpr const char* kRankRngs = "rng_ranks";  // [ranks, bytes]; "rng" stays rank 0's
constexpr const char* kTimeProgress = "lr_time_progress";  // absent: 0, no time spent

// Scalars are stored as one-element float64 tensors (exact for the integers we keep).
struct Writer {
  torch::serialize::OutputArchive& archive;
  template <class T>
  void operator()(const char* key, const T& value) const {
    archive.write(key, torch::tensor(static_cast<double>(value), torch::kFloat64));
  }
};

struct Reader {
  torch::serialize::InputArchive& archive;
  template <class T>
  void operator()(const char* key, T& value) const {
    torch::Tensor t;
    archive.read(key, t);
    if constexpr (std::is_same_v<T, bool>) value = t.item<double>() != 0;
    else value = static_cast<T>(t.item<double>());
  }
};

}  // namespace

void save_checkpoint(const std::string& path, models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                     const TrainerState& s, const ExponentialAverage* average, const torch::Tensor& rank_rngs) {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model.save(model_archive);
  optimizer.save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  for_each_scalar(s, Writer{archive});
  Writer{archive}(kScheduleBest, s.schedule_best_score);
  Writer{archive}(kTrainPairs, s.train_pairs);
  Writer{archive}(kTimeProgress, s.schedule.time_progress);
  archive.write(kDataChecksum, torch::tensor(static_cast<int64_t>(s.data_checksum), torch::kInt64));
  archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
  if (rank_rngs.defined()) archive.write(kRankRngs, rank_rngs);
  if (average) average->write(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  data::write_checked_file(path, bytes.str());
}

std::string read_checkpoint(const std::string& path) {
  if (!data::file_exists(path)) throw Error(path + ": no checkpoint to resume from");
  return data::read_checked_file(path, "checkpoint");
}

bool restore_checkpoint(const std::string& bytes, const std::string& name, models::Seq2SeqImpl& model,
                        torch::optim::Optimizer& optimizer, TrainerState& s, ExponentialAverage* average,
                        torch::Tensor* rank_rngs) {
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(bytes.data(), bytes.size());
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    load_matching(model, model_archive, name);
    optimizer.load(optimizer_archive);
    for_each_scalar(s, Reader{archive});
    torch::Tensor schedule_best;
    if (archive.try_read(kScheduleBest, schedule_best)) s.schedule_best_score = schedule_best.item<double>();
    else s.schedule_best_score = s.has_best ? s.best_score : std::numeric_limits<double>::quiet_NaN();
    torch::Tensor time_progress;
    s.schedule.time_progress = archive.try_read(kTimeProgress, time_progress) ? time_progress.item<double>() : 0.0;
    torch::Tensor pairs, checksum;
    s.train_pairs = archive.try_read(kTrainPairs, pairs) ? static_cast<int64_t>(pairs.item<double>()) : -1;
    s.data_checksum = archive.try_read(kDataChecksum, checksum) ? static_cast<std::uint64_t>(checksum.item<int64_t>()) : 0;
    torch::Tensor rng;
    archive.read("rng", rng);
    auto generator = at::detail::getDefaultCPUGenerator();
    generator.set_state(rng);
    if (rank_rngs) {
      torch::Tensor ranks;
      *rank_rngs = archive.try_read(kRankRngs, ranks) ? ranks : torch::Tensor();
    }
    return average == nullptr || average->read(archive, name);
  } catch (const c10::Error& e) {
    throw Error(name + ": cannot load checkpoint (does the config match?): " + e.what_without_backtrace());
  }
}

bool load_checkpoint(const std::string& path, models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                     TrainerState& state, ExponentialAverage* average) {
  return restore_checkpoint(read_checkpoint(path), path, model, optimizer, state, average);
}

}  // namespace nmt
