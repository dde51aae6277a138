#pragma once
// Collects the sentences of concurrent requests into batches for one model.
// Requests queue here; one worker thread takes the oldest, lets others with
// the same search settings join it (up to batch_sentences, waiting at most
// batch_wait_ms after the oldest arrived), translates them in one call and
// answers each request with its own results, in order. The model is only
// ever used by that thread.
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/decode/attention_map.h"
#include "app/decode/translator.h"
#include "app/serve/serve_limits.h"
#include "common/error.h"

namespace nmt::serve {

struct TranslationJob {
  std::vector<std::string> texts;
  int beam = 1;
  int n_best = 1;
  bool attention = false;
};

struct TranslationResult {
  std::vector<std::vector<ScoredTranslation>> n_best;  // per text, best first
  std::vector<AttentionMap> attention;                 // per text, when asked
};

// The queue holds queue_sentences already (HTTP 503).
class QueueFull : public Error {
 public:
  using Error::Error;
};

class BatchQueue {
 public:
  BatchQueue(const Translator& translator, const ServeLimits& limits);
  ~BatchQueue();  // finishes what is queued
  BatchQueue(const BatchQueue&) = delete;
  BatchQueue& operator=(const BatchQueue&) = delete;

  // Queues a job; throws QueueFull, or Error once stopped.
  std::future<TranslationResult> submit(TranslationJob job);
  // Translates what is queued, then ends the worker. Idempotent.
  void stop();

  std::size_t batches_run() const;       // translation calls so far (for tests)
  std::size_t queued_sentences() const;  // waiting for a batch (for tests)

 private:
  struct Pending {
    TranslationJob job;
    std::promise<TranslationResult> promise;
    std::chrono::steady_clock::time_point arrived;
  };
  void run();
  std::vector<Pending> next_batch(std::unique_lock<std::mutex>& lock);
  void translate(std::vector<Pending>& batch);

  const Translator& translator_;
  ServeLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Pending> queue_;
  std::size_t queued_sentences_ = 0;
  std::size_t batches_ = 0;
  std::chrono::steady_clock::time_point last_batch_end_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace nmt::serve
