#pragma once
// A picture of the Transformer's sinusoidal positional encoding, as the
// attention chapter of Dive into Deep Learning draws it: positions down,
// encoding dimensions across, blue for +1, white for 0, red for -1. The low
// dimensions change fastest down the page; the high ones hardly at all.
#include <cstdint>
#include <string>

namespace nmt {

// Positions 0 .. positions-1 of a `dim`-wide encoding, its first `shown` dimensions.
std::string positional_encoding_svg(std::int64_t positions, std::int64_t dim, std::int64_t shown);

}  // namespace nmt
