#pragma once
// The one exception type of nmt: a message that says what went wrong and where.
// main() catches it, prints the message on one line to stderr and exits non-zero.
// It sits below every layer, so data/, models/ and app/ all throw the same thing.
#include <stdexcept>
#include <string>

namespace nmt {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace nmt
