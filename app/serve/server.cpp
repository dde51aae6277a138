#include "app/serve/server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>

#include "app/serve/batch_queue.h"
#include "app/serve/page.h"
#include "app/serve/translate_request.h"
#include "app/serve/translate_response.h"
#include "common/error.h"

namespace nmt::serve {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kJson = "application/json";

// What the request log line needs from the handler; httplib serves each
// connection on one thread, and its logger runs on that thread after the handler.
struct RequestLog {
  std::optional<Clock::time_point> start;
  std::size_t sentences = 0;
};
thread_local RequestLog t_log;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void send_error(httplib::Response& res, int status, const std::string& message, const std::string& field = "") {
  json body = {{"error", message}};
  if (!field.empty()) body["field"] = field;
  res.status = status;
  res.set_content(body.dump(), kJson);
}

// Counts a request as in flight for its handler's lifetime.
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& count) : count_(count) { ++count_; }
  ~InFlight() { --count_; }

 private:
  std::atomic<int>& count_;
};

}  // namespace

struct Server::Impl {
  Impl(const Translator& t, const ServeLimits& l, ModelInfo m) : translator(t), limits(l), model(std::move(m)), queue(t, l) {}

  void routes();
  void translate(const httplib::Request& req, httplib::Response& res);

  const Translator& translator;
  ServeLimits limits;
  ModelInfo model;
  BatchQueue queue;
  httplib::Server http;
  std::atomic<bool> stopping{false};
  std::atomic<bool> run_started{false}, run_finished{false};
  std::atomic<int> in_flight{0};
};

void Server::Impl::translate(const httplib::Request& req, httplib::Response& res) {
  InFlight counted(in_flight);
  const auto start = Clock::now();
  TranslateRequest request;
  try {
    request = parse_translate_request(
        req.body, limits, translator.decoding().beam_size,
        [&](const std::string& text) { return translator.tokenizers().src->encode(text).size(); }, model.splitter);
  } catch (const RequestError& e) {
    return send_error(res, 400, e.what(), e.field());
  }
  auto sentences = data::all_sentences(request.split_texts);
  t_log.sentences = sentences.size();
  if (sentences.empty()) {  // only whitespace: nothing for the model
    res.set_content(translate_response(request, {}, model.name, milliseconds_since(start)).dump(), kJson);
    return;
  }
  std::future<TranslationResult> pending;
  try {
    pending = queue.submit({std::move(sentences), request.beam, request.n_best, request.attention});
  } catch (const QueueFull& e) {
    res.set_header("Retry-After", "1");
    return send_error(res, 503, e.what());
  } catch (const Error& e) {  // shutting down
    return send_error(res, 503, e.what());
  }
  try {
    const auto result = pending.get();
    res.set_content(translate_response(request, result, model.name, milliseconds_since(start)).dump(), kJson);
  } catch (const std::exception& e) {
    spdlog::error("translation failed: {}", e.what());
    send_error(res, 500, std::string("translation failed: ") + e.what());
  }
}

void Server::Impl::routes() {
  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(page_html()), "text/html; charset=utf-8");
  });
  http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    if (stopping) return send_error(res, 503, "stopping");
    res.set_content(json{{"status", "ready"}, {"model", model.name}}.dump(), kJson);
  });
  http.Get("/model", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(model.description, kJson);
  });
  http.Get("/curves.svg", [this](const httplib::Request&, httplib::Response& res) {
    // Read at every request: a model still training redraws it.
    std::ifstream in(model.curves, std::ios::binary);
    if (model.curves.empty() || !in) return send_error(res, 404, "this model has no training curves");
    res.set_content(std::string(std::istreambuf_iterator<char>(in), {}), "image/svg+xml");
  });
  http.Post("/translate", [this](const httplib::Request& req, httplib::Response& res) { translate(req, res); });
  http.Get("/translate", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Allow", "POST");
    send_error(res, 405, "use POST with a JSON body");
  });

  // httplib answers some errors itself (404, 413); give them JSON bodies too.
  http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) send_error(res, 404, "no such path: " + req.path);
    else if (res.status == 413)
      send_error(res, 413, "the body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
    else send_error(res, res.status, "HTTP " + std::to_string(res.status));
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    spdlog::error("request failed: {}", what);
    send_error(res, 500, what);
  });
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_log = {Clock::now(), 0};
    return httplib::Server::HandlerResponse::Unhandled;
  });
  http.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    const auto log = std::exchange(t_log, {});
    const std::string latency = log.start ? fmt::format("{:.1f} ms", milliseconds_since(*log.start)) : "-";
    if (req.path == "/translate")
      spdlog::info("{} {} {}, {} sentences, {}", req.method, req.path, res.status, log.sentences, latency);
    else
      spdlog::info("{} {} {}, {}", req.method, req.path, res.status, latency);
  });
}

Server::Server(const Translator& translator, const ServeLimits& limits, ModelInfo model)
    : impl_(std::make_unique<Impl>(translator, limits, std::move(model))) {
  auto& http = impl_->http;
  const auto threads = static_cast<std::size_t>(limits.http_threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(limits.max_body_bytes);
  http.set_keep_alive_max_count(10000);
  // Headers and body go out in separate writes; with Nagle's algorithm the
  // body then waited for the client's delayed ACK: 40 ms more per request.
  http.set_tcp_nodelay(true);
  impl_->routes();
}

Server::~Server() { stop(); }  // the queue finishes its work as it is destroyed

int Server::bind(const std::string& host, int port) {
  const int bound = port == 0 ? impl_->http.bind_to_any_port(host) : (impl_->http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    throw Error("cannot listen on " + host + ":" + std::to_string(port) + " (in use, or not an address of this machine)");
  return bound;
}

void Server::run() {
  impl_->run_started = true;
  // Returns after stop(), once every connection's thread has finished.
  if (!impl_->stopping) impl_->http.listen_after_bind();
  impl_->run_finished = true;
  impl_->queue.stop();
}

void Server::stop() {
  impl_->stopping = true;
  if (!impl_->run_started) return;  // run() will see `stopping` and not listen
  // httplib ignores stop() until its loop runs: wait for that (or for run() to return).
  while (!impl_->http.is_running() && !impl_->run_finished) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
}

int Server::in_flight() const { return impl_->in_flight; }

std::size_t Server::batches_run() const { return impl_->queue.batches_run(); }

std::size_t Server::queued_sentences() const { return impl_->queue.queued_sentences(); }

std::string describe_model(const Config& config, std::int64_t parameters, const std::string& name,
                           const ServeLimits& limits) {
  const auto& m = config.model;
  const auto& d = config.decoding;
  json out = {
      {"name", name},
      {"type", m.type},
      {"source_language", config.data.src_lang},
      {"target_language", config.data.tgt_lang},
      {"parameters", parameters},
      {"embedding_dim", m.embedding_dim},
      {"hidden_dim", m.hidden_dim},
      {"encoder_layers", m.encoder_layers},
      {"decoder_layers", m.decoder_layers},
      {"decoding",
       {{"beam_size", d.beam_size},
        {"length_penalty", d.length_penalty},
        {"max_length_a", d.max_length_a},
        {"max_length_b", d.max_length_b},
        {"batch_size", d.batch_size}}},
      {"limits",
       {{"max_body_bytes", limits.max_body_bytes},
        {"max_sentences", limits.max_sentences},
        {"max_source_tokens", limits.max_source_tokens},
        {"max_beam", limits.max_beam},
        {"queue_sentences", limits.queue_sentences}}},
  };
  if (m.type == "transformer") out["heads"] = m.heads;
  return out.dump();
}

}  // namespace nmt::serve
