// nmt-benchmark: training throughput, translation speed and peak memory, as JSON.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/config.h"
#include "app/model_dir.h"
#include "app/prepare.h"
#include "app/runtime.h"
#include "app/train_step.h"
#include "app/translator.h"
#include "data/batching.h"
#include "data/text_file.h"

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Peak resident memory of this process so far (VmHWM), in MiB.
double peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

struct TranslationSpeed {
  double batched_sentences, batched_tokens, single_sentences, single_tokens;
};

// Output tokens count the target pieces of each translation plus its EOS.
TranslationSpeed measure_translation(const nmt::Translator& translator, const nmt::data::Tokenizer& target,
                                     const std::vector<std::string>& sources, int n_single) {
  auto tokens_of = [&](const std::vector<std::string>& outputs) {
    int64_t n = 0;
    for (const auto& o : outputs) n += static_cast<int64_t>(target.encode(o).size()) + 1;
    return static_cast<double>(n);
  };
  auto start = Clock::now();
  const auto outputs = translator.translate(sources);
  const double batch_seconds = since(start);
  std::vector<std::string> single_outputs;
  start = Clock::now();
  for (int i = 0; i < n_single; ++i) single_outputs.push_back(translator.translate({sources[i]}).front());
  const double single_seconds = since(start);
  return {sources.size() / batch_seconds, tokens_of(outputs) / batch_seconds, n_single / single_seconds,
          tokens_of(single_outputs) / single_seconds};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Benchmark training throughput (target tokens/s), greedy and beam translation speed "
               "(sentences/s and output tokens/s, batched and one sentence at a time) and peak memory; "
               "prints JSON."};
  std::string config_path, model_dir, src_path;
  int steps = 20, single = 100, threads = 0, beam = 5;
  cli.add_option("--config", config_path, "experiment config (training data and model)")->required();
  cli.add_option("--model", model_dir, "trained model directory, for translation speed")->required();
  cli.add_option("--src", src_path, "sentences to translate (default: the config's data.test source)");
  cli.add_option("--steps", steps, "timed training steps");
  cli.add_option("--single", single, "sentences translated one at a time");
  cli.add_option("--beam", beam, "beam size measured besides greedy search")->check(CLI::Range(1, 1000));
  cli.add_option("--threads", threads, "LibTorch intra-op threads (0 = auto)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    nmt::setup_threads(threads);
    auto config = nmt::load_config(config_path);
    if (src_path.empty()) src_path = config.data.test + "." + config.data.src_lang;

    // Training throughput on the config's real batches, fresh weights.
    spdlog::info("training throughput: {} steps", steps);
    auto prepared = nmt::prepare_data(config);
    torch::manual_seed(config.training.seed);
    auto model = nmt::build_model_for(config, prepared.tokenizers);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(config.training.learning_rate));
    const auto batches = nmt::data::plan_batches(
        prepared.train, {config.training.batch_tokens, config.training.batch_sentences}, 1, true);
    int64_t tokens = 0;
    nmt::train_step(*model, optimizer, nmt::data::make_batch(prepared.train, batches[0]), 0.1, 1.0);  // warm-up
    auto start = Clock::now();
    for (int i = 1; i <= steps; ++i) {
      const auto batch = nmt::data::make_batch(prepared.train, batches[i % batches.size()]);
      tokens += nmt::train_step(*model, optimizer, batch, config.training.label_smoothing,
                                config.training.clip_norm).tokens;
    }
    const double train_seconds = since(start);
    model = nullptr;

    // Translation speed with the trained model: greedy and beam, a batch at a
    // time and one sentence at a time.
    auto loaded = nmt::load_model_dir(model_dir, "auto");
    const auto sources = nmt::data::read_lines(src_path);
    const int n_single = std::min<int>(single, static_cast<int>(sources.size()));
    std::string decoding_json;
    for (int k : {1, beam}) {
      auto decoding = loaded.config.decoding;
      decoding.beam_size = k;
      nmt::Translator translator(loaded.model, loaded.tokenizers, decoding, loaded.device);
      spdlog::info("translation, beam {}: {} sentences batched, {} one at a time", k, sources.size(), n_single);
      const auto speed = measure_translation(translator, *loaded.tokenizers.tgt, sources, n_single);
      char buffer[512];
      std::snprintf(buffer, sizeof buffer,
                    "%s  \"beam%d\": {\"batched\": {\"sentences\": %zu, \"batch_size\": %d, "
                    "\"sentences_per_second\": %.1f, \"output_tokens_per_second\": %.1f},\n"
                    "            \"single\": {\"sentences\": %d, \"sentences_per_second\": %.1f, "
                    "\"output_tokens_per_second\": %.1f}}",
                    decoding_json.empty() ? "" : ",\n", k, sources.size(), decoding.batch_size,
                    speed.batched_sentences, speed.batched_tokens, n_single, speed.single_sentences,
                    speed.single_tokens);
      decoding_json += buffer;
      if (beam == 1) break;
    }

    std::printf("{\"config\": \"%s\", \"model\": \"%s\", \"torch_threads\": %d,\n"
                " \"train\": {\"steps\": %d, \"target_tokens_per_second\": %.1f, \"seconds_per_step\": %.3f},\n"
                " \"translate\": {\n%s},\n"
                " \"peak_rss_mib\": %.0f}\n",
                config_path.c_str(), model_dir.c_str(), torch::get_num_threads(), steps, tokens / train_seconds,
                train_seconds / steps, decoding_json.c_str(), peak_rss_mib());
    return 0;
  });
}
