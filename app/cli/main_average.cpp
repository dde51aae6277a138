// nmt-average: checkpoint averaging. A new model directory whose weights are
// the mean of weight files of one model: the last N a run kept
// (training.keep_last_weights), or files named on the command line.
#include <CLI/CLI.hpp>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/decode/model_dir.h"
#include "app/decode/weight_average.h"
#include "common/error.h"

int main(int argc, char** argv) {
  CLI::App cli{"Average weight files of one model into a new model directory (checkpoint averaging)."};
  nmt::add_version_flag(cli, "nmt-average");
  std::string model_dir, out;
  std::vector<std::string> weights;
  int last = 0;
  cli.add_option("--model", model_dir, "the run's model directory (config and tokenizer of the result)")->required();
  bool force = false;
  cli.add_option("--out", out, "the new model directory (new or empty)")->required();
  cli.add_flag("--force", force, "write into a directory that is not empty (files of the same names are replaced)");
  cli.add_option("--last", last, "average the last N weight files the run kept in MODEL/weights (default: all)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--weights", weights, "average these weight files instead (best.pt, weights/step-*.pt; checkpoint.pt: its weights without the average)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    if (!weights.empty() && last > 0) throw nmt::Error("give --last N or --weights FILE..., not both");
    if (weights.empty()) {
      weights = nmt::ModelDir{model_dir}.kept_weights();
      if (weights.empty())
        throw nmt::Error(model_dir + "/weights holds no weight files: train with training.keep_last_weights N, "
                         "or name files with --weights");
      if (last > static_cast<int>(weights.size()))
        throw nmt::Error("--last " + std::to_string(last) + ": " + model_dir + "/weights holds only " +
                         std::to_string(weights.size()) + " weight files");
      if (last > 0) weights.erase(weights.begin(), weights.end() - last);
    }
    nmt::average_weights(model_dir, weights, out, force);
    return 0;
  });
}
