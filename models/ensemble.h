#pragma once
// Several trained models decoding as one (Marian's and fairseq's ensembles):
// at every step each member predicts the next token, and the ensemble's
// log-probabilities are those of the members' mean probability,
//   log (1/n) sum_i p_i(y | x, y<t) = logsumexp_i log p_i - log n.
// It implements the decoding interface itself, so greedy and beam search
// never learn how many models they drive. Members may be of different
// families (a GRU beside a Transformer) but must share the target
// vocabulary, and read the same source token ids.
#include <vector>

#include "models/seq2seq.h"

namespace nmt::models {

class EnsembleImpl : public Seq2SeqImpl {
 public:
  explicit EnsembleImpl(std::vector<Seq2Seq> members);

  // Teacher forcing: log of the members' mean probabilities, [B, T, V].
  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                        const torch::Tensor& tgt_in) override;
  EncoderMemory encode(const torch::Tensor& src, const torch::Tensor& src_lengths) override;
  std::unique_ptr<DecoderState> start(const EncoderMemory& memory, int64_t beam) override;
  // Logits: the ensemble's log-probabilities; attention: the first member's.
  StepOutput step(const torch::Tensor& prev_tokens, DecoderState& state) override;

  std::size_t size() const { return members_.size(); }

 private:
  std::vector<Seq2Seq> members_;
};

// An ensemble of `members`, or the one member itself when there is one.
Seq2Seq make_ensemble(std::vector<Seq2Seq> members);

}  // namespace nmt::models
