// Training and decoding on a GPU, for builds of LibTorch with CUDA.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "app/decode/beam_search.h"
#include "app/train/optimizer.h"
#include "app/train/train_step.h"
#include "data/batching.h"
#include "tiny_model.h"

TEST_CASE("a few training and decoding steps run on CUDA", "[cuda]") {
  if (!torch::cuda::is_available()) {
    WARN("SKIPPED: this LibTorch has no CUDA device");
    return;
  }
  for (const std::string type : {"gru", "transformer"}) {
    auto t = nmt::test::tiny_model("cuda-" + type, type);
    const torch::Device device("cuda:0");
    t.model->to(device);
    auto optimizer = nmt::make_optimizer(t.config.training, *t.model);
    const auto batches = nmt::data::plan_batches(t.data.train->lengths(), {500, 0}, 1, true);
    double first = 0, last = 0;
    for (int step = 0; step < 20; ++step) {
      const auto batch = nmt::data::make_batch(*t.data.train, batches[0]).to(device);
      const auto result = nmt::train_step(*t.model, *optimizer, batch, 0.0, 1.0);
      (step == 0 ? first : last) = result.nll / result.tokens;
    }
    CHECK(last < first);  // it learns the batch it sees
    t.model->eval();
    const auto batch = nmt::data::make_batch(*t.data.train, batches[0]).to(device);
    nmt::BeamOptions options;
    options.beam_size = 3;
    const auto hyps = nmt::beam_search(*t.model, batch.src, batch.src_lengths, options);
    CHECK(hyps.size() == static_cast<std::size_t>(batch.size()));
  }
}
