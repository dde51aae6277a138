#include "data/generated_corpus.h"

#include <random>
#include <unordered_set>

#include "data/number_words.h"

namespace nmt::data {
namespace {

struct Subject {
  const char* de;  // lower-case article; capitalised at the start of a sentence
  const char* en;
  bool plural;
};
const Subject kSubjects[] = {
    {"der Lehrer", "the teacher", false},   {"die Ärztin", "the doctor", false},
    {"mein Bruder", "my brother", false},   {"unsere Nachbarin", "our neighbour", false},
    {"das Kind", "the child", false},       {"die Kinder", "the children", true},
    {"wir", "we", true},                    {"meine Eltern", "my parents", true},
    {"ihr Onkel", "her uncle", false},      {"die Studenten", "the students", true},
};

struct Verb {
  const char* participle;
  const char* en_past;
};
const Verb kVerbs[] = {{"gekauft", "bought"}, {"gesehen", "saw"},    {"verkauft", "sold"},
                       {"gefunden", "found"}, {"gezählt", "counted"}, {"gemalt", "painted"}};

struct Adjective {
  const char* stem;
  const char* en;
};
const Adjective kAdjectives[] = {{"rot", "red"},   {"grün", "green"}, {"blau", "blue"},
                                 {"alt", "old"},   {"neu", "new"},    {"klein", "small"},
                                 {"groß", "big"},  {"schön", "beautiful"}, {"orange", "orange"}};

enum Gender { kMasculine, kFeminine, kNeuter };
struct Noun {
  const char* singular;
  const char* plural;
  Gender gender;
  const char* en_singular;
  const char* en_plural;
};
const Noun kNouns[] = {
    {"Buch", "Bücher", kNeuter, "book", "books"},     {"Hund", "Hunde", kMasculine, "dog", "dogs"},
    {"Katze", "Katzen", kFeminine, "cat", "cats"},    {"Apfel", "Äpfel", kMasculine, "apple", "apples"},
    {"Blume", "Blumen", kFeminine, "flower", "flowers"}, {"Haus", "Häuser", kNeuter, "house", "houses"},
    {"Stuhl", "Stühle", kMasculine, "chair", "chairs"}, {"Tasche", "Taschen", kFeminine, "bag", "bags"},
    {"Auto", "Autos", kNeuter, "car", "cars"},        {"Vogel", "Vögel", kMasculine, "bird", "birds"},
    {"Ei", "Eier", kNeuter, "egg", "eggs"},
};

const char* const kMonthsDe[] = {"Januar", "Februar", "März",      "April",   "Mai",      "Juni",
                                 "Juli",   "August",  "September", "Oktober", "November", "Dezember"};
const char* const kMonthsEn[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};

struct City {
  const char* de;
  const char* en;
};
const City kCities[] = {{"Berlin", "Berlin"}, {"Paris", "Paris"},   {"Wien", "Vienna"},
                        {"Rom", "Rome"},      {"London", "London"}, {"Prag", "Prague"},
                        {"München", "Munich"}, {"Zürich", "Zurich"}, {"Köln", "Cologne"}};

template <class T, std::size_t N>
const T& pick(const T (&items)[N], std::mt19937_64& rng) {
  return items[rng() % N];
}

std::string capitalize(std::string s) {
  // Every subject starts with an ASCII letter, so upper-casing one byte is safe.
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// "Der Lehrer hat vierundfünfzig rote Äpfel gekauft ." / "The teacher bought fifty-four red apples ."
void possession_sentence(std::mt19937_64& rng, std::string& de, std::string& en) {
  const Subject& s = pick(kSubjects, rng);
  const Verb& v = pick(kVerbs, rng);
  const Adjective& a = pick(kAdjectives, rng);
  const Noun& n = pick(kNouns, rng);
  // Small counts are common, large ones possible: 1 in 4 is one item.
  const int roll = static_cast<int>(rng() % 4);
  const int count = roll == 0 ? 1 : roll == 1 ? 2 + static_cast<int>(rng() % 19)
                                              : 2 + static_cast<int>(rng() % 998);
  const bool invariable = std::string(a.stem) == "orange";  // no German ending
  std::string object_de, object_en;
  if (count == 1) {
    // Accusative singular after "ein": einen roten Hund / eine rote Katze / ein rotes Buch.
    static const char* const kArticle[] = {"einen", "eine", "ein"};
    static const char* const kEnding[] = {"en", "e", "es"};
    object_de = std::string(kArticle[n.gender]) + " " + a.stem + (invariable ? "" : kEnding[n.gender]) +
                " " + n.singular;
    const bool vowel = std::string("aeiou").find(a.en[0]) != std::string::npos;
    object_en = std::string(vowel ? "an " : "a ") + a.en + " " + n.en_singular;
  } else {
    object_de = german_cardinal(count) + " " + a.stem + (invariable ? "" : "e") + " " + n.plural;
    object_en = english_cardinal(count) + " " + a.en + " " + n.en_plural;
  }
  de = capitalize(s.de) + (s.plural ? " haben " : " hat ") + object_de + " " + v.participle + " .";
  en = capitalize(s.en) + " " + v.en_past + " " + object_en + " .";
}

// "Am dritten März zweitausendzwölf fährt der Lehrer nach Wien ."
// / "On March third , twenty twelve , the teacher travels to Vienna ."
void date_sentence(std::mt19937_64& rng, std::string& de, std::string& en) {
  const Subject& s = pick(kSubjects, rng);
  const City& c = pick(kCities, rng);
  const int month = static_cast<int>(rng() % 12);
  const int day = 1 + static_cast<int>(rng() % 28);
  const int year = 1900 + static_cast<int>(rng() % 131);
  const bool first_person = std::string(s.de) == "wir";
  de = std::string("Am ") + german_ordinal_dative(day) + " " + kMonthsDe[month] + " " +
       german_year(year) + (first_person ? " fahren " : s.plural ? " fahren " : " fährt ") + s.de +
       " nach " + c.de + " .";
  en = std::string("On ") + kMonthsEn[month] + " " + english_ordinal(day) + " , " +
       english_year(year) + " , " + s.en + (s.plural ? " travel" : " travels") + " to " + c.en + " .";
}

void fill(GeneratedSplit& split, int size, std::mt19937_64& rng,
          std::unordered_set<std::string>& seen) {
  std::string de, en;
  while (static_cast<int>(split.de.size()) < size) {
    if (rng() % 3 == 0)
      date_sentence(rng, de, en);
    else
      possession_sentence(rng, de, en);
    if (!seen.insert(de).second) continue;
    split.de.push_back(de);
    split.en.push_back(en);
  }
}

}  // namespace

GeneratedCorpus generate_corpus(std::uint64_t seed, int train_size, int valid_size, int test_size) {
  std::mt19937_64 rng(seed);
  std::unordered_set<std::string> seen;
  GeneratedCorpus corpus;
  // Held-out splits first, so their content does not depend on the training size.
  fill(corpus.test, test_size, rng, seen);
  fill(corpus.valid, valid_size, rng, seen);
  fill(corpus.train, train_size, rng, seen);
  return corpus;
}

}  // namespace nmt::data
