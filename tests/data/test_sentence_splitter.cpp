// The sentence splitter: where a sentence ends, where it does not, and that a
// paragraph is put back together with its own spacing.
#include <catch2/catch.hpp>

#include <filesystem>

#include "common/error.h"
#include "data/sentence_splitter.h"
#include "data/text_file.h"

using Catch::Matchers::Contains;
using nmt::data::SentenceSplitter;
using Sentences = std::vector<std::string>;

namespace {

Sentences split(const std::string& language, const std::string& text) {
  return SentenceSplitter::for_language(language).split(text).sentences;
}

}  // namespace

TEST_CASE("a paragraph is split into its sentences", "[data][sentences]") {
  CHECK(split("de", "Ein Mann läuft am Strand. Eine Frau schwimmt im See. Zwei Kinder spielen im Park mit einem Ball.") ==
        Sentences{"Ein Mann läuft am Strand.", "Eine Frau schwimmt im See.", "Zwei Kinder spielen im Park mit einem Ball."});
  CHECK(split("de", "Komm! Wohin? Nach Hause… Und dann... Schlafen.") ==
        Sentences{"Komm!", "Wohin?", "Nach Hause…", "Und dann...", "Schlafen."});
  CHECK(split("en", "It rained. Über alles.") == Sentences{"It rained.", "Über alles."});
  CHECK(split("de", "Zwei Hunde spielen im Schnee . Ein Hund läuft .") ==
        Sentences{"Zwei Hunde spielen im Schnee .", "Ein Hund läuft ."});  // tokenized text
}

TEST_CASE("a text of one sentence is that sentence", "[data][sentences]") {
  const auto one = SentenceSplitter::for_language("de").split("  Ein Mann fährt Fahrrad.  ");
  CHECK(one.sentences == Sentences{"Ein Mann fährt Fahrrad."});
  CHECK(one.separators.empty());
  CHECK(split("de", "Ein Mann fährt Fahrrad") == Sentences{"Ein Mann fährt Fahrrad"});
  CHECK(SentenceSplitter::for_language("de").split(" \t ").sentences.empty());
}

TEST_CASE("numbers, dates and ordinals do not end a sentence", "[data][sentences]") {
  CHECK(split("de", "Es kostet 3.5 Euro, und 1.000 Leute kamen.").size() == 1);
  CHECK(split("en", "It costs 3.5 dollars and 1,000.50 is more. Then it ended.").size() == 2);
  CHECK(split("de", "Am 21. Juli kam er an.").size() == 1);
  CHECK(split("de", "Er wurde am 3. Oktober 2020 der 3. Sieger.").size() == 1);
  CHECK(split("de", "Es geschah am 21.07.2020. Dann ging er.") == Sentences{"Es geschah am 21.07.2020.", "Dann ging er."});
  CHECK(split("de", "Das war 2020. Dann kam 2021.") == Sentences{"Das war 2020.", "Dann kam 2021."});  // a year
  CHECK(split("en", "She was born in 1990. He was not.").size() == 2);  // English has no "21." ordinals
  CHECK(split("de", "Siehe Seite 5. 6 Leute kamen.").size() == 1);        // a digit starts no sentence
}

TEST_CASE("URLs and e-mail addresses do not end a sentence", "[data][sentences]") {
  CHECK(split("de", "Besuchen Sie https://www.example.com/Index.html?Seite=2 und schreiben Sie an "
                    "Max.Mustermann@example.de heute.")
            .size() == 1);
  CHECK(split("de", "Mehr steht auf www.example.com. Dort gibt es alles.") ==
        Sentences{"Mehr steht auf www.example.com.", "Dort gibt es alles."});
}

TEST_CASE("abbreviations of the source language do not end a sentence", "[data][sentences]") {
  for (const auto* text : {"Das ist z. B. Herr Dr. Müller.", "Das ist z.B. Herr Müller.", "Er wohnt in der Goethe Str. Nummer 5.",
                           "Zimmer Nr. Fünf ist frei.", "Äpfel, Birnen usw. Obst eben.", "Er kam ca. Mittags.",
                           "Die Tür d. h. Das Tor."})
    CHECK(split("de", text) == Sentences{text});
  for (const auto* text : {"Mr. Smith met Dr. Jones.", "J. R. R. Tolkien wrote it.", "It was in the U.S.A. Friday last.",
                           "Take fruit, e.g. Apples."})
    CHECK(split("en", text) == Sentences{text});
  for (const auto* text : {"Mme. Dupont et M. Martin sont là.", "C'est en 50 av. J.-C. Rome."})
    CHECK(split("fr", text) == Sentences{text});
  // Lists belong to their language: German's "Str." is an ordinary word in English.
  CHECK(split("en", "He went to the Str. Then home.").size() == 2);
  CHECK(split("xx", "Dr. Müller kam. Er ging.") == Sentences{"Dr.", "Müller kam.", "Er ging."});
  CHECK(SentenceSplitter::has_list("de"));
  CHECK_FALSE(SentenceSplitter::has_list("xx"));
}

TEST_CASE("quotes and brackets stay with their sentence", "[data][sentences]") {
  CHECK(split("de", "Er sagte: „Komm mit.“ Dann ging er.") == Sentences{"Er sagte: „Komm mit.“", "Dann ging er."});
  CHECK(split("de", "Er ging. „Warum?“, fragte sie.") == Sentences{"Er ging.", "„Warum?“, fragte sie."});
  CHECK(split("en", "He left (for good.) \"Why?\" she asked. (Nobody knew.)") ==
        Sentences{"He left (for good.)", "\"Why?\" she asked.", "(Nobody knew.)"});
  CHECK(split("fr", "Il a dit : « Non. » Puis il est parti.") == Sentences{"Il a dit : « Non. »", "Puis il est parti."});
  CHECK(split("fr", "« Pourquoi ? » demanda-t-elle. Personne ne savait !") ==
        Sentences{"« Pourquoi ? » demanda-t-elle.", "Personne ne savait !"});
  CHECK(split("fr", "« Quand reviens-tu ? » « Demain. »") == Sentences{"« Quand reviens-tu ? »", "« Demain. »"});
  CHECK(split("en", "\" Coming ? \" \" No. \"") == Sentences{"\" Coming ? \"", "\" No. \""});  // the second '"' opens
  CHECK(split("de", "Er kam. – Dann ging er.") == Sentences{"Er kam.", "– Dann ging er."});
}

TEST_CASE("a line break ends a sentence and stays where it was", "[data][sentences]") {
  const auto splitter = SentenceSplitter::for_language("de");
  const auto text = splitter.split("Ein Hund läuft. Eine Katze schläft.\n\nZwei Vögel singen\nim Baum.  Es regnet.\n");
  CHECK(text.sentences ==
        Sentences{"Ein Hund läuft.", "Eine Katze schläft.", "Zwei Vögel singen", "im Baum.", "Es regnet."});
  CHECK(text.separators == Sentences{" ", "\n\n", "\n", "  "});

  // Translations go back in the same places.
  const std::vector<nmt::data::SplitText> texts{text, splitter.split("Nur einer."), splitter.split("")};
  const auto sentences = nmt::data::all_sentences(texts);
  REQUIRE(sentences.size() == 6);
  Sentences upper;
  for (const auto& s : sentences) upper.push_back("<" + s + ">");
  CHECK(nmt::data::rejoin(texts, upper) ==
        Sentences{"<Ein Hund läuft.> <Eine Katze schläft.>\n\n<Zwei Vögel singen>\n<im Baum.>  <Es regnet.>",
                  "<Nur einer.>", ""});
  CHECK_THROWS_WITH(nmt::data::rejoin(texts, {"too few"}), Contains("translations for more sentences"));
}

TEST_CASE("an abbreviation list with a mistake is refused with its line", "[data][sentences]") {
  CHECK_THROWS_WITH(SentenceSplitter::from_list("# mine\nDr.\nProf\n", "my.txt"),
                    Contains("my.txt:3") && Contains("'Prof' does not end with a period"));
  CHECK_THROWS_WITH(SentenceSplitter::from_list("Dr. Prof.\n", "my.txt"), Contains("my.txt:1: one entry per line"));
  const auto own = SentenceSplitter::from_list("Kap.  # chapter\n", "my.txt");
  CHECK(own.split("Siehe Kap. Drei. Gut.").sentences == Sentences{"Siehe Kap. Drei.", "Gut."});
}

TEST_CASE("test2016's lines are single sentences to the splitter", "[data][sentences][corpus]") {
  const auto path = std::filesystem::path(NMT_SOURCE_DIR) / "../shared/data/multi30k/test2016.de";
  if (!std::filesystem::exists(path)) {
    WARN("SKIPPED: " << path.string() << " is not present");
    return;
  }
  const auto splitter = SentenceSplitter::for_language("de");
  std::size_t split_lines = 0;
  for (const auto& line : nmt::data::read_lines(path.string())) split_lines += splitter.split(line).sentences.size() > 1;
  CHECK(split_lines == 0);
}
