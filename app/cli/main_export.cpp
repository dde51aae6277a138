// nmt-export: a trained model directory for another runtime. Today: PyTorch,
// a directory that python/nmt_pytorch translates with (docs/export.md).
#include <CLI/CLI.hpp>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/decode/pytorch_export.h"
#include "common/error.h"

int main(int argc, char** argv) {
  CLI::App cli{"Export a trained model directory for use without nmt: --to pytorch writes weights.pt "
               "(a state dict for torch.load), config.json and the SentencePiece model(s)."};
  nmt::add_version_flag(cli, "nmt-export");
  std::string model_dir, format, out;
  cli.add_option("--model", model_dir, "model directory written by nmt-train (or nmt-average)")->required();
  cli.add_option("--to", format, "the format: pytorch")->required()->check(CLI::IsMember({"pytorch"}));
  bool force = false;
  cli.add_option("out", out, "the directory to write (new or empty)")->required();
  cli.add_flag("--force", force, "write into a directory that is not empty (files of the same names are replaced)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    nmt::export_pytorch(model_dir, out, force);
    return 0;
  });
}
