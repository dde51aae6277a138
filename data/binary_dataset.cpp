#include "data/binary_dataset.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "data/atomic_file.h"
#include "data/checksum.h"

namespace nmt::data {
namespace {

constexpr char kMagic[8] = {'N', 'M', 'T', 'D', 'A', 'T', 'A', '\0'};
constexpr std::size_t kHeaderBytes = 256;

// The header as it is on disk (x86-64 and aarch64 are little-endian, which the
// format assumes). `checksum` covers the bytes before it.
struct Header {
  char magic[8];
  std::uint32_t version;
  std::uint32_t header_bytes;
  std::uint32_t src_vocab;
  std::uint32_t tgt_vocab;
  std::uint64_t source_checksum;
  std::uint64_t pairs;
  std::uint64_t tokens;
  std::uint64_t file_bytes;
  std::int64_t stats[9];
  std::uint64_t checksum;
};
static_assert(sizeof(Header) <= kHeaderBytes, "the header must fit its reserved bytes");

struct IndexEntry {
  std::uint64_t offset;  // in ids, from the start of the token area
  std::uint32_t src_len;
  std::uint32_t tgt_len;
  std::int64_t line;
};
static_assert(sizeof(IndexEntry) == 24, "the index entry is a file format");

void stats_to(const FilterStats& s, std::int64_t out[9]) {
  const std::int64_t values[9] = {s.read, s.kept, s.dropped_empty, s.dropped_too_long, s.dropped_ratio,
                                  s.src_tokens, s.tgt_tokens, s.src_unknown, s.tgt_unknown};
  std::memcpy(out, values, sizeof values);
}

FilterStats stats_from(const std::int64_t in[9]) {
  return {in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], in[8]};
}

std::uint64_t header_checksum(const Header& h) {
  Checksum c;
  c.add(&h, offsetof(Header, checksum));
  return c.value();
}

// Reads and checks the header of `path`; returns false with `why` when it is not one of ours.
bool read_header(const unsigned char* bytes, std::size_t size, Header& h, std::string& why) {
  if (size < kHeaderBytes) return why = "shorter than a dataset header (truncated?)", false;
  std::memcpy(&h, bytes, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return why = "not an nmt binary dataset", false;
  if (h.version != BinaryDataset::kVersion)
    return why = "dataset format version " + std::to_string(h.version) + ", this build reads version " +
                 std::to_string(BinaryDataset::kVersion), false;
  if (h.checksum != header_checksum(h)) return why = "damaged header (checksum mismatch)", false;
  return true;
}

}  // namespace

BinaryDataset::BinaryDataset(const std::string& path) : path_(path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open dataset (" + std::strerror(errno) + ")");
  struct stat st {};
  ::fstat(fd, &st);
  bytes_ = static_cast<std::size_t>(st.st_size);
  void* map = bytes_ > 0 ? ::mmap(nullptr, bytes_, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
  const int saved = errno;
  ::close(fd);
  if (map == MAP_FAILED)
    throw Error(path + ": cannot map dataset (" + (bytes_ ? std::strerror(saved) : "empty file") + ")");
  data_ = static_cast<const unsigned char*>(map);
  Header h{};
  std::string why;
  try {
    if (!read_header(data_, bytes_, h, why)) throw Error(path + ": " + why);
    const std::uint64_t expected = kHeaderBytes + h.tokens * sizeof(int) + h.pairs * sizeof(IndexEntry);
    if (h.file_bytes != expected || bytes_ != h.file_bytes)
      throw Error(path + ": " + std::to_string(bytes_) + " bytes, the header says " + std::to_string(expected) +
                  " (truncated or damaged; delete it to rebuild)");
    tokens_ = reinterpret_cast<const int*>(data_ + kHeaderBytes);
    index_ = data_ + kHeaderBytes + h.tokens * sizeof(int);
    info_ = {h.src_vocab, h.tgt_vocab, h.source_checksum, stats_from(h.stats)};
    lengths_.resize(h.pairs);
    for (std::uint64_t i = 0; i < h.pairs; ++i) {
      IndexEntry e;
      std::memcpy(&e, index_ + i * sizeof e, sizeof e);
      if (e.offset + e.src_len + e.tgt_len > h.tokens)
        throw Error(path + ": pair " + std::to_string(i) + " points past the token ids (damaged; delete it to rebuild)");
      lengths_[i] = {e.src_len, e.tgt_len};
    }
  } catch (...) {
    ::munmap(const_cast<unsigned char*>(data_), bytes_);
    throw;
  }
}

BinaryDataset::~BinaryDataset() {
  if (data_) ::munmap(const_cast<unsigned char*>(data_), bytes_);
}

PairView BinaryDataset::pair(std::size_t i) const {
  IndexEntry e;
  std::memcpy(&e, index_ + i * sizeof e, sizeof e);
  const int* src = tokens_ + e.offset;
  return {src, e.src_len, src + e.src_len, e.tgt_len, e.line};
}

struct BinaryDatasetWriter::Impl {
  std::string path, part;
  DatasetInfo info;
  std::ofstream out;
  std::vector<IndexEntry> index;
  std::uint64_t tokens = 0;
  bool finished = false;
};

BinaryDatasetWriter::BinaryDatasetWriter(const std::string& path, const DatasetInfo& info) : impl_(new Impl) {
  impl_->path = path;
  impl_->part = path + ".part";
  impl_->info = info;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  impl_->out.open(impl_->part, std::ios::binary | std::ios::trunc);
  if (!impl_->out) throw Error(impl_->part + ": cannot write (" + std::strerror(errno) + ")");
  const std::vector<char> placeholder(kHeaderBytes, 0);
  impl_->out.write(placeholder.data(), kHeaderBytes);
}

BinaryDatasetWriter::~BinaryDatasetWriter() {
  if (!impl_->finished) {
    impl_->out.close();
    std::error_code ec;
    std::filesystem::remove(impl_->part, ec);
  }
  delete impl_;
}

void BinaryDatasetWriter::add(const std::vector<int>& src, const std::vector<int>& tgt, std::int64_t line) {
  auto& d = *impl_;
  d.index.push_back({d.tokens, static_cast<std::uint32_t>(src.size()), static_cast<std::uint32_t>(tgt.size()), line});
  d.out.write(reinterpret_cast<const char*>(src.data()), static_cast<std::streamsize>(src.size() * sizeof(int)));
  d.out.write(reinterpret_cast<const char*>(tgt.data()), static_cast<std::streamsize>(tgt.size() * sizeof(int)));
  d.tokens += src.size() + tgt.size();
}

void BinaryDatasetWriter::finish(const FilterStats& stats) {
  auto& d = *impl_;
  d.out.write(reinterpret_cast<const char*>(d.index.data()),
              static_cast<std::streamsize>(d.index.size() * sizeof(IndexEntry)));
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = BinaryDataset::kVersion;
  h.header_bytes = kHeaderBytes;
  h.src_vocab = d.info.src_vocab;
  h.tgt_vocab = d.info.tgt_vocab;
  h.source_checksum = d.info.source_checksum;
  h.pairs = d.index.size();
  h.tokens = d.tokens;
  h.file_bytes = kHeaderBytes + d.tokens * sizeof(int) + d.index.size() * sizeof(IndexEntry);
  stats_to(stats, h.stats);
  h.checksum = header_checksum(h);
  d.out.seekp(0);
  d.out.write(reinterpret_cast<const char*>(&h), sizeof h);
  d.out.close();
  if (!d.out) throw Error(d.part + ": write failed (disk full?)");
  replace_file_atomically(d.path, [&](const std::string& tmp) { std::filesystem::rename(d.part, tmp); });
  d.finished = true;
}

bool dataset_matches(const std::string& path, const DatasetInfo& expected) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  unsigned char bytes[kHeaderBytes];
  in.read(reinterpret_cast<char*>(bytes), kHeaderBytes);
  Header h{};
  std::string why;
  if (!in || !read_header(bytes, kHeaderBytes, h, why)) return false;
  in.seekg(0, std::ios::end);
  return h.source_checksum == expected.source_checksum && h.src_vocab == expected.src_vocab &&
         h.tgt_vocab == expected.tgt_vocab && static_cast<std::uint64_t>(in.tellg()) == h.file_bytes;
}

}  // namespace nmt::data
