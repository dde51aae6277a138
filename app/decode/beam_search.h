#pragma once
// Batched beam search over the Seq2Seq interface, for any model.
#include <torch/types.h>

#include <vector>

#include "app/decode/search.h"
#include "models/seq2seq.h"

namespace nmt {

struct BeamOptions {
  int beam_size = 5;
  int n_best = 1;             // hypotheses returned per sentence, best first (<= beam_size)
  double alpha = 1.0;         // GNMT length penalty exponent; 0 = none
  SearchLimits limits;
  bool keep_attention = false;
};

// Every sentence of the batch keeps `beam_size` live hypotheses, ranked by
// their summed log-probabilities. A hypothesis that ends in EOS is set aside as
// finished, ranked by log_prob / length_penalty (Hypothesis::score). A
// sentence is done when it has beam_size finished hypotheses and its best live
// one, scored as if it ended now, does not beat the beam_size-th of them, or
// when it reaches its length limit (live hypotheses then end with EOS). Done
// sentences leave the batch, and the search stops when all are done.
// With beam_size 1 this is exactly greedy search.
std::vector<std::vector<Hypothesis>> beam_search(models::Seq2SeqImpl& model, const torch::Tensor& src,
                                                 const torch::Tensor& src_lengths, const BeamOptions& options);

}  // namespace nmt
