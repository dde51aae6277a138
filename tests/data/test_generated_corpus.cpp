#include <catch2/catch.hpp>

#include <set>

#include "data/generated_corpus.h"
#include "data/number_words.h"

using namespace nmt::data;

TEST_CASE("numbers are written out in both languages", "[generated]") {
  CHECK(german_cardinal(1) == "eins");
  CHECK(german_cardinal(21) == "einundzwanzig");
  CHECK(german_cardinal(354) == "dreihundertvierundfünfzig");
  CHECK(german_cardinal(101) == "einhunderteins");
  CHECK(german_cardinal(2012) == "zweitausendzwölf");
  CHECK(english_cardinal(354) == "three hundred fifty-four");
  CHECK(english_cardinal(40) == "forty");
  CHECK(english_cardinal(2012) == "two thousand twelve");
  CHECK(german_ordinal_dative(3) == "dritten");
  CHECK(german_ordinal_dative(21) == "einundzwanzigsten");
  CHECK(english_ordinal(22) == "twenty-second");
  CHECK(english_ordinal(30) == "thirtieth");
  CHECK(german_year(1987) == "neunzehnhundertsiebenundachtzig");
  CHECK(english_year(1987) == "nineteen eighty-seven");
  CHECK(english_year(1905) == "nineteen oh five");
  CHECK(english_year(2005) == "two thousand five");
  CHECK(english_year(2021) == "twenty twenty-one");
}

TEST_CASE("the generated corpus is deterministic and its splits are disjoint", "[generated]") {
  const auto a = generate_corpus(3, 2000, 100, 100);
  const auto b = generate_corpus(3, 2000, 100, 100);
  const auto c = generate_corpus(4, 2000, 100, 100);
  CHECK(a.train.de == b.train.de);
  CHECK(a.test.en == b.test.en);
  CHECK(a.train.de != c.train.de);
  REQUIRE(a.train.de.size() == 2000);
  REQUIRE(a.train.en.size() == 2000);
  std::set<std::string> train(a.train.de.begin(), a.train.de.end());
  CHECK(train.size() == 2000);
  for (const auto& s : a.test.de) CHECK(train.count(s) == 0);
  for (const auto& s : a.valid.de) CHECK(train.count(s) == 0);
  // Held-out splits do not depend on the training size.
  CHECK(generate_corpus(3, 50, 100, 100).test.de == a.test.de);
}

TEST_CASE("the generated task needs reordering and agreement", "[generated]") {
  const auto corpus = generate_corpus(1, 3000, 1, 1);
  bool units_first = false, singular_article = false, verb_last = false, date = false;
  for (std::size_t i = 0; i < corpus.train.de.size(); ++i) {
    const auto& de = corpus.train.de[i];
    const auto& en = corpus.train.en[i];
    if (de.find("undzwanzig ") != std::string::npos) units_first = units_first || en.find("twenty-") != std::string::npos;
    if (de.find(" einen ") != std::string::npos) singular_article = singular_article || en.find(" a") != std::string::npos;
    if (de.find("gekauft .") != std::string::npos) verb_last = verb_last || en.find(" bought ") != std::string::npos;
    if (de.rfind("Am ", 0) == 0) date = date || en.rfind("On ", 0) == 0;
  }
  CHECK(units_first);
  CHECK(singular_article);
  CHECK(verb_last);
  CHECK(date);
}
