#include "models/factory.h"

#include "data/error.h"
#include "models/gru_seq2seq.h"

namespace nmt::models {

Seq2Seq build_model(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab,
                    bool shared_vocabulary) {
  if (config.type == "gru")
    return std::make_shared<GruSeq2SeqImpl>(config, src_vocab, tgt_vocab, shared_vocabulary);
  throw Error("model.type '" + config.type + "' is not implemented yet (available: gru)");
}

}  // namespace nmt::models
