// scripts/distill.sh end to end on the generated corpus: two small teachers of
// different families translate a training file as an ensemble, the distilled
// corpus is written and filtered, a student trains on it and is scored; run
// again, every stage that has its output is skipped.
#include <catch2/catch.hpp>

#include <set>

#include "data/text_file.h"
#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::source_path;
using nmt::test::tool;
using nmt::test::write_file;

namespace {

// The generated corpus and its tokenizer, shared by both teachers (an
// ensemble needs one target vocabulary).
std::string data_part(const std::string& dir) {
  return "data:\n  train: " + dir + "/train\n  valid: " + dir + "/valid\n  test: " + dir +
         "/test\n  generate: true\n  generate_train: 3000\n  generate_valid: 40\n  generate_test: 40\n"
         "tokenizer:\n  prefix: " + dir + "/spm\n  vocab_size: 200\n";
}

std::string teacher_config(const std::string& dir, const std::string& type) {
  const std::string shape = type == "gru"
                                ? "model:\n  type: gru\n  embedding_dim: 64\n  hidden_dim: 128\n"
                                : "model:\n  type: transformer\n  embedding_dim: 64\n  encoder_layers: 1\n"
                                  "  decoder_layers: 1\n  heads: 2\n  ff_dim: 128\n";
  return data_part(dir) + shape + "training:\n  model_dir: " + dir + "/" + type +
         "\n  learning_rate: 0.003\n  batch_tokens: 2000\n  max_steps: 150\n  validate_every: 150\n";
}

std::string student_config(const std::string& dir) {
  return "data:\n  train: " + dir + "/train\n  valid: " + dir + "/valid\n  test: " + dir + "/test\n" +
         "tokenizer:\n  prefix: " + dir + "/student_spm\n  vocab_size: 150\n"
         "model:\n  type: transformer\n  embedding_dim: 32\n  encoder_layers: 2\n  decoder_layers: 1\n"
         "  heads: 2\n  ff_dim: 64\n  pre_norm: true\n"
         "training:\n  model_dir: " + dir + "/unused\n  learning_rate: 0.003\n  batch_tokens: 1000\n"
         "  time_budget_minutes: 60\n  validate_every: 10\n"
         "decoding:\n  beam_size: 2\n";
}

std::vector<std::string> head(const std::string& path, size_t n) {
  auto lines = nmt::data::read_lines(path);
  lines.resize(std::min(n, lines.size()));
  return lines;
}

}  // namespace

TEST_CASE("distill.sh: teachers translate, the corpus is filtered, a student trains, a rerun skips it all",
          "[e2e][distill]") {
  const auto dir = nmt::test::scratch_dir("distill").string();
  for (const char* type : {"gru", "transformer"}) {
    write_file(dir + "/" + type + ".yaml", teacher_config(dir, type));
    const auto trained = run(tool("nmt-train") + " --config " + dir + "/" + type + ".yaml", "distill-teacher");
    INFO(trained.err);
    REQUIRE(trained.status == 0);
  }
  write_file(dir + "/student.yaml", student_config(dir));
  // 300 training pairs to distill (one chunk of the script's 1000 lines).
  const auto source = head(dir + "/train.de", 300);
  nmt::data::write_lines_atomically(dir + "/small.de", source);
  nmt::data::write_lines_atomically(dir + "/small.en", head(dir + "/train.en", 300));
  const auto work = dir + "/work";
  const auto command = "NMT_BIN=" + std::string(NMT_BINARY_DIR) + " " + source_path("scripts/distill.sh") +
                       " --teacher " + dir + "/gru --teacher " + dir + "/transformer --student " + dir +
                       "/student.yaml --work " + work + " --train " + dir + "/small --beam 3 --updates 20 --seed 7";

  const auto first = run(command, "distill");
  INFO(first.err);
  REQUIRE(first.status == 0);
  CHECK_THAT(first.err, Contains("translated chunk 1 of 1") && Contains("distilled pairs kept") &&
                            Contains("student, seed 7: " + dir + "/student.yaml on " + work + "/corpus/train"));
  // The corpus: source lines in their order beside the teachers' translations,
  // each source line one of the training file's.
  const auto src = nmt::data::read_lines(work + "/corpus/train.de");
  const auto tgt = nmt::data::read_lines(work + "/corpus/train.en");
  CHECK(src.size() == tgt.size());
  CHECK(src.size() > 150);
  CHECK(src.size() <= 300);
  CHECK(nmt::data::read_lines(work + "/corpus/translations.en").size() == 300);
  size_t at = 0;
  for (const auto& line : src) {
    while (at < source.size() && source[at] != line) ++at;
    REQUIRE(at < source.size());
    ++at;
  }
  for (const auto& t : tgt) CHECK_FALSE(t.empty());
  // The student: its own tokenizer in the work folder, its seed, its scores.
  CHECK(nmt::data::file_exists(work + "/corpus/student_spm.model"));
  CHECK(nmt::data::file_exists(work + "/student_seed7/best.pt"));
  CHECK_THAT(nmt::data::read_lines(work + "/student_seed7/train.log").back(),
             Contains("reached training.max_steps (20)"));
  const auto scores = nmt::data::read_lines(work + "/student_seed7/scores.txt");
  REQUIRE(scores.size() == 4);  // valid and test, greedy and beam 3
  for (const auto& line : scores) CHECK_THAT(line, Contains("BLEU|nrefs:1") && Contains("chrF2"));

  const auto again = run(command, "distill-again");
  INFO(again.err);
  REQUIRE(again.status == 0);
  CHECK_THAT(again.err, !Contains("translated chunk") && !Contains("on " + work + "/corpus/train"));
  CHECK(nmt::data::read_lines(work + "/corpus/train.de") == src);

  // A work folder holds one corpus: other options are refused, naming both.
  const auto other = run(command + " --mix", "distill-other");
  CHECK(other.status == 2);
  CHECK_THAT(other.err, Contains(work + "/corpus was made by") && Contains("mix false") && Contains("mix true"));

  // nmt-benchmark measures the teachers' ensemble as it measures one model.
  nmt::data::write_lines_atomically(dir + "/ten.de", head(dir + "/train.de", 10));
  const auto bench = run(tool("nmt-benchmark") + " --config " + dir + "/gru.yaml --model " + dir + "/gru --model " +
                             dir + "/transformer --steps 0 --beam 3 --single 2 --src " + dir + "/ten.de",
                         "distill-benchmark");
  INFO(bench.err);
  REQUIRE(bench.status == 0);
  CHECK_THAT(bench.err, Contains("ensemble of 2 models"));
  CHECK_THAT(bench.out, Contains("\"" + dir + "/transformer\"") && Contains("\"beam3\"") &&
                            Contains("\"sentences\": 10"));

  // The 2 best of each beam: each source line (up to) twice, in order.
  const auto nbest = run(command + " --n-best 2 --work " + dir + "/work2", "distill-nbest");
  INFO(nbest.err);
  REQUIRE(nbest.status == 0);
  const auto src2 = nmt::data::read_lines(dir + "/work2/corpus/train.de");
  const auto tgt2 = nmt::data::read_lines(dir + "/work2/corpus/train.en");
  CHECK(src2.size() == tgt2.size());
  CHECK(src2.size() > src.size());
  CHECK(src2.size() <= 600);
  CHECK(nmt::data::read_lines(dir + "/work2/corpus/translations.en").size() == 600);
  at = 0;
  for (size_t i = 0; i < src2.size(); ++i) {
    while (at < source.size() && source[at] != src2[i]) ++at;
    REQUIRE(at < source.size());
  }

  // Another work folder (the original pairs mixed in) on the same translations: none made again.
  const auto chunks = " --chunks " + dir + "/work2/chunks_nbest2";
  const auto mixed = run(command + " --n-best 2 --mix --work " + dir + "/work3" + chunks, "distill-mix");
  INFO(mixed.err);
  REQUIRE(mixed.status == 0);
  CHECK_THAT(mixed.err, !Contains("translated chunk") && Contains("with the original pairs"));
  CHECK(nmt::data::read_lines(dir + "/work3/corpus/train.de").size() == src2.size() + 300);
  // Translations of other options are not taken for these.
  const auto wrong = run(command + " --n-best 3 --work " + dir + "/work4" + chunks, "distill-wrong-chunks");
  CHECK(wrong.status == 2);
  CHECK_THAT(wrong.err, Contains("chunks_nbest2 holds translations by") && Contains("n-best 2") &&
                            Contains("n-best 3"));
}

TEST_CASE("distill.sh names a teacher without a model and an unknown option", "[e2e][distill]") {
  const auto dir = nmt::test::scratch_dir("distill-errors").string();
  const auto script = "NMT_BIN=" + std::string(NMT_BINARY_DIR) + " " + source_path("scripts/distill.sh");
  write_file(dir + "/small.de", "ein Satz\n");
  write_file(dir + "/small.en", "a sentence\n");
  const auto missing = run(script + " --teacher " + dir + "/nothing --train " + dir + "/small", "distill-missing");
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Contains(dir + "/nothing has no best.pt"));
  const auto unknown = run(script + " --teachers x", "distill-unknown");
  CHECK(unknown.status == 2);
  CHECK_THAT(unknown.err, Contains("unknown argument '--teachers'"));
}
