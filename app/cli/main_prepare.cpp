// nmt-prepare: prepares the corpus and the tokenizer of a config and prints statistics.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/config/config.h"
#include "app/runtime/runtime.h"
#include "app/train/prepare.h"

int main(int argc, char** argv) {
  CLI::App cli{"Prepare data and tokenizer: generate the default corpus if asked, train or reuse "
               "the SentencePiece model(s), and print corpus statistics."};
  nmt::add_version_flag(cli, "nmt-prepare");
  std::string config_path;
  std::vector<std::string> overrides;
  cli.add_option("--config", config_path, "YAML experiment config")->required();
  cli.add_option("--set", overrides, "override a config value: section.key=value");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    auto config = nmt::load_config(config_path);
    nmt::apply_overrides(config, overrides);
    const auto prepared = nmt::prepare_data(config);
    std::cout << nmt::describe(prepared, config);
    return 0;
  });
}
