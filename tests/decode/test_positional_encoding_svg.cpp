// The picture of the positional encoding draws the table's values.
#include <catch2/catch.hpp>

#include <regex>

#include "app/decode/positional_encoding_svg.h"

TEST_CASE("the positional encoding picture has a cell per position and dimension, coloured by value", "[decode]") {
  const auto svg = nmt::positional_encoding_svg(60, 256, 64);
  const std::regex fill("<rect x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"[0-9.]+\" height=\"[0-9.]+\" fill=\"(#[0-9a-f]{6})\"/>");
  std::vector<std::string> fills;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), fill); it != std::sregex_iterator(); ++it)
    fills.push_back((*it)[1]);
  REQUIRE(fills.size() == 60 * 64);
  // Position 0: sin 0 = 0 (white) in even dimensions, cos 0 = 1 (full blue) in odd ones.
  CHECK(fills[0] == "#ffffff");
  CHECK(fills[1] == "#0000ff");
  // Position 2, dimension 0: sin 2 = 0.909 (blue); dimension 1: cos 2 = -0.416 (light red).
  CHECK(fills[2 * 64] == "#1717ff");
  CHECK(fills[2 * 64 + 1] == "#ff9595");
  CHECK_THAT(svg, Catch::Matchers::Contains("0 .. 63 of 256"));
}
