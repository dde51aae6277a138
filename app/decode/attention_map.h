#pragma once
// The attention of one translation, as the translator reports it and the
// heatmaps draw it.
#include <string>
#include <vector>

namespace nmt {

struct AttentionMap {
  std::vector<std::string> source_pieces;  // with the final </s>
  std::vector<std::string> target_pieces;  // with the final </s>
  std::vector<std::vector<float>> weights; // [target][source]: what the model reports (Transformer:
                                           // last layer, averaged over heads)
  // [layer][head][target][source], for models with several layers and heads.
  std::vector<std::vector<std::vector<std::vector<float>>>> layer_head_weights;
};

}  // namespace nmt
