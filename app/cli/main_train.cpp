// nmt-train: trains a translator from a YAML config.
#include <CLI/CLI.hpp>

#include "app/cli/run_main.h"
#include "app/config/config.h"
#include "app/runtime/runtime.h"
#include "app/train/trainer.h"

int main(int argc, char** argv) {
  CLI::App cli{"Train a translator: data and tokenizer preparation, training with validation, "
               "best model and checkpoints in the model directory."};
  std::string config_path, model_dir;
  std::vector<std::string> overrides;
  double time_budget = -1;
  nmt::TrainOptions options;
  cli.add_option("--config", config_path, "YAML experiment config")->required();
  cli.add_option("--set", overrides, "override a config value: section.key=value");
  cli.add_option("--model-dir", model_dir, "where the model goes (overrides training.model_dir)");
  cli.add_option("--time-budget", time_budget,
                 "wall-clock minutes for the whole run, validation included (overrides "
                 "training.time_budget_minutes)");
  cli.add_flag("--resume", options.resume, "continue from the model directory's checkpoint");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    auto config = nmt::load_config(config_path);
    if (!model_dir.empty()) overrides.push_back("training.model_dir=" + model_dir);
    if (time_budget >= 0) overrides.push_back("training.time_budget_minutes=" + std::to_string(time_budget));
    nmt::apply_overrides(config, overrides);
    nmt::train(config, options);
    return 0;
  });
}
