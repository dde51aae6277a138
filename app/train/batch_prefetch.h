#pragma once
// Subword sampling of the next batch on a background thread while the current
// update computes (tokenizer.sampling_nbest). Sampling a batch takes up to a
// sixth of an update on one core (both sides, n-best 64); started ahead, no
// update waits for it, though where the update keeps every core busy it still
// takes its share of them. The batch is the same whichever thread samples it:
// members and seed decide it.
#include <cstdint>
#include <future>
#include <optional>
#include <vector>

#include "app/train/subword_sampling.h"
#include "data/batching.h"

namespace nmt {

class BatchPrefetch {
 public:
  // Both must outlive this object.
  BatchPrefetch(const SubwordSampler& sampler, const data::PairSource& pairs) : sampler_(sampler), pairs_(pairs) {}
  ~BatchPrefetch();
  BatchPrefetch(const BatchPrefetch&) = delete;
  BatchPrefetch& operator=(const BatchPrefetch&) = delete;

  // Starts sampling the batch of `members` with `seed` in the background;
  // one that was started and not taken is dropped.
  void start(std::vector<std::int64_t> members, std::uint64_t seed);
  // The batch of `members` with `seed`: the one started, when it is that one,
  // else sampled now. Adds to `waited` the seconds this call took and to
  // `sampled` those the sampling took, wherever it ran.
  data::Batch take(const std::vector<std::int64_t>& members, std::uint64_t seed, double& waited, double& sampled);

 private:
  struct Sampled {
    data::Batch batch;
    double seconds = 0;
  };
  struct Pending {
    std::vector<std::int64_t> members;
    std::uint64_t seed = 0;
    std::future<Sampled> result;
  };
  Sampled sample(const std::vector<std::int64_t>& members, std::uint64_t seed) const;

  const SubwordSampler& sampler_;
  const data::PairSource& pairs_;
  std::optional<Pending> pending_;
};

}  // namespace nmt
