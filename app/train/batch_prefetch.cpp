#include "app/train/batch_prefetch.h"

#include "common/stopwatch.h"

namespace nmt {

BatchPrefetch::~BatchPrefetch() {
  // A batch still being sampled reads the pairs: wait for it before they may go.
  if (pending_ && pending_->result.valid()) pending_->result.wait();
}

BatchPrefetch::Sampled BatchPrefetch::sample(const std::vector<std::int64_t>& members, std::uint64_t seed) const {
  const auto start = Clock::now();
  Sampled out{sampler_.batch(pairs_, members, seed)};
  out.seconds = seconds_since(start);
  return out;
}

void BatchPrefetch::start(std::vector<std::int64_t> members, std::uint64_t seed) {
  if (pending_ && pending_->result.valid()) pending_->result.wait();
  pending_.emplace();
  pending_->members = std::move(members);
  pending_->seed = seed;
  pending_->result = std::async(std::launch::async, [this, m = &pending_->members, seed] { return sample(*m, seed); });
}

data::Batch BatchPrefetch::take(const std::vector<std::int64_t>& members, std::uint64_t seed, double& waited,
                                double& sampled) {
  const auto start = Clock::now();
  Sampled out;
  if (pending_ && pending_->seed == seed && pending_->members == members) {
    out = pending_->result.get();
  } else {
    out = sample(members, seed);
  }
  if (pending_ && pending_->result.valid()) pending_->result.wait();
  pending_.reset();
  waited += seconds_since(start);
  sampled += out.seconds;
  return std::move(out.batch);
}

}  // namespace nmt
