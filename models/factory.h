#pragma once
#include "models/model_config.h"
#include "models/seq2seq.h"

namespace nmt::models {

// Builds the network that config.type names. `shared_vocabulary`: source and
// target use one vocabulary, so their embeddings can be shared.
Seq2Seq build_model(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab,
                    bool shared_vocabulary);

}  // namespace nmt::models
