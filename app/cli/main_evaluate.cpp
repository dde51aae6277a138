// nmt-evaluate: sacreBLEU-identical BLEU and chrF of hypothesis files, or of a
// model's translations of a source file; several files compared by paired
// bootstrap resampling as sacreBLEU's --paired-bs.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/cli/system_comparison.h"
#include "app/decode/translator.h"
#include "app/runtime/terminal_progress.h"
#include "app/metrics/bleu.h"
#include "app/metrics/chrf.h"
#include "common/error.h"
#include "data/parallel_corpus.h"
#include "data/text_file.h"

int main(int argc, char** argv) {
  CLI::App cli{"Score translations exactly as sacreBLEU 2.x does by default (BLEU 13a, chrF2)."};
  nmt::add_version_flag(cli, "nmt-evaluate");
  std::vector<std::string> model_dirs;
  std::vector<std::string> hyp_paths;
  std::string ref_path, src_path, output;
  nmt::TranslateOptions options;
  nmt::BootstrapOptions bootstrap;
  bool json = false, paired_bs = false;
  cli.add_option("--ref", ref_path, "reference translations, one per line")->required();
  cli.add_option("--hyp", hyp_paths, "system translations, one per line; give it again to score several systems\n(the first is the baseline of --paired-bs)")->allow_extra_args(false);
  cli.add_option("--model", model_dirs, "model directory: translate --src first; give it again for an ensemble\n(their probabilities averaged at every step)")->allow_extra_args(false);
  cli.add_option("--src", src_path, "source sentences to translate with --model");
  cli.add_option("--output", output, "with --model: also write the translations here");
  cli.add_option("--beam", options.beam, "with --model: beam size (1 = greedy; default: the model's decoding.beam_size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--set", options.overrides, "override a decoding value: decoding.key=value");
  cli.add_option("--device", options.device, "auto | cpu | cuda");
  cli.add_option("--threads", options.threads, "LibTorch intra-op threads (0 = auto: one per core)");
  cli.add_flag("--paired-bs", paired_bs, "compare the --hyp files by paired bootstrap resampling, as sacreBLEU's --paired-bs:\neach one's 95% confidence interval and its p-value against the first");
  cli.add_option("--paired-bs-n", bootstrap.samples, "resamples for --paired-bs (sacreBLEU's default: 1000)")->check(CLI::Range(1, 1000000));
  cli.add_option("--seed", bootstrap.seed, "seed of the resampling (sacreBLEU's default: 12345); the same seed draws the same resamples as sacreBLEU");
  cli.add_flag("--json", json, "print the scores as JSON at full precision");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    using nmt::data::LineEnds;
    const auto refs = nmt::data::read_lines(ref_path, LineEnds::kRaw);
    std::vector<std::string> hyps;
    if (!model_dirs.empty()) {
      if (src_path.empty() || !hyp_paths.empty() || paired_bs)
        throw nmt::Error("--model needs --src (and no --hyp or --paired-bs: write --output, then compare the files)");
      const auto translator = nmt::open_translator(model_dirs, options);
      const auto sources = nmt::data::read_lines(src_path);
      nmt::data::require_same_line_count(src_path, sources.size(), ref_path, refs.size());
      nmt::TerminalProgress progress("translated", "sentences", sources.size());
      hyps = translator.translate(sources, [&](std::size_t done) { progress.update(done); });
      if (!output.empty()) nmt::data::write_lines_atomically(output, hyps);
    } else {
      if (hyp_paths.empty()) throw nmt::Error("give --hyp FILE, or --model DIR --src FILE");
      if (hyp_paths.size() > 1 || paired_bs) {
        std::cout << nmt::compare_systems({hyp_paths, ref_path, refs, paired_bs, bootstrap, json});
        return 0;
      }
      hyps = nmt::data::read_lines(hyp_paths[0], LineEnds::kRaw);
      nmt::data::require_same_line_count(hyp_paths[0], hyps.size(), ref_path, refs.size());
    }
    const auto bleu = nmt::corpus_bleu(hyps, refs);
    const double chrf = nmt::corpus_chrf(hyps, refs);
    if (json) {
      const nlohmann::ordered_json scores = {
          {"bleu",
           {{"signature", nmt::kBleuSignature},
            {"score", bleu.score},
            {"precisions", bleu.precisions},
            {"bp", bleu.bp},
            {"ratio", bleu.ratio},
            {"hyp_len", bleu.hyp_len},
            {"ref_len", bleu.ref_len}}},
          {"chrf", {{"signature", nmt::kChrfSignature}, {"score", chrf}}}};
      std::cout << scores.dump() << "\n";
    } else {
      std::cout << nmt::format_bleu(bleu) << "\n" << nmt::format_chrf(chrf) << "\n";
    }
    return 0;
  });
}
