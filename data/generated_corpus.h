#pragma once
// A small German->English task the project makes itself, so the quick start
// and the tests never depend on downloads. Not a copy task: numbers are
// written in words with German units-before-tens order, German puts the
// participle last and the verb before the subject after a date, English needs
// number agreement ("a book" / "two books", "goes" / "go") and "a"/"an".
#include <cstdint>
#include <string>
#include <vector>

namespace nmt::data {

struct GeneratedSplit {
  std::vector<std::string> de;
  std::vector<std::string> en;
};

struct GeneratedCorpus {
  GeneratedSplit train, valid, test;
};

// Deterministic from the seed; no German sentence occurs in two splits.
GeneratedCorpus generate_corpus(std::uint64_t seed, int train_size, int valid_size, int test_size);

}  // namespace nmt::data
