#include "app/metrics/numpy_random.h"

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace nmt {
namespace {

using u128 = unsigned __int128;

// SeedSequence's constants (numpy/random/bit_generator.pyx).
constexpr std::uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875;
constexpr std::uint32_t kInitB = 0x8b51f9dd, kMultB = 0x58f38ded;
constexpr std::uint32_t kMixMultL = 0xca01f9dd, kMixMultR = 0x4973f715;
constexpr int kXShift = 16;
constexpr std::size_t kPoolSize = 4;

std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  return value ^ (value >> kXShift);
}

std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
  std::uint32_t result = kMixMultL * x - kMixMultR * y;
  return result ^ (result >> kXShift);
}

// SeedSequence(seed).generate_state(4, uint64): the seed's 32-bit words
// hashed into a pool of 4, then drawn out as 8 words, paired little-endian.
std::array<std::uint64_t, 4> seed_sequence_state(std::uint64_t seed) {
  std::vector<std::uint32_t> entropy{static_cast<std::uint32_t>(seed)};
  if (seed >> 32) entropy.push_back(static_cast<std::uint32_t>(seed >> 32));
  std::array<std::uint32_t, kPoolSize> pool{};
  std::uint32_t hash_const = kInitA;
  for (std::size_t i = 0; i < kPoolSize; ++i) pool[i] = hashmix(i < entropy.size() ? entropy[i] : 0, hash_const);
  for (std::size_t src = 0; src < kPoolSize; ++src)
    for (std::size_t dst = 0; dst < kPoolSize; ++dst)
      if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hash_const));
  std::array<std::uint32_t, 8> words{};
  hash_const = kInitB;
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::uint32_t value = pool[i % kPoolSize] ^ hash_const;
    hash_const *= kMultB;
    value *= hash_const;
    words[i] = value ^ (value >> kXShift);
  }
  std::array<std::uint64_t, 4> state{};
  for (std::size_t i = 0; i < state.size(); ++i)
    state[i] = static_cast<std::uint64_t>(words[2 * i]) | (static_cast<std::uint64_t>(words[2 * i + 1]) << 32);
  return state;
}

constexpr u128 kPcgMultiplier = (static_cast<u128>(0x2360ED051FC65DA4ULL) << 64) | 0x4385DF649FCCF645ULL;

}  // namespace

NumpyGenerator::NumpyGenerator(std::uint64_t seed) {
  const auto s = seed_sequence_state(seed);
  const u128 initial_state = (static_cast<u128>(s[0]) << 64) | s[1];
  const u128 sequence = (static_cast<u128>(s[2]) << 64) | s[3];
  // pcg_setseq_128_srandom_r
  increment_ = (sequence << 1) | 1;
  state_ = state_ * kPcgMultiplier + increment_;
  state_ += initial_state;
  state_ = state_ * kPcgMultiplier + increment_;
}

std::uint64_t NumpyGenerator::next64() {
  state_ = state_ * kPcgMultiplier + increment_;  // step, then output the new state (XSL RR)
  const auto folded = static_cast<std::uint64_t>(state_ >> 64) ^ static_cast<std::uint64_t>(state_);
  const unsigned rotation = static_cast<unsigned>(state_ >> 122);
  return (folded >> rotation) | (folded << ((64 - rotation) & 63));
}

std::uint32_t NumpyGenerator::next32() {
  if (has_high_half_) {
    has_high_half_ = false;
    return high_half_;
  }
  const auto draw = next64();
  has_high_half_ = true;
  high_half_ = static_cast<std::uint32_t>(draw >> 32);
  return static_cast<std::uint32_t>(draw);
}

std::int64_t NumpyGenerator::below(std::int64_t n) {
  if (n < 1 || n > (std::int64_t{1} << 32))
    throw std::invalid_argument("NumpyGenerator::below: n must be in [1, 2^32] (got " + std::to_string(n) + ")");
  if (n == 1) return 0;
  if (n == (std::int64_t{1} << 32)) return next32();
  // Lemire's multiply-and-reject, drawn as NumPy's buffered_bounded_lemire_uint32.
  const auto range = static_cast<std::uint32_t>(n);
  std::uint64_t product = static_cast<std::uint64_t>(next32()) * range;
  auto low = static_cast<std::uint32_t>(product);
  if (low < range) {
    const std::uint32_t threshold = (0xFFFFFFFFu - (range - 1)) % range;
    while (low < threshold) {
      product = static_cast<std::uint64_t>(next32()) * range;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::int64_t>(product >> 32);
}

}  // namespace nmt
