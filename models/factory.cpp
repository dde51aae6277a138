#include "models/factory.h"

#include "common/error.h"
#include "models/gru_seq2seq.h"
#include "models/transformer_seq2seq.h"

namespace nmt::models {

Seq2Seq build_model(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab,
                    bool shared_vocabulary) {
  if (config.type == "gru")
    return std::make_shared<GruSeq2SeqImpl>(config, src_vocab, tgt_vocab, shared_vocabulary);
  if (config.type == "transformer") {
    if (config.embedding_dim % config.heads != 0)
      throw Error("model.embedding_dim (" + std::to_string(config.embedding_dim) +
                  ") must be divisible by model.heads (" + std::to_string(config.heads) + ")");
    return std::make_shared<TransformerSeq2SeqImpl>(config, src_vocab, tgt_vocab, shared_vocabulary);
  }
  throw Error("unknown model.type '" + config.type + "' (expected gru or transformer)");
}

}  // namespace nmt::models
