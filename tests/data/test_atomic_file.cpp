#include <catch2/catch.hpp>

#include "common/error.h"
#include "data/atomic_file.h"
#include "data/text_file.h"
#include "helpers.h"

using Catch::Matchers::Contains;

TEST_CASE("a file is replaced whole, or not at all", "[atomic]") {
  const auto dir = nmt::test::scratch_dir("atomic");
  const auto path = (dir / "sub" / "file.txt").string();
  nmt::data::write_file_atomically(path, "first\n");  // creates the missing folder
  CHECK(nmt::test::read_file(path) == "first\n");
  nmt::data::write_file_atomically(path, "second\n");
  CHECK(nmt::test::read_file(path) == "second\n");

  // A writer that fails half-way leaves the old file and no temporary behind.
  auto failing = [](const std::string& tmp) {
    nmt::test::write_file(tmp, "half");
    throw std::runtime_error("disk full");
  };
  CHECK_THROWS_WITH(nmt::data::replace_file_atomically(path, failing), Contains(path) && Contains("disk full"));
  CHECK(nmt::test::read_file(path) == "second\n");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}
