// nmt-evaluate: sacreBLEU-identical BLEU and chrF of a hypothesis file, or of
// a model's translations of a source file.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "app/bleu.h"
#include "app/chrf.h"
#include "app/model_dir.h"
#include "app/runtime.h"
#include "app/translator.h"
#include "data/error.h"
#include "data/parallel_corpus.h"
#include "data/text_file.h"

int main(int argc, char** argv) {
  CLI::App cli{"Score translations exactly as sacreBLEU 2.x does by default (BLEU 13a, chrF2)."};
  std::string hyp_path, ref_path, model_dir, src_path, output, device = "auto";
  std::vector<std::string> overrides;
  bool json = false;
  int threads = 0, beam = 0;
  cli.add_option("--ref", ref_path, "reference translations, one per line")->required();
  cli.add_option("--hyp", hyp_path, "system translations, one per line");
  cli.add_option("--model", model_dir, "model directory: translate --src first");
  cli.add_option("--src", src_path, "source sentences to translate with --model");
  cli.add_option("--output", output, "with --model: also write the translations here");
  cli.add_option("--beam", beam, "with --model: beam size (1 = greedy; default: the model's decoding.beam_size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--set", overrides, "override a decoding value: decoding.key=value");
  cli.add_option("--device", device, "auto | cpu | cuda");
  cli.add_option("--threads", threads, "LibTorch intra-op threads (0 = auto: 1, BLAS uses all cores)");
  cli.add_flag("--json", json, "print the scores as JSON at full precision");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    using nmt::data::LineEnds;
    const auto refs = nmt::data::read_lines(ref_path, LineEnds::kRaw);
    std::vector<std::string> hyps;
    if (!model_dir.empty()) {
      if (src_path.empty() || !hyp_path.empty())
        throw nmt::Error("--model needs --src (and no --hyp)");
      nmt::setup_threads(threads);
      auto loaded = nmt::load_model_dir(model_dir, device);
      nmt::apply_decoding_options(loaded.config, overrides, beam);
      nmt::log_decoding(loaded.config.decoding);
      nmt::Translator translator(loaded.model, loaded.tokenizers, loaded.config.decoding, loaded.device);
      const auto sources = nmt::data::read_lines(src_path);
      nmt::data::require_same_line_count(src_path, sources.size(), ref_path, refs.size());
      hyps = translator.translate(sources);
      if (!output.empty()) nmt::data::write_lines_atomically(output, hyps);
    } else {
      if (hyp_path.empty()) throw nmt::Error("give --hyp FILE, or --model DIR --src FILE");
      hyps = nmt::data::read_lines(hyp_path, LineEnds::kRaw);
      nmt::data::require_same_line_count(hyp_path, hyps.size(), ref_path, refs.size());
    }
    const auto bleu = nmt::corpus_bleu(hyps, refs);
    const double chrf = nmt::corpus_chrf(hyps, refs);
    if (json) {
      std::printf("{\"bleu\": {\"signature\": \"%s\", \"score\": %.17g, \"precisions\": [%.17g, %.17g, "
                  "%.17g, %.17g], \"bp\": %.17g, \"ratio\": %.17g, \"hyp_len\": %lld, \"ref_len\": %lld}, "
                  "\"chrf\": {\"signature\": \"%s\", \"score\": %.17g}}\n",
                  nmt::kBleuSignature, bleu.score, bleu.precisions[0], bleu.precisions[1],
                  bleu.precisions[2], bleu.precisions[3], bleu.bp, bleu.ratio,
                  static_cast<long long>(bleu.hyp_len), static_cast<long long>(bleu.ref_len),
                  nmt::kChrfSignature, chrf);
    } else {
      std::cout << nmt::format_bleu(bleu) << "\n" << nmt::format_chrf(chrf) << "\n";
    }
    return 0;
  });
}
