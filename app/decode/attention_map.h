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
  using LayerHeadMaps = std::vector<std::vector<std::vector<std::vector<float>>>>;  // [layer][head][query][key]
  // [layer][head][target][source], for models with several layers and heads.
  LayerHeadMaps layer_head_weights;
  // The Transformer's self-attention over the same translation (a teacher-forced
  // pass): the encoder's [layer][head][source][source], and the decoder's causal
  // [layer][head][input][input], whose inputs are <s> and the output pieces.
  LayerHeadMaps encoder_self, decoder_self;
  std::vector<std::string> decoder_inputs;
};

}  // namespace nmt
