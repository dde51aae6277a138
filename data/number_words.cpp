#include "data/number_words.h"

#include "common/error.h"

namespace nmt::data {
namespace {

const char* const kGermanUnder20[] = {"",       "eins",     "zwei",     "drei",     "vier",
                                      "fünf",   "sechs",    "sieben",   "acht",     "neun",
                                      "zehn",   "elf",      "zwölf",    "dreizehn", "vierzehn",
                                      "fünfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn"};
const char* const kGermanTens[] = {"",        "",        "zwanzig", "dreißig", "vierzig",
                                   "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"};
const char* const kEnglishUnder20[] = {"",         "one",      "two",       "three",    "four",
                                       "five",     "six",      "seven",     "eight",    "nine",
                                       "ten",      "eleven",   "twelve",    "thirteen", "fourteen",
                                       "fifteen",  "sixteen",  "seventeen", "eighteen", "nineteen"};
const char* const kEnglishTens[] = {"",      "",      "twenty",  "thirty", "forty",
                                    "fifty", "sixty", "seventy", "eighty", "ninety"};

// 1..99 as part of a larger German number ("ein" rather than "eins" before "und").
std::string german_under_100(int n, bool final_position) {
  if (n < 20) return (n == 1 && !final_position) ? "ein" : kGermanUnder20[n];
  const int unit = n % 10;
  if (unit == 0) return kGermanTens[n / 10];
  return std::string(unit == 1 ? "ein" : kGermanUnder20[unit]) + "und" + kGermanTens[n / 10];
}

std::string german_under_1000(int n, bool final_position) {
  std::string out;
  if (n >= 100) out = german_under_100(n / 100, false) + "hundert";
  if (n % 100) out += german_under_100(n % 100, final_position);
  return out;
}

std::string english_under_100(int n) {
  if (n < 20) return kEnglishUnder20[n];
  return std::string(kEnglishTens[n / 10]) + (n % 10 ? std::string("-") + kEnglishUnder20[n % 10] : "");
}

std::string english_under_1000(int n) {
  std::string out;
  if (n >= 100) out = std::string(kEnglishUnder20[n / 100]) + " hundred";
  if (n % 100) out += (out.empty() ? "" : " ") + english_under_100(n % 100);
  return out;
}

void check_range(int n, int lo, int hi, const char* what) {
  if (n < lo || n > hi)
    throw Error(std::string(what) + ": " + std::to_string(n) + " is outside [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "]");
}

}  // namespace

std::string german_cardinal(int n) {
  check_range(n, 1, 999999, "german_cardinal");
  if (n < 1000) return german_under_1000(n, true);
  return german_under_1000(n / 1000, false) + "tausend" +
         (n % 1000 ? german_under_1000(n % 1000, true) : "");
}

std::string english_cardinal(int n) {
  check_range(n, 1, 999999, "english_cardinal");
  if (n < 1000) return english_under_1000(n);
  return english_under_1000(n / 1000) + " thousand" +
         (n % 1000 ? " " + english_under_1000(n % 1000) : "");
}

std::string german_ordinal_dative(int n) {
  check_range(n, 1, 31, "german_ordinal_dative");
  switch (n) {
    case 1: return "ersten";
    case 3: return "dritten";
    case 7: return "siebten";
    case 8: return "achten";
    default: break;
  }
  return n < 20 ? std::string(kGermanUnder20[n]) + "ten" : german_cardinal(n) + "sten";
}

std::string english_ordinal(int n) {
  check_range(n, 1, 31, "english_ordinal");
  static const char* const kSpecial[] = {"",         "first",      "second",     "third",
                                         "fourth",   "fifth",      "sixth",      "seventh",
                                         "eighth",   "ninth",      "tenth",      "eleventh",
                                         "twelfth",  "thirteenth", "fourteenth", "fifteenth",
                                         "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
  if (n < 20) return kSpecial[n];
  if (n % 10 == 0) return n == 20 ? "twentieth" : "thirtieth";
  return std::string(kEnglishTens[n / 10]) + "-" + kSpecial[n % 10];
}

std::string german_year(int year) {
  check_range(year, 1100, 2099, "german_year");
  if (year >= 2000) return german_cardinal(year);  // "zweitausendzwölf"
  return german_under_100(year / 100, false) + "hundert" +
         (year % 100 ? german_under_100(year % 100, true) : "");
}

std::string english_year(int year) {
  check_range(year, 1100, 2099, "english_year");
  if (year >= 2000 && year < 2010) return english_cardinal(year);  // "two thousand five"
  if (year >= 2010) return "twenty " + english_under_100(year % 100);
  const int rest = year % 100;
  std::string century = english_under_100(year / 100);
  if (rest == 0) return century + " hundred";
  if (rest < 10) return century + " oh " + kEnglishUnder20[rest];
  return century + " " + english_under_100(rest);
}

}  // namespace nmt::data
