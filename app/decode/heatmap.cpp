#include "app/decode/heatmap.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "data/text_file.h"

namespace nmt {

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string attention_svg(const AttentionMap& map) {
  const int cell = 28, left = 140, top = 140;
  const int cols = static_cast<int>(map.source_pieces.size());
  const int rows = static_cast<int>(map.weights.size());
  const int width = left + cols * cell + 20, height = top + rows * cell + 20;
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                width, height);
  svg += buf;
  for (int c = 0; c < cols; ++c) {
    std::snprintf(buf, sizeof buf,
                  "<text transform=\"translate(%d,%d) rotate(-60)\">%s</text>\n",
                  left + c * cell + cell / 2, top - 6, escape_xml(map.source_pieces[c]).c_str());
    svg += buf;
  }
  for (int r = 0; r < rows; ++r) {
    const std::string label = r < static_cast<int>(map.target_pieces.size()) ? map.target_pieces[r] : "";
    std::snprintf(buf, sizeof buf, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 6,
                  top + r * cell + cell / 2 + 4, escape_xml(label).c_str());
    svg += buf;
    for (int c = 0; c < cols && c < static_cast<int>(map.weights[r].size()); ++c) {
      const float w = std::clamp(map.weights[r][c], 0.0f, 1.0f);
      const int shade = static_cast<int>(255 * (1 - w));
      std::snprintf(buf, sizeof buf,
                    "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" "
                    "stroke=\"#ddd\"><title>%.3f</title></rect>\n",
                    left + c * cell, top + r * cell, cell, cell, shade, shade, w);
      svg += buf;
    }
  }
  svg += "</svg>\n";
  return svg;
}

void write_heatmaps(const AttentionMap& map, const std::string& svg_path, bool per_head) {
  data::write_file_atomically(svg_path, attention_svg(map));
  spdlog::info("attention heatmap written to {}", svg_path);
  if (!per_head) return;
  if (map.layer_head_weights.empty()) {
    spdlog::warn("--attention-heads: this model has one attention, written to {}", svg_path);
    return;
  }
  const bool has_suffix = svg_path.size() > 4 && svg_path.compare(svg_path.size() - 4, 4, ".svg") == 0;
  const auto stem = has_suffix ? svg_path.substr(0, svg_path.size() - 4) : svg_path;
  // One file per layer and head: `queries` down, `keys` across.
  auto write_all = [&](const AttentionMap::LayerHeadMaps& maps, const std::string& prefix,
                       const std::vector<std::string>& queries, const std::vector<std::string>& keys) {
    for (std::size_t l = 0; l < maps.size(); ++l)
      for (std::size_t h = 0; h < maps[l].size(); ++h) {
        AttentionMap one;
        one.target_pieces = queries;
        one.source_pieces = keys;
        one.weights = maps[l][h];
        const auto path = prefix + "-layer" + std::to_string(l + 1) + "-head" + std::to_string(h + 1) + ".svg";
        data::write_file_atomically(path, attention_svg(one));
      }
  };
  write_all(map.layer_head_weights, stem, map.target_pieces, map.source_pieces);
  spdlog::info("per-head heatmaps written to {}-layer*-head*.svg", stem);
  if (map.encoder_self.empty()) return;
  write_all(map.encoder_self, stem + "-encoder", map.source_pieces, map.source_pieces);
  write_all(map.decoder_self, stem + "-decoder", map.decoder_inputs, map.decoder_inputs);
  spdlog::info("self-attention heatmaps written to {}-encoder-layer*-head*.svg (source by source) and "
               "{}-decoder-layer*-head*.svg (causal: the decoder's inputs, <s> and the output)", stem, stem);
}

}  // namespace nmt
