#pragma once
// Numbers, ordinals and years written out in German and English words: the
// raw material of the generated corpus. German puts units before tens
// ("vierundfünfzig" = "fifty-four"), which the translator has to reorder.
#include <string>

namespace nmt::data {

std::string german_cardinal(int n);   // 1..999999; "eins" for 1
std::string english_cardinal(int n);  // 1..999999
std::string german_ordinal_dative(int n);  // 1..31, after "am": "ersten", "einundzwanzigsten"
std::string english_ordinal(int n);        // 1..31: "first", "twenty-first"
std::string german_year(int year);         // 1100..2099: "neunzehnhundertachtzig"
std::string english_year(int year);        // 1100..2099: "nineteen eighty", "two thousand five", "twenty twelve"

}  // namespace nmt::data
