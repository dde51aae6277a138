#pragma once
// Validation during training: perplexity (teacher forced) and greedy BLEU on
// the validation set.
#include <string>

#include "app/decode/translator.h"
#include "app/train/prepare.h"
#include "models/seq2seq.h"

namespace nmt {

struct Validation {
  double ppl = 0;
  double bleu = 0;
  double seconds = 0;
};

// Runs in eval mode without gradients and leaves the model in training mode.
// Greedy BLEU tracks progress and picks the best weights at a fraction of a
// beam's cost; `translator` must search greedily with `model`.
Validation validate(models::Seq2SeqImpl& model, const Translator& translator, const PreparedData& data,
                    int batch_tokens, const std::string& device);

}  // namespace nmt
