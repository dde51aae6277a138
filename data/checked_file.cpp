#include "data/checked_file.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.h"
#include "data/checksum.h"
#include "data/text_file.h"

namespace nmt::data {
namespace {

constexpr char kMagic[8] = {'N', 'M', 'T', 'S', 'U', 'M', '0', '1'};
constexpr std::size_t kHeader = 24;

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_u64(const std::string& in, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

std::uint64_t checksum_of(const char* data, std::size_t size) {
  Checksum sum;
  sum.add(data, size);
  return sum.value();
}

}  // namespace

void write_checked_file(const std::string& path, const std::string& payload) {
  std::string header(kMagic, sizeof kMagic);
  put_u64(header, payload.size());
  put_u64(header, checksum_of(payload.data(), payload.size()));
  // In two parts: a checkpoint is ~100 MB, not worth a copy to join them.
  write_file_atomically(path, std::vector<std::string_view>{header, payload});
}

std::string read_checked_file(const std::string& path, const std::string& what) {
  if (!file_exists(path)) throw Error(path + ": " + what + " not found");
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(path + ": cannot read " + what);
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return bytes;
  if (bytes.size() < kHeader) throw Error(path + ": truncated " + what + " (" + std::to_string(bytes.size()) + " bytes)");
  const auto size = get_u64(bytes, 8), expected = get_u64(bytes, 16);
  if (bytes.size() - kHeader < size)
    throw Error(path + ": truncated " + what + " (" + std::to_string(bytes.size() - kHeader) + " of " +
                std::to_string(size) + " bytes)");
  if (bytes.size() - kHeader > size)
    throw Error(path + ": damaged " + what + " (" + std::to_string(bytes.size() - kHeader - size) +
                " bytes more than its header says)");
  if (checksum_of(bytes.data() + kHeader, size) != expected)
    throw Error(path + ": damaged " + what + " (its checksum does not match its content)");
  bytes.erase(0, kHeader);
  return bytes;
}

}  // namespace nmt::data
