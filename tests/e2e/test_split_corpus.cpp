// scripts/split_corpus.sh: a user's one pair of files into train, valid and
// test, the same way on every run, with a sentence's alternative translations
// kept in one set, and nothing of the user's overwritten.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <sstream>

#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::read_file;
using nmt::test::run;
using nmt::test::source_path;
using nmt::test::write_file;

namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string split(const std::filesystem::path& dir, const std::string& out, const std::string& extra = "") {
  return source_path("scripts/split_corpus.sh") + " " + (dir / "all.fr").string() + " " + (dir / "all.en").string() +
         " " + (dir / out).string() + " " + extra;
}

}  // namespace

TEST_CASE("split_corpus.sh splits one pair deterministically, by the target sentence", "[data][split]") {
  const auto dir = nmt::test::scratch_dir("split-corpus");
  std::string fr, en;
  for (int i = 0; i < 3000; ++i) {
    // Every English sentence twice, with two French translations.
    fr += "phrase " + std::to_string(i) + (i % 2 ? " bis" : "") + "\n";
    en += "Sentence " + std::to_string(i / 2) + ".\n";
  }
  write_file(dir / "all.fr", fr);
  write_file(dir / "all.en", en);

  const auto r = run(split(dir, "a", "--valid 5 --test 5"), "split");
  REQUIRE(r.status == 0);
  CHECK_THAT(r.err, Contains("pairs"));
  size_t total = 0;
  std::map<std::string, std::string> set_of;  // English sentence -> its set
  for (const char* set : {"train", "valid", "test"}) {
    const auto f = lines(read_file(dir / "a" / (std::string(set) + ".fr")));
    const auto e = lines(read_file(dir / "a" / (std::string(set) + ".en")));
    REQUIRE(f.size() == e.size());
    CHECK(f.size() > (std::string(set) == "train" ? 2000u : 50u));
    total += e.size();
    for (const auto& s : e) {
      const auto [it, added] = set_of.emplace(s, set);
      CHECK(it->second == set);  // both translations of a sentence in one set
    }
  }
  CHECK(total == 3000);

  // The same split again, and the first one's files are not overwritten without --force.
  REQUIRE(run(split(dir, "b", "--valid 5 --test 5"), "split").status == 0);
  CHECK(read_file(dir / "a" / "test.fr") == read_file(dir / "b" / "test.fr"));
  const auto again = run(split(dir, "a"), "split");
  CHECK(again.status == 1);
  CHECK_THAT(again.err, Contains("train.fr exists (--force replaces it)"));
  CHECK(run(split(dir, "a", "--force"), "split").status == 0);
}

TEST_CASE("split_corpus.sh names what is wrong with its input", "[data][split]") {
  const auto dir = nmt::test::scratch_dir("split-corpus-bad");
  write_file(dir / "all.fr", "un\ndeux\ntrois\n");
  write_file(dir / "all.en", "one\ntwo\n");
  const auto r = run(split(dir, "out"), "split");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("differ in length"));
  CHECK_FALSE(std::filesystem::exists(dir / "out" / "train.fr"));  // nothing half-written
  const auto pct = run(split(dir, "out", "--valid 60 --test 50"), "split");
  CHECK(pct.status == 2);
  CHECK_THAT(pct.err, Contains("less than 100"));
}
