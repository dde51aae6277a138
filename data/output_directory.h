#pragma once
// A directory a tool is about to write into (an export, an averaged model):
// new or empty, or the user said --force. Refusing a non-empty one keeps what
// a user had there, e.g. a config.json of their own next to where an export
// was pointed.
#include <string>

namespace nmt::data {

// Throws nmt::Error naming `dir` and one entry in it when `dir` holds anything
// and `force` is false; `tool` says what would have been written ("nmt-export").
void require_empty_directory(const std::string& dir, const std::string& tool, bool force);

}  // namespace nmt::data
