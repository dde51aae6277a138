#pragma once
// The one interface every translation model implements, so that training,
// greedy and beam search and evaluation never know which network they drive
// (in the spirit of fairseq's and Joey NMT's incremental decoders).
//
// Shapes in comments, here and in every model and search file, use these letters:
//   B  sentences in a batch (in beam search: hypotheses, sentences * beam)
//   S  source positions, the final EOS included
//   T  target positions: BOS + target for teacher forcing (tgt_in), target + EOS (tgt_out)
//   V  target vocabulary
//   D  model width: embedding size, or the encoder's output size
//   H  the GRU's hidden size; the heads of multi-head attention are written "heads"
// Token ids are int64; masks are bool, true at real (non-padding) positions.
#include <torch/nn/module.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace nmt::models {

// What the encoder hands the decoder.
struct EncoderMemory {
  torch::Tensor states;  // [B, S, D] encoder outputs
  torch::Tensor mask;    // [B, S] bool, true at real (non-padding) source tokens
  torch::Tensor summary; // model-specific initial decoder input (GRU: bridged final state); may be undefined
  std::vector<EncoderMemory> members;  // an ensemble's: each member's memory (the fields above: the first's)
};

// The decoder's state between steps: hidden states or caches, plus whatever
// of the memory the steps need. Its rows (hypotheses) come in groups of
// `beam` consecutive rows per sentence; the encoder memory is kept once per
// sentence and shared by its group, not copied per hypothesis.
class DecoderState {
 public:
  virtual ~DecoderState() = default;
  // Keeps rows `indices` ([N] int64, on the CPU or the model's device) in that
  // order, so search can drop, keep and duplicate hypotheses. N is a multiple
  // of the beam, and each new group of `beam` rows comes from one old group
  // (one sentence): a sentence's hypotheses stay together.
  virtual void select(const torch::Tensor& indices) = 0;

  // From one row per sentence to `beam` rows per sentence: keeps rows
  // `indices` (groups of `beam`, each group copies of one old row), as beam
  // search does after its first step, which it runs on one row a sentence.
  // States that keep nothing per sentence need only select (the default).
  virtual void widen(const torch::Tensor& indices, int64_t beam) {
    (void)beam;
    select(indices);
  }

  // False: step() may leave StepOutput's attention undefined (a search that
  // does not keep it saves the work).
  bool keep_attention = true;
};

struct StepOutput {
  torch::Tensor logits;     // [B, V], fp32 whatever the precision of the products
  torch::Tensor attention;  // [B, S] source attention of this step (see DecoderState::keep_attention)
  // [B, layers, heads, S] for models with several attention layers and heads
  // (the Transformer); undefined otherwise.
  torch::Tensor layer_attention;
  bool normalized = false;  // the logits are log-probabilities already (an ensemble's mean)
};

class Seq2SeqImpl : public torch::nn::Module {
 public:
  // Teacher forcing: logits [B, T, V] (fp32) for every position of tgt_in (BOS + target).
  virtual torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                const torch::Tensor& tgt_in) = 0;
  virtual EncoderMemory encode(const torch::Tensor& src, const torch::Tensor& src_lengths) = 0;
  // The state before the first step, with `beam` rows per sentence of the
  // memory, all alike (beam 1: greedy search and teacher forcing).
  virtual std::unique_ptr<DecoderState> start(const EncoderMemory& memory, int64_t beam) = 0;
  // One decoding step from the previous tokens [B].
  virtual StepOutput step(const torch::Tensor& prev_tokens, DecoderState& state) = 0;

  // The output layer's weight [V, D] (undefined for an ensemble). Tied, it is
  // the target embedding's, whose gradient then has two parts: the output
  // layer's, ready at the start of the backward pass, and the lookups', ready
  // only at its end.
  const torch::Tensor& output_weight() const { return output_weight_; }
  bool output_weight_tied() const { return output_weight_tied_; }
  // Data-parallel training sends the output layer's part early
  // (app/train/gradient_buckets.h): while a hook is set, a forward pass with
  // gradients uses the weight through an alias whose gradient goes to the
  // hook, and what the hook returns goes on to the weight.
  using GradientHook = std::function<torch::Tensor(torch::Tensor)>;
  void set_output_weight_hook(GradientHook hook) { output_weight_hook_ = std::move(hook); }

 protected:
  // The weight for one forward pass's output layer: output_weight_ or its hooked alias.
  torch::Tensor output_weight_in_use() const;

  torch::Tensor output_weight_;  // set by the model: its own parameter, or tied
  bool output_weight_tied_ = false;

 private:
  GradientHook output_weight_hook_;
};

using Seq2Seq = std::shared_ptr<Seq2SeqImpl>;

// Trainable values of a model (its size in parameters).
std::int64_t parameter_count(const torch::nn::Module& model);

// Where tensors enter a model: clear errors (TORCH_CHECK) instead of a shape
// mismatch deep inside a layer. src [B, S] int64, src_lengths [B].
void check_source(const torch::Tensor& src, const torch::Tensor& src_lengths);
// tgt_in [B, T] int64, as many rows as src.
void check_target(const torch::Tensor& src, const torch::Tensor& tgt_in);
// prev_tokens [B] int64.
void check_step_input(const torch::Tensor& prev_tokens);

// For DecoderState::select: which sentence each group of `beam` rows in
// `indices` comes from ([N / beam] int64, on the CPU), and whether that is
// every one of `sentences` in order (nothing to select in the memory).
struct SentenceSelection {
  torch::Tensor sentences;
  bool unchanged = false;
};
SentenceSelection sentences_of_rows(const torch::Tensor& indices, int64_t beam, int64_t sentences);

// Whether a source mask [N, S] (true at real tokens) masks anything. When it
// does not (one sentence alone, or equal lengths), decoder steps pass no mask
// and attention skips its masking work at every step.
bool has_padding(const torch::Tensor& mask);

}  // namespace nmt::models
