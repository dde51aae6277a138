// Subword regularization: training batches are segmented anew by sampling,
// repeatably under a seed, always spelling the same sentences; everything
// else keeps the one best segmentation.
#include <catch2/catch.hpp>

#include "app/train/batch_prefetch.h"
#include "app/train/subword_sampling.h"
#include "common/error.h"
#include "data/batching.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

namespace {

// The batch's sentences as text, one side.
std::vector<std::string> texts(const torch::Tensor& ids, const nmt::data::Tokenizer& tokenizer) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < ids.size(0); ++r) {
    const auto row = ids[r].contiguous();
    std::vector<int> v(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.size(0));
    out.push_back(tokenizer.decode(v));
  }
  return out;
}

}  // namespace

TEST_CASE("sampled batches repeat under a seed, differ across seeds and spell the same text", "[sampling]") {
  auto t = nmt::test::tiny_model("sampling");
  auto tokenizer = t.config.tokenizer;
  tokenizer.sampling_nbest = GENERATE(16, -1);  // -1: every segmentation (data/segmentation_lattice.h)
  tokenizer.sampling_alpha = 0.1;
  INFO("sampling_nbest " << tokenizer.sampling_nbest);
  const nmt::SubwordSampler sampler(t.data.tokenizers, tokenizer, t.config.data.max_length);
  std::vector<int64_t> members(40);
  for (int64_t i = 0; i < 40; ++i) members[i] = i;
  const auto plain = nmt::data::make_batch(*t.data.train, members);
  const auto a = sampler.batch(*t.data.train, members, 7), again = sampler.batch(*t.data.train, members, 7);
  const auto b = sampler.batch(*t.data.train, members, 8);
  CHECK(torch::equal(a.src, again.src));
  CHECK(torch::equal(a.tgt_out, again.tgt_out));
  CHECK_FALSE(torch::equal(a.src, b.src));
  CHECK_FALSE(torch::equal(a.src, plain.src));  // not the dataset's segmentation
  CHECK(a.indices == plain.indices);
  const auto& tok = *t.data.tokenizers.src;
  CHECK(texts(a.src, tok) == texts(plain.src, tok));
  CHECK(texts(a.tgt_out, tok) == texts(plain.tgt_out, tok));
  // The one best segmentation stays what encode() gives (validation, test, translation).
  const std::string sentence = "Wir haben drei Bücher gekauft .";
  CHECK(tok.encode(sentence) == tok.encode(sentence));
  std::mt19937_64 rng(1);
  CHECK(tok.sample_encode(sentence, 1, 0.1, rng) == tok.encode(sentence));  // nbest 1: the best
}

TEST_CASE("tokenizer.sampling_sides samples the source or the target alone", "[sampling]") {
  auto t = nmt::test::tiny_model("sampling-sides");
  auto tokenizer = t.config.tokenizer;
  tokenizer.sampling_nbest = 16;
  std::vector<int64_t> members(40);
  for (int64_t i = 0; i < 40; ++i) members[i] = i;
  const auto plain = nmt::data::make_batch(*t.data.train, members);
  tokenizer.sampling_sides = "source";
  const auto source = nmt::SubwordSampler(t.data.tokenizers, tokenizer, 100).batch(*t.data.train, members, 3);
  CHECK_FALSE(torch::equal(source.src, plain.src));
  CHECK(torch::equal(source.tgt_in, plain.tgt_in));
  CHECK(torch::equal(source.tgt_out, plain.tgt_out));
  tokenizer.sampling_sides = "target";
  const auto target = nmt::SubwordSampler(t.data.tokenizers, tokenizer, 100).batch(*t.data.train, members, 3);
  CHECK(torch::equal(target.src, plain.src));
  CHECK_FALSE(torch::equal(target.tgt_out, plain.tgt_out));
  tokenizer.sampling_sides = "both";
  const auto both = nmt::SubwordSampler(t.data.tokenizers, tokenizer, 100).batch(*t.data.train, members, 3);
  CHECK_FALSE(torch::equal(both.src, plain.src));
  CHECK_FALSE(torch::equal(both.tgt_out, plain.tgt_out));
}

TEST_CASE("a batch sampled ahead on another thread is the batch sampled when asked", "[sampling]") {
  auto t = nmt::test::tiny_model("sampling-prefetch");
  auto tokenizer = t.config.tokenizer;
  tokenizer.sampling_nbest = 16;
  const nmt::SubwordSampler sampler(t.data.tokenizers, tokenizer, t.config.data.max_length);
  std::vector<int64_t> first(30), second(30);
  for (int64_t i = 0; i < 30; ++i) first[i] = i, second[i] = 30 + i;
  nmt::BatchPrefetch prefetch(sampler, *t.data.train);
  double waited = 0, sampled = 0;
  prefetch.start(first, 5);
  const auto ahead = prefetch.take(first, 5, waited, sampled);
  CHECK(torch::equal(ahead.src, sampler.batch(*t.data.train, first, 5).src));
  CHECK(torch::equal(ahead.tgt_out, sampler.batch(*t.data.train, first, 5).tgt_out));
  CHECK(sampled > 0);
  // Started for other members or another seed: the one asked for is sampled then.
  prefetch.start(second, 5);
  CHECK(torch::equal(prefetch.take(first, 5, waited, sampled).src, ahead.src));
  prefetch.start(first, 6);
  CHECK(torch::equal(prefetch.take(first, 5, waited, sampled).src, ahead.src));
  prefetch.start(second, 9);  // never taken: dropped when the prefetch goes
}

TEST_CASE("subword sampling needs a unigram tokenizer", "[sampling]") {
  auto t = nmt::test::tiny_model("sampling-bpe");
  auto tokenizer = t.config.tokenizer;
  tokenizer.type = "bpe";
  tokenizer.sampling_nbest = 8;
  CHECK_THROWS_WITH(nmt::SubwordSampler(t.data.tokenizers, tokenizer, 100),
                    Contains("tokenizer.sampling_nbest") && Contains("unigram"));
}

TEST_CASE("a training run with subword sampling logs its cost and learns", "[sampling]") {
  const auto dir = nmt::test::scratch_dir("sampling-run").string();
  auto c = nmt::test::tiny_config(dir);
  c.tokenizer.sampling_nbest = 8;
  c.training.threads = 1;
  c.training.max_steps = 12;
  c.training.log_every = 6;
  c.training.validate_every = 12;
  c.decoding.max_length_b = 4;
  nmt::data::write_file_atomically(dir + "/config.yaml", nmt::to_yaml(c));
  const auto r = nmt::test::run(nmt::test::tool("nmt-train") + " --config " + dir + "/config.yaml", "sampling-run");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.err, Contains("| sampling ") && Contains(" ms waited)"));
  CHECK_THAT(r.err, Contains("validation step 12"));
}
