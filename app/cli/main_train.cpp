// nmt-train: trains a translator from a YAML config.
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/config/config.h"
#include "app/train/launcher.h"
#include "app/train/trainer.h"
#include "common/error.h"

namespace {

// The command line for each rank: this one without --nproc.
std::vector<std::string> without_nproc(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--nproc") ++i;
    else if (a.rfind("--nproc=", 0) != 0) args.push_back(a);
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Train a translator: data and tokenizer preparation, training with validation, "
               "best model and checkpoints in the model directory."};
  nmt::add_version_flag(cli, "nmt-train");
  std::string config_path, model_dir;
  std::vector<std::string> overrides;
  double time_budget = -1;
  nmt::TrainOptions options;
  int nproc = 1;
  cli.add_option("--config", config_path, "YAML experiment config")->required();
  cli.add_option("--set", overrides, "override a config value: section.key=value");
  cli.add_option("--model-dir", model_dir, "where the model goes (overrides training.model_dir)");
  cli.add_option("--time-budget", time_budget,
                 "wall-clock minutes for the whole run, validation included (overrides "
                 "training.time_budget_minutes)");
  std::string resume;
  cli.add_option("--resume", resume,
                 "continue from the model directory's checkpoint; --resume auto: continue if there is one,\n"
                 "else start (for ranks that torchrun --max-restarts starts again)")
      ->expected(0, 1)
      ->default_str("always")
      ->check(CLI::IsMember({"always", "auto"}));
  cli.add_option("--init-from", options.init_from,
                 "fine-tune: start from this model directory's weights and tokenizer, with a fresh optimizer, "
                 "schedule, step counter, best score and data position");
  cli.add_option("--nproc", nproc,
                 "data-parallel ranks to start on this machine (like torchrun --standalone "
                 "--nproc_per_node N); under torchrun, leave it out")
      ->check(CLI::Range(1, 1024));
  CLI11_PARSE(cli, argc, argv);
  options.resume = resume == "always";
  options.resume_if_checkpoint = resume == "auto";
  return nmt::run_main([&] {
    auto config = nmt::load_config(config_path);
    if (!model_dir.empty()) overrides.push_back("training.model_dir=" + model_dir);
    if (time_budget >= 0) overrides.push_back("training.time_budget_minutes=" + std::to_string(time_budget));
    nmt::apply_overrides(config, overrides);
    if (nproc > 1) {
      if (std::getenv("RANK")) throw nmt::Error("--nproc starts its own ranks; RANK is already set (torchrun?)");
      return nmt::launch_local_ranks(nproc, without_nproc(argc, argv));
    }
    nmt::train(config, options);
    return 0;
  });
}
