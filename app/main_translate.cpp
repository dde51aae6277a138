// nmt-translate: translates sentences with a trained model directory.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>
#include <unistd.h>

#include "app/heatmap.h"
#include "app/model_dir.h"
#include "app/runtime.h"
#include "app/translator.h"
#include "data/error.h"
#include "data/text_file.h"
#include "data/utf8.h"

int main(int argc, char** argv) {
  CLI::App cli{"Translate with a trained model: sentences from the command line, --input FILE, "
               "or standard input (one sentence per line)."};
  std::string model_dir, input, output, attention_svg, device = "auto";
  std::vector<std::string> sentences, overrides;
  int threads = 0, beam = 0, n_best = 1;
  bool attention_heads = false;
  cli.add_option("--model", model_dir, "model directory written by nmt-train")->required();
  cli.add_option("sentences", sentences, "sentences to translate");
  cli.add_option("--input", input, "file with one sentence per line");
  cli.add_option("--output", output, "write translations here instead of stdout");
  cli.add_option("--beam", beam, "beam size (1 = greedy; default: the model's decoding.beam_size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--n-best", n_best,
                 "print the N best translations per sentence as 'index ||| translation ||| score ||| "
                 "log-probability' (N <= beam size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--attention", attention_svg, "write the first sentence's attention heatmap (SVG)");
  cli.add_flag("--attention-heads", attention_heads,
               "with --attention: also one heatmap per layer and head (FILE-layerL-headH.svg), "
               "for models that have them");
  cli.add_option("--set", overrides, "override a decoding value: decoding.key=value");
  cli.add_option("--device", device, "auto | cpu | cuda");
  cli.add_option("--threads", threads, "LibTorch intra-op threads (0 = auto: 1, BLAS uses all cores)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    nmt::setup_threads(threads);
    auto loaded = nmt::load_model_dir(model_dir, device);
    nmt::apply_decoding_options(loaded.config, overrides, beam);
    if (n_best > loaded.config.decoding.beam_size)
      throw nmt::Error("--n-best " + std::to_string(n_best) + " needs a beam of at least that size (beam " +
                       std::to_string(loaded.config.decoding.beam_size) + "); add --beam " +
                       std::to_string(n_best));
    nmt::log_decoding(loaded.config.decoding);
    nmt::Translator translator(loaded.model, loaded.tokenizers, loaded.config.decoding, loaded.device);

    std::ofstream file_out;
    if (!output.empty()) {
      file_out.open(output);
      if (!file_out) throw nmt::Error(output + ": cannot write");
    }
    std::ostream& out = output.empty() ? std::cout : file_out;
    int64_t emitted = 0;  // sentences so far, for n-best indices
    auto emit = [&](const std::vector<std::string>& lines) {
      if (n_best == 1) {
        for (const auto& line : translator.translate(lines)) out << line << '\n';
      } else {
        for (const auto& list : translator.translate_n_best(lines, n_best)) {
          for (const auto& t : list)
            out << emitted << " ||| " << t.text << " ||| " << t.score << " ||| " << t.log_prob << '\n';
          ++emitted;
        }
      }
      out.flush();
    };

    if (!attention_svg.empty()) {
      std::string first = !sentences.empty() ? sentences.front()
                          : !input.empty()   ? nmt::data::read_lines(input).at(0)
                                             : "";
      if (first.empty()) throw nmt::Error("--attention needs a sentence (argument or --input)");
      nmt::AttentionMap map;
      translator.translate_with_attention(first, map);
      nmt::data::write_file_atomically(attention_svg, nmt::attention_svg(map));
      spdlog::info("attention heatmap written to {}", attention_svg);
      if (attention_heads) {
        if (map.layer_head_weights.empty())
          spdlog::warn("--attention-heads: this model has one attention, written to {}", attention_svg);
        const auto stem = attention_svg.size() > 4 && attention_svg.substr(attention_svg.size() - 4) == ".svg"
                              ? attention_svg.substr(0, attention_svg.size() - 4)
                              : attention_svg;
        for (std::size_t l = 0; l < map.layer_head_weights.size(); ++l)
          for (std::size_t h = 0; h < map.layer_head_weights[l].size(); ++h) {
            auto one = map;
            one.weights = map.layer_head_weights[l][h];
            const auto path = stem + "-layer" + std::to_string(l + 1) + "-head" + std::to_string(h + 1) + ".svg";
            nmt::data::write_file_atomically(path, nmt::attention_svg(one));
          }
        if (!map.layer_head_weights.empty())
          spdlog::info("per-head heatmaps written to {}-layer*-head*.svg", stem);
      }
    }
    if (!sentences.empty()) {
      emit(sentences);
    } else if (!input.empty()) {
      emit(nmt::data::read_lines(input));
    } else if (isatty(STDIN_FILENO)) {
      // Interactive: one line in, one line out.
      std::cerr << "type a sentence per line (Ctrl-D ends)\n";
      for (std::string line; std::getline(std::cin, line);) emit({line});
    } else {
      // Piped: translate in batches, keeping line order; invalid UTF-8 is an error with its line.
      std::vector<std::string> lines;
      for (std::string line; std::getline(std::cin, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (nmt::data::find_invalid_utf8(line) != std::string::npos)
          throw nmt::Error("<stdin>:" + std::to_string(lines.size() + 1) + ": invalid UTF-8");
        lines.push_back(std::move(line));
        if (lines.size() == 1000) emit(lines), lines.clear();
      }
      emit(lines);
    }
    return 0;
  });
}
