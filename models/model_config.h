#pragma once
// The network's hyper-parameters (the config's `model` section).
#include <string>

namespace nmt::models {

struct ModelConfig {
  std::string type = "gru";  // gru | transformer
  int embedding_dim = 256;
  int hidden_dim = 512;
  int encoder_layers = 1;
  int decoder_layers = 1;
  bool bidirectional = true;
  double dropout = 0.3;
  bool tie_embeddings = true;  // output layer shares the target embedding
  // Transformer
  int heads = 4;
  int ff_dim = 1024;
  bool pre_norm = false;
};

}  // namespace nmt::models
