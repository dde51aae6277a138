#pragma once
#include <string>

#include "app/decode/attention_map.h"

namespace nmt {

// An SVG heatmap of attention weights: target tokens down, source tokens
// across, darker = more weight (like d2l's show_heatmaps).
std::string attention_svg(const AttentionMap& map);

// Text made safe inside SVG/XML elements and attributes (& < > ").
std::string escape_xml(const std::string& s);

// Writes `map` to `svg_path` and, with `per_head`, one file per layer and head
// beside it (NAME-layerL-headH.svg) for models that have them. Logs what it wrote.
void write_heatmaps(const AttentionMap& map, const std::string& svg_path, bool per_head);

}  // namespace nmt
