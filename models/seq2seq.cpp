#include "models/seq2seq.h"

#include <c10/util/Exception.h>
#include <torch/torch.h>

namespace nmt::models {

std::int64_t parameter_count(const torch::nn::Module& model) {
  std::int64_t n = 0;
  for (const auto& p : model.parameters()) n += p.numel();
  return n;
}

void check_source(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  TORCH_CHECK(src.dim() == 2 && src.scalar_type() == torch::kInt64,
              "source tokens must be an int64 tensor [B, S], got ", src.scalar_type(), " ", src.sizes());
  TORCH_CHECK(src_lengths.dim() == 1 && src_lengths.size(0) == src.size(0),
              "source lengths must be [B] with B = ", src.size(0), ", got ", src_lengths.sizes());
}

void check_target(const torch::Tensor& src, const torch::Tensor& tgt_in) {
  TORCH_CHECK(tgt_in.dim() == 2 && tgt_in.scalar_type() == torch::kInt64 && tgt_in.size(0) == src.size(0),
              "target tokens must be an int64 tensor [B, T] with B = ", src.size(0), ", got ",
              tgt_in.scalar_type(), " ", tgt_in.sizes());
}

torch::Tensor Seq2SeqImpl::output_weight_in_use() const {
  if (!output_weight_hook_ || !torch::GradMode::is_enabled() || !output_weight_.requires_grad()) return output_weight_;
  auto alias = output_weight_.view_as(output_weight_);
  alias.register_hook(output_weight_hook_);
  return alias;
}

bool has_padding(const torch::Tensor& mask) { return !mask.all().item<bool>(); }

SentenceSelection sentences_of_rows(const torch::Tensor& indices, int64_t beam, int64_t sentences) {
  TORCH_CHECK(indices.dim() == 1 && indices.size(0) % beam == 0, "selected rows (", indices.size(0),
              ") must come in groups of the beam (", beam, ")");
  SentenceSelection out;
  out.sentences = indices.to(torch::kCPU).view({-1, beam}).select(1, 0).div(beam, "floor");
  out.unchanged = out.sentences.size(0) == sentences &&
                  out.sentences.equal(torch::arange(sentences, out.sentences.options()));
  return out;
}

void check_step_input(const torch::Tensor& prev_tokens) {
  TORCH_CHECK(prev_tokens.dim() == 1 && prev_tokens.scalar_type() == torch::kInt64,
              "previous tokens must be an int64 tensor [B], got ", prev_tokens.scalar_type(), " ",
              prev_tokens.sizes());
}

}  // namespace nmt::models
