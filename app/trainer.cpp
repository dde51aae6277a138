#include "app/trainer.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>

#include "app/bleu.h"
#include "app/checkpoint.h"
#include "app/loss.h"
#include "app/lr_schedule.h"
#include "app/model_dir.h"
#include "app/prepare.h"
#include "app/runtime.h"
#include "app/train_step.h"
#include "app/translator.h"
#include "data/batching.h"
#include "data/error.h"
#include "data/text_file.h"

namespace nmt {
namespace {

std::atomic<bool> g_interrupted{false};

void on_interrupt(int) {
  g_interrupted = true;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C stops at once
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

struct Validation {
  double ppl = 0;
  double bleu = 0;
  double seconds = 0;
};

class Trainer {
 public:
  Trainer(const Config& config, const TrainOptions& options)
      : config_(config), options_(options), dir_{config.training.model_dir},
        schedule_(config.training.scheduler, config.training.learning_rate, config.training.warmup_steps,
                  config.training.decay_factor, config.training.decay_patience,
                  config.training.min_learning_rate) {}

  void run() {
    set_up();
    const auto& t = config_.training;
    const auto start = run_start_ = Clock::now();
    base_train_seconds_ = state_.train_seconds;
    const double budget = t.time_budget_minutes * 60;
    double last_validation_seconds = 0;
    int64_t last_validated_step = -1;
    bool stop = false;
    std::string stop_reason = "reached training.max_epochs (" + std::to_string(t.max_epochs) + ")";
    Window window;

    for (; state_.epoch <= t.max_epochs && !stop; ++state_.epoch, state_.batch_in_epoch = 0) {
      const auto batches = data::plan_batches(prepared_.train, {t.batch_tokens, t.batch_sentences},
                                              static_cast<uint64_t>(t.seed) * 1000003ULL + state_.epoch, true);
      batches_per_epoch_ = static_cast<int64_t>(batches.size());
      for (; state_.batch_in_epoch < batches_per_epoch_; ++state_.batch_in_epoch) {
        if (g_interrupted) {
          stop = true, stop_reason = "interrupted";
          break;
        }
        // Leave room for the final validation inside the budget.
        if (budget > 0 && seconds_since(start) + 1.2 * last_validation_seconds >= budget) {
          stop = true, stop_reason = "time budget of " + format_duration(budget) + " used";
          break;
        }
        run_step(make_batch_for(batches[state_.batch_in_epoch]), window);
        if (state_.step % t.log_every == 0) log_progress(window, start, budget);
        if (state_.step % t.validate_every == 0) {
          ++state_.batch_in_epoch;  // the checkpoint must point past this batch
          const auto v = validate_and_save();
          --state_.batch_in_epoch;
          last_validation_seconds = v.seconds;
          last_validated_step = state_.step;
          if (t.early_stopping_patience > 0 &&
              state_.validations_without_improvement >= t.early_stopping_patience) {
            stop = true, stop_reason = "no improvement in " + std::to_string(t.early_stopping_patience) + " validations";
          }
        }
        if (t.max_steps > 0 && state_.step >= t.max_steps) {
          stop = true, stop_reason = "reached training.max_steps (" + std::to_string(t.max_steps) + ")";
        }
        if (stop) {
          ++state_.batch_in_epoch;
          break;
        }
      }
      if (stop) break;
    }
    if (state_.step == 0) throw Error("training stopped before the first step: " + stop_reason);
    if (last_validated_step != state_.step) validate_and_save();
    state_.train_seconds = base_train_seconds_ + seconds_since(run_start_);
    save_checkpoint(dir_.checkpoint(), *model_, *optimizer_, state_);
    spdlog::info("training stopped: {}; best {} {:.2f} at step {}; model in {}", stop_reason,
                 config_.training.best_metric, state_.best_score, state_.best_step, dir_.path);
  }

 private:
  // Training statistics since the last progress line.
  struct Window {
    double loss = 0, nll = 0;
    int64_t tokens = 0, steps = 0;
    Clock::time_point since = Clock::now();
  };

  void set_up() {
    const auto& t = config_.training;
    if (t.model_dir.empty()) throw Error("config: training.model_dir (or --model-dir) must be set");
    std::filesystem::create_directories(dir_.path);
    if (!options_.resume && data::file_exists(dir_.checkpoint()))
      throw Error(dir_.checkpoint() + " exists: continue it with --resume, or choose another --model-dir");
    auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(dir_.log());
    sink->set_pattern("[%Y-%m-%d %H:%M:%S] [%l] %v");
    spdlog::default_logger()->sinks().push_back(sink);

    setup_threads(t.threads);
    torch::manual_seed(t.seed);
    device_ = resolve_device(t.device);
    prepared_ = prepare_data(config_);
    spdlog::info("training pairs {} (of {} read), validation pairs {}", prepared_.train.size(),
                 prepared_.train_stats.read, prepared_.valid.size());
    store_tokenizers(dir_, prepared_.tokenizers);
    data::write_file_atomically(dir_.config(), to_yaml(config_));

    model_ = build_model_for(config_, prepared_.tokenizers);
    model_->to(torch::Device(device_));
    int64_t parameters = 0;
    for (const auto& p : model_->parameters()) parameters += p.numel();
    spdlog::info("model {} with {:.2f} M parameters on {} ({} threads)", config_.model.type,
                 parameters / 1e6, device_, torch::get_num_threads());
    optimizer_ = std::make_unique<torch::optim::Adam>(
        model_->parameters(), torch::optim::AdamOptions(t.learning_rate)
                                  .betas({t.adam_beta1, t.adam_beta2})
                                  .weight_decay(t.weight_decay));
    if (options_.resume) {
      load_checkpoint(dir_.checkpoint(), *model_, *optimizer_, state_);
      schedule_.plateau_scale = state_.lr_plateau_scale;
      schedule_.bad_validations = static_cast<int>(state_.lr_bad_validations);
      spdlog::info("resumed from {}: step {}, epoch {}, batch {}", dir_.checkpoint(), state_.step,
                   state_.epoch, state_.batch_in_epoch);
    }
    // Validation BLEU is greedy: it tracks progress and picks the best
    // weights at a fraction of a beam's cost.
    auto validation_decoding = config_.decoding;
    validation_decoding.beam_size = 1;
    translator_ = std::make_unique<Translator>(model_, prepared_.tokenizers, validation_decoding, device_);
    std::signal(SIGINT, on_interrupt);
  }

  data::Batch make_batch_for(const std::vector<int64_t>& members) {
    return data::make_batch(prepared_.train, members).to(torch::Device(device_));
  }

  void run_step(const data::Batch& batch, Window& window) {
    const auto& t = config_.training;
    ++state_.step;
    const double lr = schedule_.at_step(state_.step);
    for (auto& group : optimizer_->param_groups())
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    const auto result = train_step(*model_, *optimizer_, batch, t.label_smoothing, t.clip_norm);
    if (!std::isfinite(result.nll))
      throw Error("training diverged: non-finite loss at step " + std::to_string(state_.step) +
                  " (learning rate " + std::to_string(lr) + "); " + dir_.best() + " and " +
                  dir_.checkpoint() + " are untouched. Lower training.learning_rate or add warm-up.");
    window.loss += result.loss;
    window.nll += result.nll;
    window.tokens += result.tokens;
    window.steps += 1;
  }

  void log_progress(Window& w, Clock::time_point start, double budget) {
    const double secs = seconds_since(w.since);
    const double steps_per_second = w.steps / std::max(1e-9, secs);
    double eta = std::numeric_limits<double>::infinity();
    const auto& t = config_.training;
    const double elapsed = seconds_since(start);
    if (budget > 0) eta = std::min(eta, budget - elapsed);
    if (t.max_steps > 0) eta = std::min(eta, (t.max_steps - state_.step) / steps_per_second);
    const double batches_left =
        (t.max_epochs - state_.epoch) * static_cast<double>(batches_per_epoch_) +
        (batches_per_epoch_ - state_.batch_in_epoch - 1);
    eta = std::min(eta, batches_left / steps_per_second);
    spdlog::info("epoch {} step {} | loss {:.3f} ppl {:.2f} | lr {:.2e} | {:.0f} tok/s | elapsed {} | eta {}",
                 state_.epoch, state_.step, w.loss / w.tokens, std::exp(w.nll / w.tokens),
                 schedule_.at_step(state_.step), w.tokens / secs, format_duration(elapsed),
                 format_duration(eta));
    w = Window{};
  }

  Validation validate() {
    const auto start = Clock::now();
    torch::NoGradGuard no_grad;
    model_->eval();
    double nll = 0;
    int64_t tokens = 0;
    const data::BatchLimits limits{config_.training.batch_tokens, 0};
    for (const auto& members : data::plan_batches(prepared_.valid, limits, 0, false)) {
      const auto batch = data::make_batch(prepared_.valid, members).to(torch::Device(device_));
      const auto logits = model_->forward(batch.src, batch.src_lengths, batch.tgt_in);
      const auto loss = label_smoothed_loss(logits, batch.tgt_out, 0.0, data::kPadId);
      nll += loss.nll;
      tokens += loss.tokens;
    }
    Validation v;
    v.ppl = std::exp(nll / std::max<int64_t>(1, tokens));
    v.bleu = corpus_bleu(translator_->translate(prepared_.valid_src), prepared_.valid_ref).score;
    v.seconds = seconds_since(start);
    model_->train();
    return v;
  }

  Validation validate_and_save() {
    const auto v = validate();
    const bool by_bleu = config_.training.best_metric == "bleu";
    const double score = by_bleu ? v.bleu : v.ppl;
    const bool improved = !state_.has_best || (by_bleu ? score > state_.best_score : score < state_.best_score);
    if (improved) {
      state_.has_best = true;
      state_.best_score = score;
      state_.best_step = state_.step;
      state_.validations_without_improvement = 0;
      save_weights(*model_, dir_.best());
    } else {
      ++state_.validations_without_improvement;
    }
    if (schedule_.on_validation(improved))
      spdlog::info("validation plateau: learning rate now {:.2e}", schedule_.at_step(state_.step));
    state_.lr_plateau_scale = schedule_.plateau_scale;
    state_.lr_bad_validations = schedule_.bad_validations;
    state_.train_seconds = base_train_seconds_ + seconds_since(run_start_);
    save_checkpoint(dir_.checkpoint(), *model_, *optimizer_, state_);
    spdlog::info("validation step {} | ppl {:.2f} | BLEU {:.2f} | best {} {:.2f} at step {}{} | {:.1f} s",
                 state_.step, v.ppl, v.bleu, config_.training.best_metric, state_.best_score,
                 state_.best_step, improved ? " (new best)" : "", v.seconds);
    std::ofstream metrics(dir_.metrics(), std::ios::app);
    metrics << "{\"step\": " << state_.step << ", \"epoch\": " << state_.epoch
            << ", \"valid_ppl\": " << v.ppl << ", \"valid_bleu\": " << v.bleu
            << ", \"lr\": " << schedule_.at_step(state_.step) << ", \"train_seconds\": " << state_.train_seconds
            << ", \"validation_seconds\": " << v.seconds << ", \"best\": " << (improved ? "true" : "false")
            << "}\n";
    return v;
  }

  Config config_;
  TrainOptions options_;
  ModelDir dir_;
  LrSchedule schedule_;
  TrainerState state_;
  PreparedData prepared_;
  std::string device_;
  models::Seq2Seq model_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::unique_ptr<Translator> translator_;
  int64_t batches_per_epoch_ = 0;
  Clock::time_point run_start_;
  double base_train_seconds_ = 0;
};

}  // namespace

void train(const Config& config, const TrainOptions& options) { Trainer(config, options).run(); }

}  // namespace nmt
