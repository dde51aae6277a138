#pragma once
// NumPy's default generator, numpy.random.default_rng(seed): PCG64 seeded
// through SeedSequence. sacreBLEU draws its bootstrap resamples from it, so
// nmt's paired bootstrap resamples the same sentences as sacreBLEU's.
#include <cstdint>

namespace nmt {

class NumpyGenerator {
 public:
  explicit NumpyGenerator(std::uint64_t seed);

  std::uint64_t next64();  // bit_generator.random_raw()
  std::uint32_t next32();  // half of a 64-bit draw, the low half first

  // integers(0, n) for 0 < n <= 2^32 (Lemire's bounded draws, as NumPy's).
  std::int64_t below(std::int64_t n);

 private:
  unsigned __int128 state_ = 0, increment_ = 0;
  bool has_high_half_ = false;
  std::uint32_t high_half_ = 0;
};

}  // namespace nmt
