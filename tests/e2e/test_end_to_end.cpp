// Trains the GRU model on the generated corpus with the real executables,
// then translates, scores, draws attention and resumes with them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

#include "data/text_file.h"
#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

constexpr int kSteps = 350;
// A tiny Transformer reached validation BLEU 36.5 after 300 steps on the
// generated corpus (test, beam 3: 41.3); this bar sits well below that and
// far above chance (~0).
constexpr double kTransformerBleu = 20.0;

std::string config_text(const std::string& dir) {
  return "data:\n  train: " + dir + "/train\n  valid: " + dir + "/valid\n  test: " + dir +
         "/test\n  generate: true\n  generate_train: 20000\n  generate_valid: 200\n  generate_test: 300\n"
         "tokenizer:\n  prefix: " + dir + "/spm\n  vocab_size: 320\n"
         "model:\n  embedding_dim: 128\n  hidden_dim: 256\n  dropout: 0.1\n"
         "training:\n  model_dir: " + dir + "/model\n  learning_rate: 0.002\n  batch_tokens: 3000\n"
         "  max_steps: " + std::to_string(kSteps) + "\n  validate_every: 175\n  log_every: 50\n";
}

// The score of `metric` ("bleu", "chrf") in nmt-evaluate's --json output.
double json_score(const std::string& json, const std::string& metric) {
  return nlohmann::json::parse(json).at(metric).at("score").get<double>();
}

// One field of a metrics.jsonl line.
double metrics_field(const std::string& line, const std::string& key) {
  return nlohmann::json::parse(line).at(key).get<double>();
}

}  // namespace

TEST_CASE("train, translate, score, draw attention and resume on the generated corpus", "[e2e]") {
  const auto dir = nmt::test::scratch_dir("e2e").string();
  const auto config = dir + "/config.yaml";
  nmt::test::write_file(config, config_text(dir));
  const auto model = dir + "/model";

  const auto trained = run(tool("nmt-train") + " --config " + config, "e2e-train");
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  CHECK_THAT(trained.err, Contains("validation step 175") && Contains("tok/s") && Contains("eta"));
  for (const char* f : {"config.yaml", "spm.model", "best.pt", "checkpoint.pt", "metrics.jsonl", "train.log", "curves.svg"})
    CHECK(nmt::data::file_exists(model + "/" + f));

  {  // the trained model translates the held-out test set well
    const auto scored = run(tool("nmt-evaluate") + " --model " + model + " --src " + dir + "/test.de --ref " +
                                dir + "/test.en --json --output " + dir + "/hyp.en",
                            "e2e-eval");
    INFO(scored.err);
    REQUIRE(scored.status == 0);
    const double bleu = json_score(scored.out, "bleu");
    // Chance is near 0; a model whose attention or masking is broken stays far below this.
    CHECK(bleu > 60.0);
    CHECK(nmt::data::read_lines(dir + "/hyp.en").size() == 300);
    // Scoring the written hypotheses gives the same BLEU.
    const auto again = run(tool("nmt-evaluate") + " --hyp " + dir + "/hyp.en --ref " + dir + "/test.en --json", "e2e-eval2");
    CHECK(json_score(again.out, "bleu") == Approx(bleu));
  }

  {  // beam search: the default here is greedy; --beam 5 scores at least as well on this easy task
    const auto beam = run(tool("nmt-evaluate") + " --model " + model + " --beam 5 --src " + dir + "/test.de --ref " +
                              dir + "/test.en --json",
                          "e2e-eval-beam");
    INFO(beam.err);
    REQUIRE(beam.status == 0);
    CHECK(json_score(beam.out, "bleu") > 60.0);
  }

  {  // n-best lists: index ||| translation ||| score ||| log-probability, best first
    const auto r = run(tool("nmt-translate") + " --model " + model + " --beam 4 --n-best 3 " +
                           "'Wir haben drei Bücher gekauft .' 'Die Kinder fahren nach Wien .'",
                       "e2e-nbest");
    INFO(r.err);
    REQUIRE(r.status == 0);
    nmt::test::write_file(dir + "/nbest.out", r.out);
    const auto lines = nmt::data::read_lines(dir + "/nbest.out");
    REQUIRE(lines.size() == 6);
    const std::regex entry(R"((\d+) \|\|\| (.*) \|\|\| (-?[0-9.e+-]+) \|\|\| (-?[0-9.e+-]+))");
    double previous = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::smatch m;
      REQUIRE(std::regex_match(lines[i], m, entry));
      CHECK(std::stoi(m[1]) == static_cast<int>(i / 3));
      const double score = std::stod(m[3]), log_prob = std::stod(m[4]);
      CHECK(score <= 0);
      CHECK(log_prob <= score);  // the length penalty (alpha 1) divides by >= 1
      if (i % 3) CHECK(score <= previous);
      previous = score;
    }
    CHECK_THAT(lines[0], Contains("books"));
    const auto too_many = run(tool("nmt-translate") + " --model " + model + " --n-best 3 'Wir fahren .'", "e2e-nbest-bad");
    CHECK(too_many.status != 0);
    CHECK_THAT(too_many.err, Contains("--n-best 3 needs a beam"));
  }

  {  // standard input: one line out per line in, empty stays empty
    nmt::test::write_file(dir + "/in.de", "Die Kinder haben zwei rote Äpfel gekauft .\n\nWir haben ein neues Buch gesehen .\n");
    const auto r = run(tool("nmt-translate") + " --model " + model + " < " + dir + "/in.de", "e2e-stdin");
    INFO(r.err);
    REQUIRE(r.status == 0);
    nmt::test::write_file(dir + "/stdin.out", r.out);
    const auto lines = nmt::data::read_lines(dir + "/stdin.out");
    REQUIRE(lines.size() == 3);
    CHECK_THAT(lines[0], Contains("The children") && Contains("apples"));
    CHECK(lines[1].empty());
    CHECK_THAT(lines[2], Contains("We") && Contains("book"));
  }

  {  // an attention heatmap is written as SVG
    const auto svg = dir + "/attention.svg";
    const auto r = run(tool("nmt-translate") + " --model " + model + " --attention " + svg +
                           " 'Am dritten März zweitausendzwölf fährt der Lehrer nach Wien .'",
                       "e2e-svg");
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("Vienna"));
    const auto text = nmt::test::read_file(svg);
    CHECK_THAT(text, Contains("<svg") && Contains("&lt;/s&gt;") && Contains("zweitausend"));
    // One cell per (target, source) pair, plus the background.
    const auto cells = std::count(text.begin(), text.end(), '\n');
    CHECK(cells > 100);
  }

  {  // training resumes where it stopped and refuses to overwrite
    const auto again = run(tool("nmt-train") + " --config " + config, "e2e-again");
    CHECK(again.status != 0);
    CHECK_THAT(again.err, Contains("checkpoint.pt exists") && Contains("--resume"));
    const auto resumed = run(tool("nmt-train") + " --config " + config + " --resume --set training.max_steps=" +
                                 std::to_string(kSteps + 20),
                             "e2e-resume");
    INFO(resumed.err);
    REQUIRE(resumed.status == 0);
    CHECK_THAT(resumed.err, Contains("resumed from") && Contains("step " + std::to_string(kSteps)));
    const auto metrics = nmt::data::read_lines(model + "/metrics.jsonl");
    CHECK(metrics_field(metrics.back(), "step") == kSteps + 20);
    // Ctrl-C: a checkpoint is saved and the run ends cleanly.
    const auto interrupted = run("timeout --preserve-status -s INT 20 " + tool("nmt-train") + " --config " + config +
                                     " --resume --set training.max_steps=100000 --set training.validate_every=100000",
                                 "e2e-interrupt");
    INFO(interrupted.err);
    CHECK(interrupted.status == 0);
    CHECK_THAT(interrupted.err, Contains("training stopped: interrupted"));
    CHECK(metrics_field(nmt::data::read_lines(model + "/metrics.jsonl").back(), "step") > kSteps + 20);
  }
}

TEST_CASE("a Transformer trains through the same tools and draws attention per layer and head", "[e2e]") {
  const auto dir = nmt::test::scratch_dir("e2e-transformer").string();
  const auto config = dir + "/config.yaml";
  nmt::test::write_file(
      config, "data:\n  train: " + dir + "/train\n  valid: " + dir + "/valid\n  test: " + dir +
                  "/test\n  generate: true\n  generate_train: 20000\n  generate_valid: 200\n  generate_test: 200\n"
                  "tokenizer:\n  prefix: " + dir + "/spm\n  vocab_size: 320\n"
                  "model:\n  type: transformer\n  embedding_dim: 64\n  encoder_layers: 2\n  decoder_layers: 2\n"
                  "  heads: 4\n  ff_dim: 256\n  dropout: 0.1\n"
                  "training:\n  model_dir: " + dir + "/model\n  learning_rate: 0.002\n  scheduler: noam\n"
                  "  warmup_steps: 100\n  adam_beta2: 0.98\n  batch_tokens: 3000\n  max_steps: 300\n"
                  "  validate_every: 150\n  log_every: 50\n"
                  "decoding:\n  beam_size: 3\n");
  const auto model = dir + "/model";
  const auto trained = run(tool("nmt-train") + " --config " + config, "tf-train");
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  // It learns: validation perplexity falls and the translations score far above chance.
  const auto metrics = nmt::data::read_lines(model + "/metrics.jsonl");
  REQUIRE(metrics.size() >= 2);
  CHECK(metrics_field(metrics.back(), "valid_ppl") < metrics_field(metrics.front(), "valid_ppl"));
  const auto scored = run(tool("nmt-evaluate") + " --model " + model + " --src " + dir + "/test.de --ref " + dir +
                              "/test.en --json",
                          "tf-eval");
  INFO(scored.err);
  REQUIRE(scored.status == 0);
  CHECK(json_score(scored.out, "bleu") > kTransformerBleu);

  const auto svg = dir + "/attention.svg";
  const auto r = run(tool("nmt-translate") + " --model " + model + " --attention " + svg +
                         " --attention-heads 'Wir haben zwei Bücher gekauft .'",
                     "tf-svg");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(nmt::test::read_file(svg), Contains("<svg") && Contains("zwei"));
  for (int layer : {1, 2})
    for (int head : {1, 2, 3, 4})
      CHECK(nmt::data::file_exists(dir + "/attention-layer" + std::to_string(layer) + "-head" +
                                   std::to_string(head) + ".svg"));
  CHECK_FALSE(nmt::data::file_exists(dir + "/attention-layer3-head1.svg"));
}

TEST_CASE("nmt-evaluate prints sacreBLEU's two lines", "[cli]") {
  const auto shared = nmt::test::shared_data("bleu-vectors");
  if (shared.empty()) {
    WARN("SKIPPED: ../shared/data/bleu-vectors is not present");
    return;
  }
  const auto r = run(tool("nmt-evaluate") + " --hyp " + shared + "/case01.hyp --ref " + shared + "/case01.ref", "eval-text");
  REQUIRE(r.status == 0);
  CHECK(r.out ==
        "BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 44.1 79.0/54.6/38.1/25.8 "
        "(BP = 0.972 ratio = 0.973 hyp_len = 1917 ref_len = 1971)\n"
        "chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0 = 68.0\n");
}

TEST_CASE("nmt-evaluate compares systems by paired bootstrap resampling", "[cli][bootstrap]") {
  const auto dir = nmt::test::scratch_dir("eval-paired").string();
  std::string ref, weak;
  for (int i = 0; i < 40; ++i) {
    const auto n = std::to_string(i);
    ref += "Two dogs play with ball " + n + " in the green park .\n";
    weak += (i % 2 ? "Two dogs play with ball " + n + " in the green park .\n" : "A dog runs after ball " + n + " .\n");
  }
  nmt::test::write_file(dir + "/ref.en", ref);
  nmt::test::write_file(dir + "/weak.en", weak);
  const auto files = " --ref " + dir + "/ref.en --hyp " + dir + "/weak.en --hyp " + dir + "/ref.en";

  auto r = run(tool("nmt-evaluate") + files + " --paired-bs", "eval-paired-text");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("1000 resamples of the 40 sentences, seed 12345") && Contains("baseline: " + dir + "/weak.en") &&
                        Contains("100.0 (100.0 ± 0.0) p = 0.0010*") && Contains("BLEU|nrefs:1"));

  r = run(tool("nmt-evaluate") + files + " --paired-bs --paired-bs-n 200 --seed 7 --json", "eval-paired-json");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j.at("paired_bs").at("samples") == 200);
  CHECK(j.at("paired_bs").at("seed") == 7);
  REQUIRE(j.at("systems").size() == 2);
  CHECK_FALSE(j["systems"][0]["bleu"].contains("p_value"));
  CHECK(j["systems"][1]["bleu"]["p_value"].get<double>() == Approx(1.0 / 201.0));
  CHECK(j["systems"][0]["bleu"]["score"].get<double>() < j["systems"][1]["bleu"]["score"].get<double>());

  r = run(tool("nmt-evaluate") + files, "eval-two");  // without --paired-bs: the scores alone
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains(dir + "/ref.en") && Contains("100.0") && !Contains("p ="));

  r = run(tool("nmt-evaluate") + " --ref " + dir + "/ref.en --hyp " + dir + "/weak.en --paired-bs", "eval-paired-one");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("give --hyp at least twice"));
}

TEST_CASE("command-line tools report bad input in one clear line", "[cli]") {
  const auto dir = nmt::test::scratch_dir("cli-errors").string();
  nmt::test::write_file(dir + "/a.txt", "one\ntwo\n");
  nmt::test::write_file(dir + "/b.txt", "one\n");
  auto r = run(tool("nmt-evaluate") + " --hyp " + dir + "/a.txt --ref " + dir + "/b.txt", "err-lines");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("a.txt has 2 lines") && Contains("b.txt has 1"));
  CHECK(r.out.empty());

  nmt::test::write_file(dir + "/bad.yaml", "model:\n  hiden_dim: 3\n");
  r = run(tool("nmt-train") + " --config " + dir + "/bad.yaml", "err-config");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("bad.yaml:2:3") && Contains("did you mean 'hidden_dim'"));

  r = run(tool("nmt-translate") + " --model " + dir + "/nowhere hello", "err-model");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("nowhere: model directory not found"));
}
