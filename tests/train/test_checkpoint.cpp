// A checkpoint brings back everything that decides how training continues.
#include <catch2/catch.hpp>

#include <fstream>

#include "app/train/checkpoint.h"
#include "app/train/optimizer.h"
#include "app/train/train_step.h"
#include "common/error.h"
#include "data/batching.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

namespace {

bool same_parameters(nmt::models::Seq2SeqImpl& a, nmt::models::Seq2SeqImpl& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  if (pa.size() != pb.size()) return false;
  for (const auto& item : pa)
    if (!torch::equal(item.value(), pb[item.key()])) return false;
  return true;
}

}  // namespace

TEST_CASE("a checkpoint restores weights, optimizer, trainer state and the RNG", "[checkpoint]") {
  auto t = nmt::test::tiny_model("checkpoint-restore");
  auto optimizer = nmt::make_optimizer(t.config.training, *t.model);
  const auto batches = nmt::data::plan_batches(t.data.train->lengths(), {500, 0}, 1, true);
  nmt::train_step(*t.model, *optimizer, nmt::data::make_batch(*t.data.train, batches[0]), 0.1, 1.0);

  nmt::TrainerState state;
  state.step = 7, state.epoch = 2, state.batch_in_epoch = 3, state.has_best = true;
  state.best_score = 12.5, state.best_step = 5, state.validations_without_improvement = 1;
  state.schedule.scale = 0.25, state.schedule.bad_validations = 2, state.train_seconds = 42.5;
  state.schedule.time_progress = 0.625;
  const auto path = nmt::test::scratch_dir("checkpoint-file") / "checkpoint.pt";
  torch::manual_seed(123);
  nmt::save_checkpoint(path.string(), *t.model, *optimizer, state);
  const auto expected_draw = torch::rand({4});
  CHECK_FALSE(std::filesystem::exists(path.string() + ".tmp"));

  // A fresh model, optimizer and RNG: everything comes back from the file.
  torch::manual_seed(999);
  auto fresh = nmt::build_model_for(t.config, t.data.tokenizers);
  auto fresh_optimizer = nmt::make_optimizer(t.config.training, *fresh);
  CHECK_FALSE(same_parameters(*t.model, *fresh));
  nmt::TrainerState loaded;
  nmt::load_checkpoint(path.string(), *fresh, *fresh_optimizer, loaded);
  CHECK(same_parameters(*t.model, *fresh));
  CHECK(torch::equal(torch::rand({4}), expected_draw));
  CHECK(loaded.step == 7);
  CHECK(loaded.epoch == 2);
  CHECK(loaded.batch_in_epoch == 3);
  CHECK(loaded.has_best);
  CHECK(loaded.best_score == 12.5);
  CHECK(loaded.best_step == 5);
  CHECK(loaded.validations_without_improvement == 1);
  CHECK(loaded.schedule.scale == 0.25);
  CHECK(loaded.schedule.bad_validations == 2);
  CHECK(loaded.schedule.time_progress == 0.625);
  CHECK(loaded.train_seconds == 42.5);

  // The same next step from both (same dropout draws): Adam's moments came back too.
  const auto next = nmt::data::make_batch(*t.data.train, batches[1]);
  torch::manual_seed(5);
  nmt::train_step(*t.model, *optimizer, next, 0.1, 1.0);
  torch::manual_seed(5);
  nmt::train_step(*fresh, *fresh_optimizer, next, 0.1, 1.0);
  CHECK(same_parameters(*t.model, *fresh));
}

TEST_CASE("a damaged or missing checkpoint is an error that names the file", "[checkpoint]") {
  auto t = nmt::test::tiny_model("checkpoint-damaged-model");
  auto optimizer = nmt::make_optimizer(t.config.training, *t.model);
  const auto dir = nmt::test::scratch_dir("checkpoint-damaged");
  const auto path = (dir / "checkpoint.pt").string();
  nmt::TrainerState state;
  CHECK_THROWS_WITH(nmt::load_checkpoint(path, *t.model, *optimizer, state), Contains(path));
  nmt::save_checkpoint(path, *t.model, *optimizer, state);
  const auto good = nmt::test::read_file(path);

  std::filesystem::resize_file(path, good.size() / 2);
  CHECK_THROWS_WITH(nmt::load_checkpoint(path, *t.model, *optimizer, state),
                    Contains(path) && Contains("truncated"));

  // One byte changed in the middle: the archive might still parse; the checksum does not match.
  auto damaged = good;
  damaged[damaged.size() / 2] ^= 0x20;
  nmt::test::write_file(path, damaged);
  CHECK_THROWS_WITH(nmt::load_checkpoint(path, *t.model, *optimizer, state),
                    Contains(path) && Contains("damaged checkpoint"));

  nmt::test::write_file(path, good.substr(0, 10));
  CHECK_THROWS_WITH(nmt::load_checkpoint(path, *t.model, *optimizer, state), Contains(path) && Contains("truncated"));
}

TEST_CASE("a checkpoint written before checksums still loads", "[checkpoint]") {
  auto t = nmt::test::tiny_model("checkpoint-legacy-model");
  auto optimizer = nmt::make_optimizer(t.config.training, *t.model);
  const auto path = (nmt::test::scratch_dir("checkpoint-legacy") / "checkpoint.pt").string();
  nmt::TrainerState state;
  state.step = 17;
  state.has_best = true;
  state.best_score = 12.5;
  nmt::save_checkpoint(path, *t.model, *optimizer, state);
  // The old format: the archive alone (no 24-byte header), without the key
  // that came with the header.
  const auto payload = nmt::test::read_file(path).substr(24);
  torch::serialize::InputArchive in;
  in.load_from(payload.data(), payload.size());
  torch::serialize::OutputArchive old, model_archive, optimizer_archive;
  t.model->save(model_archive);
  optimizer->save(optimizer_archive);
  old.write("model", model_archive);
  old.write("optimizer", optimizer_archive);
  for (const auto& key : in.keys()) {
    if (key == "schedule_best_score" || key == "model" || key == "optimizer") continue;
    c10::IValue value;
    in.read(key, value);
    old.write(key, value);
  }
  old.save_to(path);
  nmt::TrainerState loaded;
  nmt::load_checkpoint(path, *t.model, *optimizer, loaded);
  CHECK(loaded.step == 17);
  CHECK(loaded.best_score == 12.5);
  CHECK(loaded.schedule_best_score == 12.5);  // absent: taken to be the best score
}
