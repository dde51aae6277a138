#pragma once
// What a client may make the server do, and how requests are batched.
#include <cstddef>

namespace nmt::serve {

struct ServeLimits {
  std::size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  int max_sentences = 64;                // per request
  int max_source_tokens = 256;           // source pieces per sentence
  int max_beam = 16;                     // n_best is at most the beam
  int queue_sentences = 1024;            // sentences waiting for the model; more get 503
  int batch_sentences = 64;              // sentences per batched search
  int batch_wait_ms = 5;                 // how long a batch waits for more requests to join
  int http_threads = 64;                 // connections served at once (keep-alive holds one each)
};

}  // namespace nmt::serve
