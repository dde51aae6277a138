#pragma once
#include <string>

#include "app/translator.h"

namespace nmt {

// An SVG heatmap of attention weights: target tokens down, source tokens
// across, darker = more weight (like d2l's show_heatmaps).
std::string attention_svg(const AttentionMap& map);

}  // namespace nmt
