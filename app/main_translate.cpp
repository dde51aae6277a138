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
  int threads = 0;
  cli.add_option("--model", model_dir, "model directory written by nmt-train")->required();
  cli.add_option("sentences", sentences, "sentences to translate");
  cli.add_option("--input", input, "file with one sentence per line");
  cli.add_option("--output", output, "write translations here instead of stdout");
  cli.add_option("--attention", attention_svg, "write the first sentence's attention heatmap (SVG)");
  cli.add_option("--set", overrides, "override a decoding value: decoding.key=value");
  cli.add_option("--device", device, "auto | cpu | cuda");
  cli.add_option("--threads", threads, "LibTorch intra-op threads (0 = auto: 1, BLAS uses all cores)");
  CLI11_PARSE(cli, argc, argv);
  return nmt::run_main([&] {
    nmt::setup_threads(threads);
    auto loaded = nmt::load_model_dir(model_dir, device);
    for (const auto& o : overrides)
      if (o.rfind("decoding.", 0) != 0) throw nmt::Error("--set " + o + ": only decoding.* can be set here");
    nmt::apply_overrides(loaded.config, overrides);
    nmt::Translator translator(loaded.model, loaded.tokenizers, loaded.config.decoding, loaded.device);

    std::ofstream file_out;
    if (!output.empty()) {
      file_out.open(output);
      if (!file_out) throw nmt::Error(output + ": cannot write");
    }
    std::ostream& out = output.empty() ? std::cout : file_out;
    auto emit = [&](const std::vector<std::string>& lines) {
      for (const auto& line : translator.translate(lines)) out << line << '\n';
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
