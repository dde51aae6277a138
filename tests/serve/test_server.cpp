// The HTTP server in this process, on a free loopback port, with a small
// trained model: its answers, batching, limits and shutdown.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <future>
#include <thread>
#include <unistd.h>

#include "app/decode/translator.h"
#include "app/serve/server.h"
#include "app/train/curves.h"
#include "data/text_file.h"
#include "served_model.h"

using Catch::Matchers::Contains;
using nlohmann::json;
using nmt::test::run;
using nmt::test::tool;

namespace {

nmt::TranslateOptions cpu() {
  nmt::TranslateOptions options;
  options.device = "cpu";
  options.threads = 1;
  return options;
}

// A server running on its own thread for the lifetime of the object.
struct RunningServer {
  explicit RunningServer(const nmt::serve::ServeLimits& limits, const std::string& curves = "")
      : translator(nmt::open_translator(nmt::test::served_model_dir(), cpu())),
        server(translator, limits, {"served-model", R"({"name": "served-model"})", curves,
                                   nmt::data::SentenceSplitter::for_language("de")}),
        port(server.bind("127.0.0.1", 0)),
        thread([this] { server.run(); }) {}
  ~RunningServer() {
    server.stop();
    thread.join();
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120);
    return c;
  }
  httplib::Result post(const json& body) const { return client().Post("/translate", body.dump(), "application/json"); }

  nmt::Translator translator;
  nmt::serve::Server server;
  int port;
  std::thread thread;
};

std::vector<std::string> test_sources(std::size_t n) {
  auto lines = nmt::data::read_lines(nmt::test::served_test_sources());
  lines.resize(std::min(n, lines.size()));
  return lines;
}

// nmt-translate's output for `sources` with extra arguments. Each call has its
// own folder: CTest runs this file's test cases in parallel processes.
std::vector<std::string> offline(const std::vector<std::string>& sources, const std::string& args) {
  static int calls = 0;
  const auto dir = nmt::test::scratch_dir("serve-offline-" + std::to_string(::getpid()) + "-" + std::to_string(calls++));
  nmt::data::write_lines_atomically((dir / "in.txt").string(), sources);
  const auto r = run(tool("nmt-translate") + " --model " + nmt::test::served_model_dir() + " --device cpu --threads 1 " +
                         args + " --input " + (dir / "in.txt").string(),
                     "serve-offline");
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void wait_until(const std::function<bool()>& condition) {
  for (int i = 0; i < 6000 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(condition());
}

}  // namespace

TEST_CASE("the server translates as nmt-translate does", "[serve]") {
  const RunningServer s({});
  const auto sources = test_sources(30);

  const auto greedy = s.post({{"texts", sources}, {"beam", 1}});
  REQUIRE(greedy);
  INFO(greedy->body);
  REQUIRE(greedy->status == 200);
  const auto answer = json::parse(greedy->body);
  CHECK(answer.at("translations").get<std::vector<std::string>>() == offline(sources, "--beam 1"));
  CHECK(answer.at("model") == "served-model");
  CHECK(answer.at("time_ms").get<double>() > 0);

  // Beam 3 with 2-best lists: nmt-translate prints "index ||| text ||| score ||| log-prob".
  // Unsplit texts have their n-best lists per text.
  const auto beam = s.post({{"texts", sources}, {"beam", 3}, {"n_best", 2}, {"split", false}});
  REQUIRE(beam);
  REQUIRE(beam->status == 200);
  const auto lists = json::parse(beam->body).at("n_best");
  const auto expected = offline(sources, "--beam 3 --n-best 2");
  REQUIRE(expected.size() == 2 * sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i)
    for (std::size_t k = 0; k < 2; ++k) {
      const auto& line = expected[2 * i + k];
      const auto text = line.substr(line.find(" ||| ") + 5, line.find(" ||| ", line.find(" ||| ") + 5) - line.find(" ||| ") - 5);
      CHECK(lists[i][k].at("text") == text);
    }
  CHECK(json::parse(beam->body).at("translations")[0] == lists[0][0].at("text"));

  // One text, with its attention: a row per target piece, a column per source piece.
  const auto one = s.post({{"text", sources[0]}, {"attention", true}});
  REQUIRE(one);
  REQUIRE(one->status == 200);
  const auto single = json::parse(one->body);
  CHECK(single.at("translation") == offline({sources[0]}, "--beam 1").at(0));
  REQUIRE(single.at("sentences").size() == 1);
  const auto& map = single.at("sentences")[0].at("attention");
  REQUIRE(map.at("weights").size() == map.at("target_pieces").size());
  for (const auto& row : map.at("weights")) {
    CHECK(row.size() == map.at("source_pieces").size());
    double sum = 0;
    for (double w : row) sum += w;
    CHECK(sum == Approx(1.0).margin(1e-3));
  }
}

TEST_CASE("a paragraph is translated sentence by sentence and put back together", "[serve]") {
  const RunningServer s({});
  // Three test sentences made to start with a capital, as sentences do.
  auto sources = test_sources(3);
  for (auto& source : sources) {
    REQUIRE(source.back() == '.');
    source[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(source[0])));
  }
  const auto expected = offline(sources, "--beam 2");
  const std::string paragraph = sources[0] + " " + sources[1] + "\n\n" + sources[2] + "\n";

  const auto res = s.post({{"text", paragraph}, {"beam", 2}, {"n_best", 2}, {"attention", true}});
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  const auto answer = json::parse(res->body);
  CHECK(answer.at("translation") == expected[0] + " " + expected[1] + "\n\n" + expected[2]);
  const auto& sentences = answer.at("sentences");
  REQUIRE(sentences.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(sentences[i].at("source") == sources[i]);
    CHECK(sentences[i].at("translation") == expected[i]);
    CHECK(sentences[i].at("n_best").size() == 2);
    CHECK(sentences[i].at("n_best")[0].at("text") == expected[i]);
    CHECK(sentences[i].at("attention").at("weights").size() == sentences[i].at("attention").at("target_pieces").size());
  }
  CHECK(sentences[1].at("separator") == "\n\n");
  CHECK(sentences[2].at("separator") == "");

  // "split": false hands the model the paragraph as it stands.
  const auto whole = s.post({{"text", paragraph}, {"split", false}});
  REQUIRE(whole);
  CHECK(json::parse(whole->body).at("translation") == s.translator.translate({paragraph}).at(0));  // idle server
  CHECK_FALSE(json::parse(whole->body).contains("sentences"));

  // The limit counts sentences after splitting.
  nmt::serve::ServeLimits two;
  two.max_sentences = 2;
  const RunningServer small(two);
  const auto refused = small.post({{"text", paragraph}});
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK_THAT(json::parse(refused->body).at("error").get<std::string>(), Contains("3 sentences after splitting; the limit is 2"));
  const auto blank = small.post({{"texts", {" ", ""}}});
  REQUIRE(blank);
  CHECK(json::parse(blank->body).at("translations") == json{"", ""});
}

TEST_CASE("concurrent requests are batched and each gets its own answers", "[serve]") {
  nmt::serve::ServeLimits limits;
  limits.batch_wait_ms = 50;  // let the clients' requests meet
  const RunningServer s(limits);
  const auto sources = test_sources(48);
  const auto expected = offline(sources, "--beam 1");
  REQUIRE(expected.size() == sources.size());

  constexpr int kClients = 12, kRequests = 3;
  std::vector<std::future<std::string>> clients;
  for (int c = 0; c < kClients; ++c)
    clients.push_back(std::async(std::launch::async, [&, c] {
      std::string problems;
      for (int r = 0; r < kRequests; ++r) {
        // Client c asks for its own slice, in its own order.
        std::vector<std::size_t> picks;
        for (std::size_t i = (c + r) % 4; i < sources.size(); i += 4 + c % 3) picks.push_back(i);
        std::vector<std::string> texts;
        for (auto i : picks) texts.push_back(sources[i]);
        const auto res = s.post({{"texts", texts}, {"beam", 1}});
        if (!res || res->status != 200) return std::string("request failed");
        const auto got = json::parse(res->body).at("translations");
        for (std::size_t k = 0; k < picks.size(); ++k)
          if (got.at(k) != expected[picks[k]]) problems += "client " + std::to_string(c) + " sentence " + std::to_string(picks[k]) + "\n";
      }
      return problems;
    }));
  for (auto& c : clients) CHECK(c.get().empty());
  // 36 requests, fewer searches: requests that arrived together were translated together.
  CHECK(s.server.batches_run() < kClients * kRequests);
}

TEST_CASE("bad requests get their status and a JSON error naming the field", "[serve]") {
  nmt::serve::ServeLimits limits;
  limits.max_body_bytes = 4096;
  limits.max_sentences = 2;
  limits.max_source_tokens = 20;
  limits.max_beam = 4;
  const RunningServer s(limits);
  auto client = s.client();
  auto expect_error = [&](const httplib::Result& res, int status, const std::string& field, const std::string& message) {
    REQUIRE(res);
    INFO(res->body);
    CHECK(res->status == status);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    const auto body = json::parse(res->body);
    CHECK_THAT(body.at("error").get<std::string>(), Contains(message));
    if (!field.empty()) CHECK(body.at("field") == field);
  };
  auto post = [&](const std::string& body) { return client.Post("/translate", body, "application/json"); };

  expect_error(post(std::string(5000, ' ')), 413, "", "larger than 4096 bytes");
  expect_error(post("{\"text\": "), 400, "", "not valid JSON");
  expect_error(post(R"({"texts": ["a", "b", "c"]})"), 400, "texts", "the limit is 2");
  expect_error(post(R"({"text": 5})"), 400, "text", "expected a string");
  expect_error(post("{\"text\": \"\xff\"}"), 400, "", "not valid UTF-8");
  expect_error(post(R"({"text": ")" + std::string(300, 'a') + " " + std::string(300, 'b') + R"("})"), 400, "text",
               "source tokens; the limit is 20");
  expect_error(post(R"({"text": "a", "beam": 5})"), 400, "beam", "out of range [1, 4]");
  expect_error(post(R"({"text": "a", "beam": 2, "n_best": 3})"), 400, "n_best", "out of range [1, 2]");
  expect_error(client.Get("/no/such/page"), 404, "", "no such path: /no/such/page");
  expect_error(client.Get("/translate"), 405, "", "use POST");

  // The server is unharmed by all of that.
  const auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body).at("status") == "ready");
  const auto ok = post(R"({"text": "Ein Hund ."})");
  REQUIRE(ok);
  CHECK(ok->status == 200);
  const auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK_THAT(page->body, Contains("<textarea id=\"source\""));
}

TEST_CASE("a full queue answers 503 with Retry-After", "[serve]") {
  nmt::serve::ServeLimits limits;
  limits.queue_sentences = 2;
  limits.max_sentences = 2;
  limits.batch_wait_ms = 3000;  // the first request waits in the queue for company
  const RunningServer s(limits);
  auto first = std::async(std::launch::async, [&] { return s.post({{"text", "Ein Hund ."}}); });
  wait_until([&] { return s.server.queued_sentences() == 1; });
  const auto second = s.post({{"texts", {"Eine Katze .", "Zwei Katzen ."}}});
  REQUIRE(second);
  CHECK(second->status == 503);
  CHECK(second->get_header_value("Retry-After") == "1");
  CHECK_THAT(json::parse(second->body).at("error").get<std::string>(), Contains("queue is full"));
  const auto answered = first.get();
  REQUIRE(answered);
  CHECK(answered->status == 200);
}

TEST_CASE("stopping the server finishes the requests in flight", "[serve]") {
  nmt::serve::ServeLimits limits;
  limits.batch_wait_ms = 1000;  // keeps the request in flight while the server is told to stop
  auto s = std::make_unique<RunningServer>(limits);
  const auto sources = test_sources(4);
  auto pending = std::async(std::launch::async, [&] { return s->post({{"texts", sources}, {"beam", 1}}); });
  wait_until([&] { return s->server.in_flight() == 1; });
  s->server.stop();
  s->thread.join();  // run() returned: it waited for the request
  const auto answered = pending.get();
  REQUIRE(answered);
  CHECK(answered->status == 200);
  CHECK(json::parse(answered->body).at("translations").get<std::vector<std::string>>() == offline(sources, "--beam 1"));
  // Nothing listens any more.
  httplib::Client late("127.0.0.1", s->port);
  late.set_connection_timeout(2);
  CHECK_FALSE(late.Get("/health"));
  s->thread = std::thread([] {});  // the destructor joins a thread
}

TEST_CASE("the model's training curves are served when it has them", "[serve]") {
  const auto dir = nmt::test::scratch_dir("serve-curves");
  const auto curves = (dir / "curves.svg").string();
  nmt::test::write_file(dir / "metrics.jsonl", "{\"step\":100,\"valid_ppl\":9.0,\"valid_bleu\":12.5,\"train_seconds\":60}\n");
  nmt::write_curves((dir / "metrics.jsonl").string(), curves, "served");
  {
    const RunningServer s(nmt::serve::ServeLimits{}, curves);
    const auto got = s.client().Get("/curves.svg");
    REQUIRE(got);
    CHECK(got->status == 200);
    CHECK(got->get_header_value("Content-Type") == "image/svg+xml");
    CHECK(got->body == nmt::test::read_file(curves));
  }
  const RunningServer without(nmt::serve::ServeLimits{});
  const auto missing = without.client().Get("/curves.svg");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK_THAT(missing->body, Contains("no training curves"));
}
