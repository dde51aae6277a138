// nmt-serve as users run it: a process on a free port, stopped with SIGTERM,
// and its page in a real browser (headless chromium) when one is installed.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/fmt/fmt.h>

#include <regex>
#include <thread>

#include "served_model.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

// nmt-serve --port 0 in a child process; its stdout's first line is the URL.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& model) {
    const auto dir = nmt::test::scratch_dir("serve-process");
    out_ = dir / "out.txt";
    err_ = dir / "err.txt";
    pid_ = fork();
    if (pid_ == 0) {
      freopen(out_.c_str(), "w", stdout);
      freopen(err_.c_str(), "w", stderr);
      const auto binary = tool("nmt-serve");
      execl(binary.c_str(), binary.c_str(), "--model", model.c_str(), "--port", "0", "--device", "cpu", nullptr);
      _exit(127);
    }
    for (int i = 0; i < 600 && url_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const auto out = nmt::test::read_file(out_);
      if (out.find('\n') != std::string::npos) url_ = out.substr(0, out.find('\n'));
    }
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& url() const { return url_; }
  int port() const { return std::stoi(url_.substr(url_.rfind(':') + 1)); }
  std::string log() const { return nmt::test::read_file(err_); }
  // Sends `signal` and returns the exit status (-1: did not exit normally).
  int stop(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  std::string url_;
};

std::string percent_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

TEST_CASE("nmt-serve answers on the port it prints and exits 0 on SIGTERM", "[serve][e2e]") {
  ServeProcess server(nmt::test::served_model_dir());
  INFO(server.log());
  REQUIRE_THAT(server.url(), Contains("http://127.0.0.1:"));
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(60);
  const auto model = client.Get("/model");
  REQUIRE(model);
  const auto description = nlohmann::json::parse(model->body);
  CHECK(description.at("type") == "gru");
  CHECK(description.at("source_language") == "de");
  CHECK(description.at("parameters").get<long>() > 10000);
  const auto res = client.Post("/translate", R"({"text": "Ein Hund ."})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(server.stop(SIGTERM) == 0);
  CHECK_THAT(server.log(), Contains("POST /translate 200, 1 sentences") && Contains("stopped"));
}

TEST_CASE("the web page translates a paragraph in a real browser", "[serve][e2e]") {
  if (run("command -v chromium", "which-chromium").status != 0) {
    WARN("SKIPPED: chromium is not installed (Debian: chromium)");
    return;
  }
  const std::string paragraph = "Zwei Hunde spielen im Schnee . Ein Hund läuft .";
  ServeProcess server(nmt::test::served_model_dir());
  REQUIRE_FALSE(server.url().empty());
  httplib::Client client("127.0.0.1", server.port());
  const auto res = client.Post("/translate", nlohmann::json{{"text", paragraph}}.dump(), "application/json");
  REQUIRE(res);
  const auto answer = nlohmann::json::parse(res->body);
  const auto expected = answer.at("translation").get<std::string>();
  REQUIRE(answer.at("sentences").size() == 2);

  // ?q= fills the box and translates; the DOM is dumped once the page is idle.
  const auto page = run("timeout 120 chromium --headless --disable-gpu --no-sandbox --virtual-time-budget=10000 "
                        "--dump-dom '" + server.url() + "?q=" + percent_encoded(paragraph) + "'",
                        "chromium-dom");
  INFO(page.err);
  REQUIRE(page.status == 0);
  std::smatch found;
  REQUIRE(std::regex_search(page.out, found, std::regex("<output id=\"translation\">(.*?)</output>")));
  const std::string output = found[1];
  // One span per sentence, with the text's own spacing between them.
  const std::regex span("<span class=\"sentence");
  const auto spans = std::distance(std::sregex_iterator(output.begin(), output.end(), span), std::sregex_iterator());
  CHECK(spans == 2);
  std::string shown = std::regex_replace(output, std::regex("<[^>]*>"), "");
  for (const auto& [entity, text] : {std::pair<std::string, std::string>{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}})
    for (auto at = shown.find(entity); at != std::string::npos; at = shown.find(entity)) shown.replace(at, entity.size(), text);
  CHECK(!expected.empty());
  CHECK(shown == expected);
  CHECK_THAT(page.out, Contains("data-state=\"translated\""));
  CHECK_THAT(page.out, Contains("aria-label=\"attention heatmap\""));  // the heatmap was drawn
}
