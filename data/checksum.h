#pragma once
// FNV-1a, 64 bits: the checksum of datasets, the settings that made them, and
// checkpoint files.
#include <cstddef>
#include <cstdint>
#include <string>

namespace nmt::data {

class Checksum {
 public:
  void add(const void* data, std::size_t bytes);
  void add_file(const std::string& path);  // its bytes; errors name it
  void add(const std::string& text) { add(text.data(), text.size()); }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 1469598103934665603ULL;
};

}  // namespace nmt::data
