#pragma once
// nmt-serve's HTTP server (cpp-httplib) around one Translator:
//   GET  /           the web page
//   GET  /health     {"status": "ready"} (503 "stopping" during shutdown)
//   GET  /model      the model's type, languages, size, decoding defaults, limits
//   GET  /curves.svg the (first) model's training curves, 404 when it has none
//   POST /translate  see translate_request.h and translate_response.h
// Concurrent requests are batched by a BatchQueue. Errors are JSON
// ({"error": ..., "field": ...}): 400 bad request, 404 unknown path, 405
// wrong method, 413 body too large, 503 queue full (with Retry-After), 500 a
// failure of the model. One log line per request.
#include <memory>
#include <string>

#include "app/decode/translator.h"
#include "app/serve/serve_limits.h"
#include "data/sentence_splitter.h"

namespace nmt::serve {

struct ModelInfo {
  std::string name;         // shown to clients; the model directory's name
  std::string description;  // GET /model's JSON
  std::string curves;       // the model directory's curves.svg ("" or missing: none)
  data::SentenceSplitter splitter;  // for the source language (requests' texts are split unless they say not)
};

class Server {
 public:
  Server(const Translator& translator, const ServeLimits& limits, ModelInfo model);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds to host:port (port 0: any free port) and returns the port.
  int bind(const std::string& host, int port);
  // Serves until stop(); then refuses new connections, finishes the requests
  // in flight and returns.
  void run();
  // Thread-safe; returns at once (run() does the finishing).
  void stop();
  // Requests being handled now, batched searches run so far, and sentences
  // waiting for a batch (for tests).
  int in_flight() const;
  std::size_t batches_run() const;
  std::size_t queued_sentences() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// GET /model's JSON for a model directory's resolved config.
std::string describe_model(const Config& config, std::int64_t parameters, const std::string& name,
                           const ServeLimits& limits);

}  // namespace nmt::serve
