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

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Benchmark training throughput (target tokens/s), greedy translation speed "
               "(sentences/s, batched and one sentence at a time) and peak memory; prints JSON."};
  std::string config_path, model_dir, src_path;
  int steps = 20, single = 100, threads = 0;
  cli.add_option("--config", config_path, "experiment config (training data and model)")->required();
  cli.add_option("--model", model_dir, "trained model directory, for translation speed")->required();
  cli.add_option("--src", src_path, "sentences to translate (default: the config's data.test source)");
  cli.add_option("--steps", steps, "timed training steps");
  cli.add_option("--single", single, "sentences translated one at a time");
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

    // Translation speed with the trained model.
    auto loaded = nmt::load_model_dir(model_dir, "auto");
    nmt::Translator translator(loaded.model, loaded.tokenizers, loaded.config.decoding, loaded.device);
    const auto sources = nmt::data::read_lines(src_path);
    spdlog::info("translation: {} sentences batched, {} one at a time", sources.size(), single);
    start = Clock::now();
    const auto outputs = translator.translate(sources);
    const double batch_seconds = since(start);
    int64_t output_tokens = 0;
    for (const auto& o : outputs) output_tokens += static_cast<int64_t>(loaded.tokenizers.tgt->encode(o).size()) + 1;
    const int n_single = std::min<int>(single, static_cast<int>(sources.size()));
    start = Clock::now();
    for (int i = 0; i < n_single; ++i) translator.translate({sources[i]});
    const double single_seconds = since(start);

    std::printf("{\"config\": \"%s\", \"model\": \"%s\", \"torch_threads\": %d,\n"
                " \"train\": {\"steps\": %d, \"target_tokens_per_second\": %.1f, \"seconds_per_step\": %.3f},\n"
                " \"translate_batched\": {\"sentences\": %zu, \"batch_size\": %d, \"sentences_per_second\": %.1f, "
                "\"output_tokens_per_second\": %.1f},\n"
                " \"translate_single\": {\"sentences\": %d, \"sentences_per_second\": %.1f},\n"
                " \"peak_rss_mib\": %.0f}\n",
                config_path.c_str(), model_dir.c_str(), torch::get_num_threads(), steps, tokens / train_seconds,
                train_seconds / steps, sources.size(), loaded.config.decoding.batch_size,
                sources.size() / batch_seconds, output_tokens / batch_seconds, n_single,
                n_single / single_seconds, peak_rss_mib());
    return 0;
  });
}
