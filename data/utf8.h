#pragma once
#include <cstddef>
#include <string_view>

namespace nmt::data {

// Returns the byte offset of the first invalid UTF-8 sequence in `text`, or
// std::string_view::npos when the whole text is valid (overlong forms,
// surrogates and code points above U+10FFFF are invalid, as in RFC 3629).
std::size_t find_invalid_utf8(std::string_view text);

// Number of code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text);

// The code point that starts at byte `at` of valid UTF-8 text; `at` moves past
// it. A byte that does not start a valid sequence reads as U+FFFD.
char32_t next_code_point(std::string_view text, std::size_t& at);

// The code point that ends just before byte `end`; `end` moves to its start.
char32_t previous_code_point(std::string_view text, std::size_t& end);

}  // namespace nmt::data
