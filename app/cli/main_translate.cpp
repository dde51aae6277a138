// nmt-translate: translates sentences with a trained model directory.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <unistd.h>

#include "app/cli/run_main.h"
#include "app/cli/version.h"
#include "app/decode/heatmap.h"
#include "app/decode/positional_encoding_svg.h"
#include "app/decode/sentence_splitting.h"
#include "app/decode/translator.h"
#include "app/runtime/terminal_progress.h"
#include "common/error.h"
#include "data/text_file.h"

int main(int argc, char** argv) {
  CLI::App cli{"Translate with a trained model: sentences from the command line, --input FILE, "
               "or standard input (one sentence per line)."};
  nmt::add_version_flag(cli, "nmt-translate");
  std::vector<std::string> model_dirs;
  std::string input, output, attention_svg, abbreviations, encoding_svg;
  std::vector<std::string> sentences;
  nmt::TranslateOptions options;
  int n_best = 1;
  bool attention_heads = false, split_sentences = false;
  cli.add_option("--model", model_dirs, "model directory written by nmt-train; give it again for an ensemble\n(their probabilities averaged at every step)")->required()->allow_extra_args(false);
  cli.add_option("sentences", sentences, "sentences to translate");
  cli.add_option("--input", input, "file with one sentence per line");
  cli.add_option("--output", output, "write translations here instead of stdout");
  cli.add_option("--beam", options.beam, "beam size (1 = greedy; default: the model's decoding.beam_size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--n-best", n_best,
                 "print the N best translations per sentence as 'index ||| translation ||| score ||| "
                 "log-probability' (N <= beam size)")
      ->check(CLI::Range(1, 1000));
  cli.add_option("--attention", attention_svg, "write the first sentence's attention heatmap (SVG)");
  cli.add_flag("--attention-heads", attention_heads,
               "with --attention: also one heatmap per layer and head (FILE-layerL-headH.svg), "
               "for models that have them;\na Transformer's also of its encoder's and decoder's self-attention "
               "(FILE-encoder-..., FILE-decoder-...)");
  cli.add_option("--positional-encoding", encoding_svg,
                 "draw a Transformer's sinusoidal positional encoding (SVG: positions 0-59 down, the first\n"
                 "64 dimensions across); alone, nothing is translated");
  cli.add_flag("--split-sentences", split_sentences,
               "split each line into sentences (by the source language's rules), translate them, and put\n"
               "the line back together: for paragraphs, as the models learn from single sentences");
  cli.add_option("--abbreviations", abbreviations,
                 "with --split-sentences: the source language's abbreviations, one per line\n"
                 "(as data/abbreviations/de.txt), instead of the built-in list")
      ->check(CLI::ExistingFile);
  cli.add_option("--set", options.overrides, "override a decoding value: decoding.key=value");
  cli.add_option("--device", options.device, "auto | cpu | cuda");
  cli.add_option("--threads", options.threads, "LibTorch intra-op threads (0 = auto: one per core)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    if (!abbreviations.empty() && !split_sentences) throw nmt::Error("--abbreviations needs --split-sentences");
    if (split_sentences && n_best > 1)
      throw nmt::Error("--n-best lists are for single sentences; --split-sentences cannot give them for a line");
    nmt::Config config;
    const auto translator = nmt::open_translator(model_dirs, options, &config);
    const int beam_size = translator.decoding().beam_size;
    if (n_best > beam_size)
      throw nmt::Error("--n-best " + std::to_string(n_best) + " needs a beam of at least that size (beam " +
                       std::to_string(beam_size) + "); add --beam " + std::to_string(n_best));
    std::optional<nmt::data::SentenceSplitter> splitter;
    if (split_sentences) splitter = nmt::open_sentence_splitter(config.data.src_lang, abbreviations);
    nmt::SplitCount split_count;

    std::ofstream file_out;
    if (!output.empty()) {
      file_out.open(output);
      if (!file_out) throw nmt::Error(output + ": cannot write");
    }
    std::ostream& out = output.empty() ? std::cout : file_out;
    int64_t emitted = 0;  // sentences so far, for n-best indices
    auto emit = [&](const std::vector<std::string>& lines, const nmt::SourcesDone& done = {}) {
      if (splitter) {
        for (const auto& line : nmt::translate_split(translator, *splitter, lines, done, &split_count)) out << line << '\n';
      } else if (n_best == 1) {
        for (const auto& line : translator.translate(lines, done)) out << line << '\n';
      } else {
        for (const auto& list : translator.translate_n_best(lines, n_best, 0, done)) {
          for (const auto& t : list)
            out << emitted << " ||| " << t.text << " ||| " << t.score << " ||| " << t.log_prob << '\n';
          ++emitted;
        }
      }
      out.flush();
    };
    // A file or pipe is translated 1000 lines at a time, so output starts early.
    auto emit_all = [&](const std::vector<std::string>& lines) {
      const auto started = std::chrono::steady_clock::now();
      {
        nmt::TerminalProgress progress("translated", "sentences", lines.size());
        for (std::size_t first = 0; first < lines.size(); first += 1000)
          emit({lines.begin() + first, lines.begin() + std::min(lines.size(), first + 1000)},
               [&](std::size_t done) { progress.update(first + done); });
      }
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      spdlog::info("translated {} sentences in {:.2f} s ({:.1f} sentences/s)", lines.size(), seconds,
                   seconds > 0 ? static_cast<double>(lines.size()) / seconds : 0.0);
    };

    if (!encoding_svg.empty()) {
      if (config.model.type != "transformer")
        throw nmt::Error("--positional-encoding: a " + config.model.type + " model has none (a Transformer has)");
      nmt::data::write_file_atomically(encoding_svg, nmt::positional_encoding_svg(60, config.model.embedding_dim, 64));
      spdlog::info("positional encoding ({} dimensions) drawn to {}", config.model.embedding_dim, encoding_svg);
      if (sentences.empty() && input.empty()) return 0;
    }
    if (!attention_svg.empty()) {
      std::string first = !sentences.empty() ? sentences.front()
                          : !input.empty()   ? nmt::data::read_lines(input).at(0)
                                             : "";
      if (splitter) {  // the heatmap of the first sentence
        const auto split = splitter->split(first);
        first = split.sentences.empty() ? "" : split.sentences.front();
      }
      if (first.empty()) throw nmt::Error("--attention needs a sentence (argument or --input)");
      nmt::AttentionMap map;
      translator.translate_with_attention(first, map, 0, attention_heads);
      nmt::write_heatmaps(map, attention_svg, attention_heads);
    }
    if (!sentences.empty()) {
      emit(sentences);
    } else if (!input.empty()) {
      emit_all(nmt::data::read_lines(input));
    } else if (isatty(STDIN_FILENO)) {
      // Interactive: one line in, one line out.
      std::cerr << "type a sentence per line (Ctrl-D ends)\n";
      for (std::string line; std::getline(std::cin, line);) emit({line});
    } else {
      emit_all(nmt::data::read_lines(std::cin, "<stdin>"));
    }
    if (splitter)
      spdlog::info("--split-sentences: {} of {} lines held more than one sentence ({} sentences in all)",
                   split_count.split_texts, split_count.texts, split_count.sentences);
    return 0;
  });
}
