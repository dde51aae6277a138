#include "app/train/validation.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

#include "app/metrics/bleu.h"
#include "app/train/loss.h"
#include "data/batching.h"
#include "data/special_ids.h"

namespace nmt {

Validation validate(models::Seq2SeqImpl& model, const Translator& translator, const PreparedData& data,
                    int batch_tokens, const std::string& device) {
  const auto start = std::chrono::steady_clock::now();
  torch::NoGradGuard no_grad;
  model.eval();
  double nll = 0;
  int64_t tokens = 0;
  for (const auto& members : data::plan_batches(data.valid, {batch_tokens, 0}, 0, false)) {
    const auto batch = data::make_batch(data.valid, members).to(torch::Device(device));
    const auto logits = model.forward(batch.src, batch.src_lengths, batch.tgt_in);
    const auto loss = label_smoothed_loss(logits, batch.tgt_out, 0.0, data::kPadId);
    nll += loss.nll;
    tokens += loss.tokens;
  }
  Validation v;
  v.ppl = std::exp(nll / std::max<int64_t>(1, tokens));
  v.bleu = corpus_bleu(translator.translate(data.valid_src), data.valid_ref).score;
  v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  model.train();
  return v;
}

}  // namespace nmt
