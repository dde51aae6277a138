// nmt-benchmark: training throughput, translation speed and peak memory, as JSON.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>
#include <torch/utils.h>

#include <algorithm>
#include <iostream>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/config/config.h"
#include "app/decode/translator.h"
#include "app/decode/precision_choice.h"
#include "app/decode/translation_speed.h"
#include "app/runtime/matmul_peak.h"
#include "app/runtime/runtime.h"
#include "app/train/throughput.h"
#include "data/text_file.h"
#include "models/cpu_features.h"

namespace {

// Greedy and beam-`beam` speed of a model directory (several: their ensemble) on `src_path`,
// batched and one at a time, with the first directory's decoding settings and the decoding.* overrides.
nlohmann::ordered_json translation_speeds(const std::vector<std::string>& model_dirs, const std::string& src_path,
                                          const std::string& device, int beam, int single,
                                          const std::vector<std::string>& overrides, int threads) {
  nlohmann::ordered_json translate;
  nmt::TranslateOptions options;
  options.device = device;
  options.threads = threads;
  for (const auto& o : overrides)
    if (o.rfind("decoding.", 0) == 0) options.overrides.push_back(o);
  const auto sources = nmt::data::read_lines(src_path);
  for (int k : {1, beam}) {
    options.beam = k;
    nmt::Config resolved;
    const auto translator = nmt::open_translator(model_dirs, options, &resolved);
    nmt::set_onednn_cache_capacity(nmt::kDecodingPrimitives);
    translate["precision"] = resolved.decoding.precision;
    translate["torch_threads"] = torch::get_num_threads();
    spdlog::info("translation, beam {}: {} sentences batched, {} one at a time", k, sources.size(),
                 std::min<std::size_t>(single, sources.size()));
    const auto speed = nmt::measure_translation(translator, sources, single);
    translate["beam" + std::to_string(k)] = {
        {"batched",
         {{"sentences", speed.batched_sentences},
          {"batch_size", resolved.decoding.batch_size},
          {"seconds", speed.batched_seconds},
          {"sentences_per_second", speed.batched_sentences_per_second},
          {"output_tokens_per_second", speed.batched_tokens_per_second},
          {"gflops_per_second", speed.batched_gflops_per_second}}},
        {"single",
         {{"sentences", speed.single_sentences},
          {"sentences_per_second", speed.single_sentences_per_second},
          {"output_tokens_per_second", speed.single_tokens_per_second}}}};
  }
  return translate;
}

// The best GFLOP/s of fp32 and bf16 products at the model's shapes: a
// batch's tokens times its width, feed-forward (or GRU gates) and vocabulary.
nlohmann::ordered_json matmul_peaks(const nmt::Config& config) {
  const auto& m = config.model;
  const int64_t tokens = config.training.batch_tokens, width = m.embedding_dim;
  const int64_t inner = m.type == "transformer" ? m.ff_dim : 3 * m.hidden_dim;
  const int64_t shapes[][3] = {{tokens, width, inner}, {tokens, inner, width}, {tokens, width, config.tokenizer.vocab_size}};
  nlohmann::ordered_json peak;
  for (auto [name, dtype] : {std::pair{"fp32", c10::kFloat}, std::pair{"bf16", c10::kBFloat16}}) {
    // Emulated bf16 has no peak worth naming (and, held below AVX-512, no oneDNN kernel).
    if (dtype == c10::kBFloat16 && config.training.precision != "bf16" && !nmt::models::cpu_features().native_bf16)
      continue;
    double best = 0;
    for (const auto& s : shapes) best = std::max(best, nmt::matmul_gflops(s[0], s[1], s[2], dtype));
    peak[name] = best;
  }
  return peak;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Benchmark training throughput (target tokens/s), greedy and beam translation speed "
               "(sentences/s and output tokens/s, batched and one sentence at a time) and peak memory; "
               "prints JSON."};
  nmt::add_version_flag(cli, "nmt-benchmark");
  std::string config_path, src_path;
  std::vector<std::string> model_dirs;
  std::vector<std::string> overrides;
  int steps = 20, single = 100, threads = 0, beam = 5;
  cli.add_option("--config", config_path, "experiment config (training data and model)")->required();
  cli.add_option("--model", model_dirs,
                 "trained model directory, for translation speed (without it: training only); give it again\n"
                 "for an ensemble")
      ->allow_extra_args(false);
  cli.add_option("--src", src_path, "sentences to translate (default: the config's data.test source)");
  cli.add_option("--steps", steps, "timed training steps");
  cli.add_option("--single", single, "sentences translated one at a time");
  cli.add_option("--beam", beam, "beam size measured besides greedy search")->check(CLI::Range(1, 1000));
  cli.add_option("--threads", threads, "LibTorch intra-op threads (0 = auto)");
  cli.add_option("--set", overrides, "config overrides, section.key=value (e.g. training.precision=bf16)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    auto config = nmt::load_config(config_path);
    nmt::apply_overrides(config, overrides);
    config.training.precision = nmt::choose_precision(config.training.precision, "training.precision");
    nmt::setup_threads(threads, config.training.precision == "bf16");
    const int train_threads = torch::get_num_threads();
    if (src_path.empty()) src_path = config.data.test + "." + config.data.src_lang;
    const auto train = nmt::measure_training(config, steps);
    const auto translate = model_dirs.empty() ? nlohmann::ordered_json::object()
                                              : translation_speeds(model_dirs, src_path, config.training.device,
                                                                  beam, single, overrides, threads);
    // Read before the products below: their large benchmark-only operands are nobody's real peak.
    const double peak_rss = nmt::peak_rss_mib();
    nmt::setup_threads(threads, config.training.precision == "bf16");  // the peaks on training's threads
    const auto peak = matmul_peaks(config);
    const nlohmann::ordered_json report = {
        {"config", config_path},
        {"model", model_dirs.size() == 1 ? nlohmann::ordered_json(model_dirs.front()) : nlohmann::ordered_json(model_dirs)},
        {"allocator", nmt::memory_allocator()},
        {"cpu", nmt::models::describe(nmt::models::cpu_features())},
        {"train",
         {{"precision", config.training.precision},
          {"torch_threads", train_threads},
          {"steps", train.steps},
          {"target_tokens_per_second", train.tokens_per_second()},
          {"seconds_per_step", train.seconds_per_step()},
          {"parameter_average_ms_per_step", 1000 * train.average_seconds / std::max(1, train.steps)},
          {"subword_sampling_ms_per_step", 1000 * train.sampling_seconds / std::max(1, train.steps)},
          {"subword_sampling_waited_ms_per_step", 1000 * train.sampling_waited_seconds / std::max(1, train.steps)},
          {"gflop_per_step", train.flops / std::max(1, train.steps) / 1e9},
          {"gflops_per_second", train.gflops_per_second()},
          {"peak_gflops", peak},
          {"mfu", train.gflops_per_second() / peak[config.training.precision].get<double>()}}},
        {"translate", translate},
        {"peak_rss_mib", peak_rss}};
    std::cout << report.dump(1) << "\n";
    return 0;
  });
}
