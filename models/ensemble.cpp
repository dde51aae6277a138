#include "models/ensemble.h"

#include <torch/torch.h>

#include <cmath>

namespace nmt::models {
namespace {

// Each member's state; the search sees one.
class EnsembleState : public DecoderState {
 public:
  std::vector<std::unique_ptr<DecoderState>> members;
  void select(const torch::Tensor& indices) override {
    for (auto& m : members) m->select(indices);
  }
  void widen(const torch::Tensor& indices, int64_t beam) override {
    for (auto& m : members) m->widen(indices, beam);
  }
};

// log of the mean of the members' probabilities, from their logits (fp32).
// Folded with logaddexp, one elementwise pass a member: stacking them for
// logsumexp copied every [rows, V] tensor and made several passes more, and
// took a batched beam-5 step of two models to half their serial speed.
torch::Tensor mean_log_probs(const std::vector<torch::Tensor>& logits) {
  auto sum = logits.front().log_softmax(-1);
  if (logits.size() == 1) return sum;  // (log_softmax's output, which its backward needs unchanged)
  for (std::size_t i = 1; i < logits.size(); ++i) sum = torch::logaddexp(sum, logits[i].log_softmax(-1));
  return sum.sub_(std::log(static_cast<double>(logits.size())));
}

}  // namespace

EnsembleImpl::EnsembleImpl(std::vector<Seq2Seq> members) : members_(std::move(members)) {
  TORCH_CHECK(!members_.empty(), "an ensemble needs at least one model");
  for (std::size_t i = 0; i < members_.size(); ++i) register_module("member" + std::to_string(i), members_[i]);
}

torch::Tensor EnsembleImpl::forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                    const torch::Tensor& tgt_in) {
  std::vector<torch::Tensor> logits;
  for (auto& m : members_) logits.push_back(m->forward(src, src_lengths, tgt_in));
  return mean_log_probs(logits);
}

EncoderMemory EnsembleImpl::encode(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  std::vector<EncoderMemory> memories;
  for (auto& m : members_) memories.push_back(m->encode(src, src_lengths));
  EncoderMemory out = memories.front();
  out.members = std::move(memories);
  return out;
}

std::unique_ptr<DecoderState> EnsembleImpl::start(const EncoderMemory& memory, int64_t beam) {
  TORCH_CHECK(memory.members.size() == members_.size(), "the memory holds ", memory.members.size(),
              " members' encodings, the ensemble has ", members_.size(), " members");
  auto state = std::make_unique<EnsembleState>();
  for (std::size_t i = 0; i < members_.size(); ++i) state->members.push_back(members_[i]->start(memory.members[i], beam));
  return state;
}

StepOutput EnsembleImpl::step(const torch::Tensor& prev_tokens, DecoderState& state) {
  auto& s = dynamic_cast<EnsembleState&>(state);
  std::vector<torch::Tensor> logits;
  StepOutput out;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    s.members[i]->keep_attention = i == 0 && s.keep_attention;  // the first member's attention is shown
    auto member = members_[i]->step(prev_tokens, *s.members[i]);
    if (i == 0) out = member;
    logits.push_back(member.logits);
  }
  out.logits = mean_log_probs(logits);
  out.normalized = true;
  return out;
}

Seq2Seq make_ensemble(std::vector<Seq2Seq> members) {
  if (members.size() == 1) return members.front();
  return std::make_shared<EnsembleImpl>(std::move(members));
}

}  // namespace nmt::models
