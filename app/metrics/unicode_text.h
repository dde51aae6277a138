#pragma once
// Just enough Unicode to score text exactly as sacreBLEU (Python) does:
// code points, and whitespace as Python's str.isspace() / str.split() see it.
#include <string>
#include <string_view>
#include <vector>

namespace nmt {

std::u32string utf8_to_u32(std::string_view text);  // text must be valid UTF-8
std::string u32_to_utf8(std::u32string_view text);

bool is_python_space(char32_t c);

// Python's str.split() with no arguments.
std::vector<std::u32string> split_python_whitespace(std::u32string_view text);

// Python's str.rstrip() with no arguments.
std::u32string_view rstrip_python_whitespace(std::u32string_view text);

}  // namespace nmt
