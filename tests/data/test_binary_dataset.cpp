// The memory-mapped training dataset: the ids that go in come out, batches
// from the mapping equal batches from memory, and a damaged file is named.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <filesystem>

#include "common/error.h"
#include "data/batching.h"
#include "data/binary_dataset.h"
#include "helpers.h"

using Catch::Matchers::Contains;

namespace {

// Pairs of varied lengths, ids in [4, 500).
std::vector<nmt::data::TokenizedPair> some_pairs(int n) {
  std::vector<nmt::data::TokenizedPair> pairs(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 1 + (i * 7) % 13; ++j) pairs[i].src.push_back(4 + (i * 31 + j * 17) % 496);
    for (int j = 0; j < 1 + (i * 5) % 11; ++j) pairs[i].tgt.push_back(4 + (i * 13 + j * 29) % 496);
    pairs[i].index = 3 * i + 1;  // as if lines had been filtered out
  }
  return pairs;
}

std::string write_dataset(const std::vector<nmt::data::TokenizedPair>& pairs, const std::string& path) {
  nmt::data::DatasetInfo info{500, 500, 12345, {}};
  nmt::data::BinaryDatasetWriter writer(path, info);
  for (const auto& p : pairs) writer.add(p.src, p.tgt, p.index);
  nmt::data::FilterStats stats;
  stats.read = static_cast<int64_t>(pairs.size()) + 7;
  stats.kept = static_cast<int64_t>(pairs.size());
  writer.finish(stats);
  return path;
}

}  // namespace

TEST_CASE("a dataset gives back the ids, lengths and corpus lines written into it", "[dataset]") {
  const auto pairs = some_pairs(300);
  const auto path = write_dataset(pairs, (nmt::test::scratch_dir("dataset") / "train.bin").string());
  CHECK_FALSE(std::filesystem::exists(path + ".part"));
  const nmt::data::BinaryDataset dataset(path);
  REQUIRE(dataset.size() == pairs.size());
  CHECK(dataset.info().source_checksum == 12345);
  CHECK(dataset.info().stats.read == 307);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto view = dataset.pair(i);
    CHECK(std::vector<int>(view.src, view.src + view.src_len) == pairs[i].src);
    CHECK(std::vector<int>(view.tgt, view.tgt + view.tgt_len) == pairs[i].tgt);
    CHECK(view.index == pairs[i].index);
    CHECK(dataset.lengths()[i].src == pairs[i].src.size());
  }
  CHECK(nmt::data::dataset_matches(path, {500, 500, 12345, {}}));
  CHECK_FALSE(nmt::data::dataset_matches(path, {500, 500, 999, {}}));  // made from something else: stale
  CHECK_FALSE(nmt::data::dataset_matches(path, {501, 500, 12345, {}}));
}

TEST_CASE("batches from the mapping equal batches from memory", "[dataset]") {
  const auto pairs = some_pairs(500);
  const auto path = write_dataset(pairs, (nmt::test::scratch_dir("dataset-batches") / "train.bin").string());
  const nmt::data::BinaryDataset dataset(path);
  const nmt::data::BatchLimits limits{200, 0};
  const auto from_memory = nmt::data::plan_batches(pairs, limits, 7, true);
  REQUIRE(nmt::data::plan_batches(dataset.lengths(), limits, 7, true) == from_memory);
  for (const auto& members : from_memory) {
    const auto a = nmt::data::make_batch(pairs, members), b = nmt::data::make_batch(dataset, members);
    CHECK(torch::equal(a.src, b.src));
    CHECK(torch::equal(a.src_lengths, b.src_lengths));
    CHECK(torch::equal(a.tgt_in, b.tgt_in));
    CHECK(torch::equal(a.tgt_out, b.tgt_out));
    CHECK(a.indices == b.indices);
    CHECK(a.tgt_tokens == b.tgt_tokens);
  }
}

TEST_CASE("a truncated, damaged or foreign dataset is an error naming the file", "[dataset]") {
  const auto dir = nmt::test::scratch_dir("dataset-bad");
  const auto path = write_dataset(some_pairs(100), (dir / "train.bin").string());
  const auto size = std::filesystem::file_size(path);

  const auto truncated = (dir / "truncated.bin").string();
  std::filesystem::copy_file(path, truncated);
  std::filesystem::resize_file(truncated, size - 10);
  CHECK_THROWS_WITH(nmt::data::BinaryDataset(truncated), Contains(truncated) && Contains("truncated"));
  CHECK_FALSE(nmt::data::dataset_matches(truncated, {500, 500, 12345, {}}));

  const auto damaged = (dir / "damaged.bin").string();
  auto bytes = nmt::test::read_file(path);
  bytes[20] ^= 0x40;  // a header byte
  nmt::test::write_file(damaged, bytes);
  CHECK_THROWS_WITH(nmt::data::BinaryDataset(damaged), Contains(damaged) && Contains("damaged header"));

  const auto foreign = (dir / "foreign.bin").string();
  nmt::test::write_file(foreign, std::string(4096, 'x'));
  CHECK_THROWS_WITH(nmt::data::BinaryDataset(foreign), Contains("not an nmt binary dataset"));
  CHECK_THROWS_WITH(nmt::data::BinaryDataset((dir / "missing.bin").string()), Contains("missing.bin: cannot open"));
}
