#include "app/train/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "app/decode/model_dir.h"
#include "app/decode/precision_choice.h"
#include "app/decode/translator.h"
#include "app/runtime/child_process.h"
#include "app/runtime/runtime.h"
#include "app/train/batch_prefetch.h"
#include "app/train/checkpoint.h"
#include "app/train/curves.h"
#include "app/train/distributed.h"
#include "app/train/exponential_average.h"
#include "app/train/gradient_buckets.h"
#include "app/train/gradient_sync.h"
#include "app/train/init_from.h"
#include "app/train/late_dropout.h"
#include "app/train/lr_schedule.h"
#include "app/train/optimizer.h"
#include "app/train/prepare.h"
#include "app/train/subword_sampling.h"
#include "app/train/train_step.h"
#include "app/train/validation.h"
#include "common/error.h"
#include "common/stopwatch.h"
#include "data/batching.h"
#include "data/text_file.h"

namespace nmt {
namespace {

// SIGINT (Ctrl-C) and SIGTERM (a scheduler, a launcher) stop the run at the
// next step with a checkpoint; a signal after the run has seen the first one
// stops it at once. Only after: one kill can arrive twice (`timeout` signals
// the process and its group), and with several threads running both copies
// reached the handler, so the copy killed the run before it could save.
std::atomic<int> g_interrupted{0};
std::atomic<bool> g_stopping{false};

void on_interrupt(int signal) {
  if (g_stopping) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_interrupted = signal;
}

std::string format_duration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

// Why rank 0 stops the run; sent to every rank so all stop at the same step.
enum StopCode : int { kGoOn = 0, kInterrupted = 1, kTimeBudget = 2, kNoImprovement = 3 };

class Trainer {
 public:
  Trainer(const Config& config, const TrainOptions& options)
      : config_(config), options_(options), dir_{config.training.model_dir},
        env_(DistributedEnv::from_environment()),
        schedule_(config.training.scheduler, config.training.learning_rate, config.training.warmup_steps,
                  config.training.decay_factor, config.training.decay_patience,
                  config.training.min_learning_rate, config.training.max_steps),
        late_dropout_(config.training) {}

  void run() {
    set_up();
    const auto& t = config_.training;
    run_start_ = synced_ = Clock::now();
    base_train_seconds_ = state_.train_seconds;
    base_time_progress_ = state_.schedule.time_progress;
    const int64_t per_update = static_cast<int64_t>(t.accumulate_gradients) * env_.world_size;
    std::string stop_reason = "reached training.max_epochs (" + std::to_string(t.max_epochs) + ")";
    bool stop = false;
    // The epoch advances only when its batches are used up: a run stopped
    // inside an epoch saves its position there, and a resumed run goes on
    // from it (a for-loop's increment would also run on the way out).
    for (; state_.epoch <= t.max_epochs; ++state_.epoch, state_.batch_in_epoch = 0) {
      const auto batches = data::plan_batches(prepared_.train->lengths(), {t.batch_tokens, t.batch_sentences},
                                              static_cast<uint64_t>(t.seed) * 1000003ULL + state_.epoch, true);
      batches_per_epoch_ = static_cast<int64_t>(batches.size());
      while (state_.batch_in_epoch < batches_per_epoch_) {
        const int code = agree_on_stop();
        if (code != kGoOn) {
          stop = true;
          stop_reason = code == kInterrupted  ? "interrupted"
                        : code == kTimeBudget ? "time budget of " + format_duration(t.time_budget_minutes * 60) + " used"
                                              : "no improvement in " + std::to_string(t.early_stopping_patience) + " validations";
          break;
        }
        // Each update takes the next K * ranks batches of the epoch's plan:
        // rank r the r-th of every group of `ranks`. The position moves past
        // them first, so a checkpoint written from here on resumes after them.
        std::vector<const std::vector<int64_t>*> mine;
        for (int k = 0; k < t.accumulate_gradients; ++k) {
          const int64_t index = state_.batch_in_epoch + static_cast<int64_t>(k) * env_.world_size + env_.rank;
          if (index < batches_per_epoch_) mine.push_back(&batches[index]);
        }
        state_.batch_in_epoch = std::min(batches_per_epoch_, state_.batch_in_epoch + per_update);
        // The next update's first batch, sampled ahead while this one computes.
        const int64_t next = state_.batch_in_epoch + env_.rank;
        apply_late_dropout();
        run_update(mine, next < batches_per_epoch_ ? &batches[next] : nullptr);
        if (leader() && state_.step % t.log_every == 0) log_progress();
        if (state_.step % t.validate_every == 0) validate_and_save(true);
        else if (t.save_every > 0 && state_.step % t.save_every == 0) save_state();
        if (t.max_steps > 0 && state_.step >= t.max_steps) {
          stop = true, stop_reason = "reached training.max_steps (" + std::to_string(t.max_steps) + ")";
          break;
        }
      }
      if (stop) break;
    }
    if (state_.step == 0) throw Error("training stopped before the first step: " + stop_reason);
    // Every rank takes part (their random states go into the checkpoint); rank 0 writes.
    if (last_validated_step_ != state_.step) validate_and_save(false);  // saves the checkpoint too
    else save_state();
    if (!leader()) return;
    spdlog::info("training stopped: {}; best {} {:.2f} at step {}; model in {}", stop_reason,
                 config_.training.best_metric, state_.best_score, state_.best_step, dir_.path);
  }

 private:
  // Training statistics since the last progress line.
  struct Window {
    StepResult totals;
    int64_t steps = 0;
    double sync_seconds = 0;
    int64_t sync_bytes = 0;
    double sampling_seconds = 0;         // subword sampling, wherever it ran
    double sampling_waited_seconds = 0;  // what of it the updates waited for
    int64_t early_buckets = 0;           // GradientBuckets::launched_during_backward() when the window began
    double lookup_part_seconds = 0;      // GradientBuckets::lookup_part_seconds() when the window began
    double straggler_seconds = 0;        // of sync_seconds, waiting for a slower rank (slowest_rank_seconds)
    Clock::time_point since = Clock::now();
  };

  bool leader() const { return env_.rank == 0; }

  void set_up() {
    const auto& t = config_.training;
    if (t.model_dir.empty()) throw Error("config: training.model_dir (or --model-dir) must be set");
    if (!options_.init_from.empty() && options_.resume)
      throw Error("--init-from starts a new run and --resume continues one: give one of them (a fine-tuning run "
                  "that stopped continues with --resume alone, or give --resume auto with --init-from)");
    bool has_checkpoint = false;
    if (leader()) {
      std::filesystem::create_directories(dir_.path);
      has_checkpoint = data::file_exists(dir_.checkpoint());
      if (!options_.resume && !options_.resume_if_checkpoint && has_checkpoint)
        throw Error(dir_.checkpoint() + " exists: continue it with --resume, or choose another --model-dir");
      auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(dir_.log());
      sink->set_pattern("[%Y-%m-%d %H:%M:%S] [%l] %v");
      spdlog::default_logger()->sinks().push_back(sink);
      // Line by line: a run that is killed keeps its log up to the last line.
      spdlog::default_logger()->flush_on(spdlog::level::info);
    } else {
      spdlog::set_level(spdlog::level::warn);  // rank 0 reports progress for all
    }
    // One process sets up its threads after preparing its data (below), so
    // that preparation can run in a child process; ranks need their group first.
    if (env_.distributed()) set_up_processes();
    resuming_ = options_.resume || (options_.resume_if_checkpoint && leader_says(has_checkpoint));
    const bool fine_tune = !options_.init_from.empty() && !resuming_;
    if (options_.resume_if_checkpoint)
      spdlog::info(resuming_ ? "--resume auto: {} exists: continuing it" : "--resume auto: no {} yet: starting",
                   dir_.checkpoint());
    torch::manual_seed(t.seed);

    // Rank 0 generates the corpus and trains (or, fine-tuning, adopts) the
    // tokenizer; the others reuse them.
    if (leader() && fine_tune) adopt_model_dir(config_, options_.init_from);
    // Generating a corpus, training SentencePiece and tokenizing allocate
    // gigabytes for a large corpus, which the allocator would keep for the
    // whole run: done in a child process (while this one has no other
    // threads), they go back to the kernel, and prepare_data() below finds
    // everything prepared. In-process where that cannot be (data-parallel
    // ranks, or the child failed: then its error arises here, with its
    // message), and what was freed is given back as far as the allocator can.
    if (leader()) {
      if (!group_ && run_in_child_process([&] { prepare_data(config_); })) {
        // The child logged what it prepared; reusing it here is not news.
        const auto level = spdlog::get_level();
        spdlog::set_level(spdlog::level::warn);
        prepared_ = prepare_data(config_);
        spdlog::set_level(level);
      } else {
        prepared_ = prepare_data(config_);
      }
    }
    if (group_) group_->barrier();
    if (!leader()) prepared_ = prepare_data(config_);
    release_freed_memory();
    if (!env_.distributed()) set_up_processes();
    spdlog::info("training pairs {} (of {} read), validation pairs {}", prepared_.train->size(),
                 prepared_.train_stats.read, prepared_.valid.size());
    if (leader()) {
      store_tokenizers(dir_, prepared_.tokenizers);
      data::write_file_atomically(dir_.config(), to_yaml(config_));
    }

    if (config_.tokenizer.sampling_nbest != 0) {
      sampler_ = std::make_unique<SubwordSampler>(prepared_.tokenizers, config_.tokenizer, config_.data.max_length);
      prefetch_ = std::make_unique<BatchPrefetch>(*sampler_, *prepared_.train);
    }
    model_ = build_model_for(config_, prepared_.tokenizers);
    model_->to(torch::Device(device_));
    spdlog::info("model {} with {:.2f} M parameters on {} ({} threads; OpenMP waits: {})", config_.model.type,
                 models::parameter_count(*model_) / 1e6, device_, torch::get_num_threads(), openmp_wait_policy());
    if (leader() && fine_tune) load_initial_weights(*model_, options_.init_from);  // sent to the others below
    optimizer_ = make_optimizer(t, *model_);
    // Rank 0 alone validates and saves: it alone keeps the parameter average.
    if (leader() && t.ema_decay > 0) average_ = std::make_unique<ExponentialAverage>(*model_, t.ema_decay);
    torch::Tensor rank_rngs;
    if (resuming_) {
      // Rank 0 reads the checkpoint and sends it: the others need no access to its file.
      auto bytes = leader() ? read_checkpoint(dir_.checkpoint()) : std::string();
      if (group_) bytes = broadcast_bytes(*group_, bytes);
      if (!restore_checkpoint(bytes, dir_.checkpoint(), *model_, *optimizer_, state_, average_.get(), &rank_rngs)) {
        spdlog::warn("{} has no parameter average (training.ema_decay was 0): it starts at the checkpoint's weights",
                     dir_.checkpoint());
        average_ = std::make_unique<ExponentialAverage>(*model_, t.ema_decay);
      }
      check_same_data();
      spdlog::info("resumed from {}: step {}, epoch {}, batch {}", dir_.checkpoint(), state_.step, state_.epoch,
                   state_.batch_in_epoch);
    } else if (group_) {
      broadcast_parameters(*group_, *model_);
    }
    // Every rank starts from the same weights; each draws its own dropout
    // masks: from its own state in the checkpoint when resuming, else from a
    // seed of its rank.
    const bool rank_rng_kept = rank_rngs.defined() && rank_rngs.size(0) == env_.world_size;
    if (resuming_ && group_ && !rank_rng_kept)
      spdlog::info("{} holds no random state for each of {} ranks (written by another number of ranks or an older "
                   "nmt): ranks above 0 draw from new seeds, so the run is not bit-exact with an uninterrupted one",
                   dir_.checkpoint(), env_.world_size);
    if (!leader()) {
      if (rank_rng_kept) {
        auto generator = at::detail::getDefaultCPUGenerator();
        generator.set_state(rank_rngs[env_.rank].contiguous());
      } else {
        torch::manual_seed(static_cast<uint64_t>(t.seed) + 1000003ULL * env_.rank + state_.step);
      }
    }
    if (group_ && t.gradient_buckets_mb > 0) {
      buckets_ = std::make_unique<GradientBuckets>(*group_, *model_, t.gradient_buckets_mb);
      spdlog::info("gradients all-reduced in {} buckets of up to {} MB while the backward pass runs{}",
                   buckets_->buckets(), t.gradient_buckets_mb,
                   buckets_->splits_tied_embedding()
                       ? " (the tied embedding's in two: the output layer's part first, the looked-up rows last)"
                       : "");
    }
    if (leader()) {
      auto validation_decoding = config_.decoding;
      validation_decoding.beam_size = 1;
      validation_decoding.precision = choose_precision(validation_decoding.precision, "decoding.precision (validation)");
      translator_ = std::make_unique<Translator>(model_, prepared_.tokenizers, validation_decoding, device_);
    }
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
  }

  // Threads, device and, for several ranks, the process group.
  void set_up_processes() {
    const auto& t = config_.training;
    precision_ = models::parse_precision(choose_precision(t.precision, "training.precision"));
    setup_threads(t.threads, precision_ == models::Precision::bf16);
    set_onednn_cache_capacity(kTrainingPrimitives);
    device_ = resolve_device(t.device);
    if (!env_.distributed()) return;
    // Ranks on one machine split its cores instead of each taking all: the
    // automatic LibTorch thread count is capped at a rank's share, and so is
    // OpenBLAS's.
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int blas_threads = std::max(1, cores / env_.local_world_size);
    if (t.threads == 0 && torch::get_num_threads() > blas_threads) torch::set_num_threads(blas_threads);
    const bool blas = set_blas_threads(blas_threads);
    if (device_ == "cuda") device_ = "cuda:" + std::to_string(env_.local_rank);
    const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(t.distributed_timeout_minutes * 60000));
    group_ = std::make_unique<ProcessGroup>(env_, device_, timeout);
    spdlog::info("distributed: {} ranks ({} on this machine), backend {}, store {}:{}; per rank {} LibTorch "
                 "thread(s), {} BLAS thread(s); {} batch(es) per rank and update",
                 env_.world_size, env_.local_world_size, group_->backend(), env_.master_addr, env_.master_port,
                 torch::get_num_threads(), blas ? std::to_string(blas_threads) : "default", t.accumulate_gradients);
  }

  // Rank 0 decides whether to stop (Ctrl-C, time budget, early stopping) and
  // what the plateau and linear schedules say; every rank follows.
  int agree_on_stop() {
    const auto& t = config_.training;
    int code = kGoOn;
    if (leader()) {
      const double budget = t.time_budget_minutes * 60;
      // Leave room for the final validation inside the budget.
      const double usable = budget - 1.2 * last_validation_seconds_;
      const double elapsed = seconds_since(run_start_);
      if (budget > 0) {
        const double used = usable > 0 ? std::min(1.0, elapsed / usable) : 1.0;
        state_.schedule.time_progress = base_time_progress_ + (1 - base_time_progress_) * used;
      }
      if (g_interrupted != 0) code = kInterrupted;
      else if (budget > 0 && elapsed >= usable) code = kTimeBudget;
      else if (t.early_stopping_patience > 0 && state_.validations_without_improvement >= t.early_stopping_patience)
        code = kNoImprovement;
    }
    if (group_) {
      auto shared = torch::tensor({static_cast<double>(code), state_.schedule.scale, state_.schedule.time_progress},
                                  torch::kFloat64);
      group_->broadcast(shared);
      state_.schedule.scale = shared[1].item<double>();
      state_.schedule.time_progress = shared[2].item<double>();
      code = static_cast<int>(shared[0].item<double>());
    }
    // From here a further signal stops this process at once, on every rank.
    if (code == kInterrupted) g_stopping = true;
    return code;
  }

  // Every rank switches at the same update: the progress it reads was agreed on.
  void apply_late_dropout() {
    const double progress = budget_progress(state_.step + 1, config_.training.max_steps, state_.schedule);
    if (late_dropout_.update(*model_, progress) && leader())
      spdlog::info("late dropout: every dropout now {} (was {}), from step {} ({:.0f}% of the budget)",
                   late_dropout_.rate(), config_.model.dropout, state_.step + 1, 100 * progress);
  }

  // The seed of a sampled batch: of the run, the update and the batch's place in it.
  uint64_t sampling_seed(int64_t step, int k) const {
    return (static_cast<uint64_t>(config_.training.seed) * 0x9E3779B97F4A7C15ULL) ^
           (static_cast<uint64_t>(step) * 4096 + static_cast<uint64_t>(env_.rank) * 64 + k);
  }

  // The batch of `members` (the update's k-th); with subword sampling,
  // segmented anew (most often already, in the background), and the batch
  // after it, `following` of the next update if it is the last, started.
  data::Batch make_batch(const std::vector<const std::vector<int64_t>*>& members, std::size_t k,
                         const std::vector<int64_t>* following) {
    if (!prefetch_) return data::make_batch(*prepared_.train, *members[k]);
    auto batch = prefetch_->take(*members[k], sampling_seed(state_.step, static_cast<int>(k)),
                                 window_.sampling_waited_seconds, window_.sampling_seconds);
    if (k + 1 < members.size()) prefetch_->start(*members[k + 1], sampling_seed(state_.step, static_cast<int>(k) + 1));
    else if (following) prefetch_->start(*following, sampling_seed(state_.step + 1, 0));
    return batch;
  }

  void run_update(const std::vector<const std::vector<int64_t>*>& members, const std::vector<int64_t>* following) {
    const auto& t = config_.training;
    StepResult totals;
    for (std::size_t k = 0; k < members.size(); ++k) {
      if (buckets_ && k + 1 == members.size()) buckets_->arm();  // the last backward pass's gradients are final
      totals += accumulate_gradients(*model_, make_batch(members, k, following).to(torch::Device(device_)),
                                     t.label_smoothing, precision_);
    }
    if (group_) {
      // With buckets most of the all-reduce ran during the backward pass: this is what is left.
      const auto start = Clock::now();
      const double computed = seconds_since(synced_);
      window_.sync_bytes += buckets_ ? buckets_->finish(totals) : all_reduce_gradients(*group_, *model_, totals);
      window_.straggler_seconds += slowest_rank_seconds(*group_, computed) - computed;
      synced_ = Clock::now();
      window_.sync_seconds += seconds_since(start);
    }
    ++state_.step;
    const double lr = schedule_.at_step(state_.step, state_.schedule);
    set_learning_rate(*optimizer_, lr);
    if (!apply_update(*model_, *optimizer_, totals, t.clip_norm))
      throw Error("training diverged: non-finite loss at step " + std::to_string(state_.step) +
                  " (learning rate " + std::to_string(lr) + "); " + dir_.best() + " and " +
                  dir_.checkpoint() + " are untouched. Lower training.learning_rate or add warm-up.");
    if (average_) average_->update(state_.step);
    window_.totals += totals;
    window_.steps += 1;
    since_validation_ += totals;
  }

  void log_progress() {
    const auto& t = config_.training;
    auto& w = window_;
    const double secs = seconds_since(w.since);
    const double steps_per_second = w.steps / std::max(1e-9, secs);
    const double elapsed = seconds_since(run_start_);
    double eta = std::numeric_limits<double>::infinity();
    if (t.time_budget_minutes > 0) eta = std::min(eta, t.time_budget_minutes * 60 - elapsed);
    if (t.max_steps > 0) eta = std::min(eta, (t.max_steps - state_.step) / steps_per_second);
    const double per_update = static_cast<double>(t.accumulate_gradients) * env_.world_size;
    const double batches_left = (t.max_epochs - state_.epoch) * static_cast<double>(batches_per_epoch_) +
                                (batches_per_epoch_ - state_.batch_in_epoch);
    eta = std::min(eta, batches_left / per_update / steps_per_second);
    std::string sync;
    if (group_)
      sync = buckets_ ? fmt::format(" | all-reduce {:.1f} MB in {} buckets ({:.1f} during the backward pass), {:.0f} ms "
                                    "after the backward pass, {:.0f} of them waiting for a slower rank{}",
                                    w.sync_bytes / 1e6 / w.steps, buckets_->buckets(),
                                    static_cast<double>(buckets_->launched_during_backward() - w.early_buckets) / w.steps,
                                    1000 * w.sync_seconds / w.steps, 1000 * w.straggler_seconds / w.steps,
                                    buckets_->splits_tied_embedding()
                                        ? fmt::format(" ({:.0f} ms the lookups' part: {:.0f}% of the embedding's rows)",
                                                      1000 * (buckets_->lookup_part_seconds() - w.lookup_part_seconds) /
                                                          w.steps,
                                                      100 * buckets_->lookup_row_share())
                                        : "")
                      : fmt::format(" | all-reduce {:.1f} MB in {:.0f} ms, {:.0f} of them waiting for a slower rank",
                                    w.sync_bytes / 1e6 / w.steps, 1000 * w.sync_seconds / w.steps,
                                    1000 * w.straggler_seconds / w.steps);
    if (prefetch_)
      sync += fmt::format(" | sampling {:.0f} ms ({:.0f} ms waited)", 1000 * w.sampling_seconds / w.steps,
                          1000 * w.sampling_waited_seconds / w.steps);
    spdlog::info("epoch {} step {} | loss {:.3f} ppl {:.2f} | lr {:.2e} | {:.0f} tok/s{} | {:.0f} MiB anon | "
                 "elapsed {} | eta {}",
                 state_.epoch, state_.step, w.totals.loss / w.totals.tokens, std::exp(w.totals.nll / w.totals.tokens),
                 schedule_.at_step(state_.step, state_.schedule), w.totals.tokens / secs, sync, anonymous_rss_mib(),
                 format_duration(elapsed), format_duration(eta));
    w = Window{};
    if (buckets_) w.early_buckets = buckets_->launched_during_backward(), w.lookup_part_seconds = buckets_->lookup_part_seconds();
  }

  // The checkpoint's batch position means something only for the data it was
  // written with: a corpus replaced since is an error, not a silent skip.
  void check_same_data() const {
    const auto pairs = static_cast<int64_t>(prepared_.train->size());
    const auto checksum = prepared_.train->info().source_checksum;
    if (state_.train_pairs < 0) return;  // a checkpoint from before these fields
    if (state_.train_pairs != pairs || state_.data_checksum != checksum)
      throw Error(dir_.checkpoint() + ": the training data changed since this checkpoint was written (" +
                  std::to_string(state_.train_pairs) + " training pairs then, " + std::to_string(pairs) +
                  " now; corpus files, tokenizer or length filters differ). Restore them, or start a new run "
                  "in another model directory.");
  }

  // One value of rank 0's, on every rank.
  bool leader_says(bool value) {
    if (!group_) return value;
    auto shared = torch::tensor({value ? 1.0 : 0.0}, torch::kFloat64);
    group_->broadcast(shared);
    return shared.item<double>() != 0;
  }

  // Every rank's random state ([ranks, bytes] uint8), on every rank: a
  // collective, so every rank calls it at every checkpoint.
  torch::Tensor rank_rng_states() {
    const auto mine = at::detail::getDefaultCPUGenerator().get_state();
    if (!group_) return mine.unsqueeze(0);
    auto all = torch::zeros({env_.world_size, mine.numel()}, torch::kInt64);
    all[env_.rank].copy_(mine.to(torch::kInt64));
    group_->all_reduce_sum(all);
    return all.to(torch::kUInt8);
  }

  // Every rank calls it; rank 0 writes the checkpoint.
  void save_state() { write_checkpoint(rank_rng_states()); }

  // Rank 0 only: the checkpoint, with the time trained so far.
  void write_checkpoint(const torch::Tensor& rank_rngs) {
    if (!leader()) return;
    state_.train_pairs = static_cast<int64_t>(prepared_.train->size());
    state_.data_checksum = prepared_.train->info().source_checksum;
    state_.train_seconds = base_train_seconds_ + seconds_since(run_start_);
    save_checkpoint(dir_.checkpoint(), *model_, *optimizer_, state_, average_.get(), rank_rngs);
  }

  // Rank 0 only: the others carry on to the next update and wait for it there.
  // `scheduled`: one of the every-validate_every validations, which alone
  // count for early stopping and the plateau schedule (see TrainerState).
  void validate_and_save(bool scheduled) {
    last_validated_step_ = state_.step;
    const auto rank_rngs = rank_rng_states();  // before validation draws anything
    if (!leader()) return;
    const bool by_bleu = config_.training.best_metric == "bleu";
    Validation v;
    bool improved = false;
    double score = 0;
    auto better = [&](double best) { return std::isnan(best) || (by_bleu ? score > best : score < best); };
    {  // validated, kept and saved as best: the averaged weights, when there are any
      const ExponentialAverage::Applied averaged(average_.get());
      // Decoding repeats its few shapes at every step: cache them while it runs.
      set_onednn_cache_capacity(kDecodingPrimitives);
      v = validate(*model_, *translator_, prepared_, config_.training.batch_tokens, device_);
      set_onednn_cache_capacity(kTrainingPrimitives);  // and free them
      score = by_bleu ? v.bleu : v.ppl;
      improved = better(state_.has_best ? state_.best_score : std::nan(""));
      if (improved) {
        state_.has_best = true;
        state_.best_score = score;
        state_.best_step = state_.step;
        save_weights(*model_, dir_.best());
      }
      keep_weights();
    }
    last_validation_seconds_ = v.seconds;
    if (scheduled) {
      const bool schedule_improved = better(state_.schedule_best_score);
      if (schedule_improved) {
        state_.schedule_best_score = score;
        state_.validations_without_improvement = 0;
      } else {
        ++state_.validations_without_improvement;
      }
      if (schedule_.on_validation(schedule_improved, state_.schedule))
        spdlog::info("validation plateau: learning rate now {:.2e}", schedule_.at_step(state_.step, state_.schedule));
    }
    write_checkpoint(rank_rngs);
    spdlog::info("validation step {} | ppl {:.2f} | BLEU {:.2f} | best {} {:.2f} at step {}{} | {:.1f} s",
                 state_.step, v.ppl, v.bleu, config_.training.best_metric, state_.best_score, state_.best_step,
                 improved ? " (new best)" : "", v.seconds);
    nlohmann::ordered_json line = {{"step", state_.step},
                                   {"epoch", state_.epoch},
                                   {"valid_ppl", v.ppl},
                                   {"valid_bleu", v.bleu},
                                   {"lr", schedule_.at_step(state_.step, state_.schedule)},
                                   {"train_seconds", state_.train_seconds},
                                   {"validation_seconds", v.seconds},
                                   {"best", improved}};
    if (since_validation_.tokens > 0) {
      line["train_loss"] = since_validation_.loss / since_validation_.tokens;
      line["train_ppl"] = std::exp(since_validation_.nll / since_validation_.tokens);
    }
    since_validation_ = StepResult{};
    std::ofstream(dir_.metrics(), std::ios::app) << line.dump() << "\n";
    write_curves(dir_.metrics(), dir_.curves(),
                 config_.model.type + ", " + config_.data.src_lang + "→" + config_.data.tgt_lang + ": " + dir_.path);
  }

  // training.keep_last_weights: this validation's weights join the kept
  // ones, and the oldest beyond the last N go.
  void keep_weights() {
    const int keep = config_.training.keep_last_weights;
    if (keep <= 0) return;
    save_weights(*model_, dir_.kept_weights(state_.step));
    const auto kept = dir_.kept_weights();
    for (std::size_t i = 0; i + keep < kept.size(); ++i) std::filesystem::remove(kept[i]);
  }

  Config config_;  // as written into the model directory: `auto` stays `auto`
  models::Precision precision_ = models::Precision::fp32;  // training.precision as chosen for this CPU
  TrainOptions options_;
  bool resuming_ = false;  // --resume, or --resume auto with a checkpoint
  ModelDir dir_;
  DistributedEnv env_;
  std::unique_ptr<ProcessGroup> group_;  // set when there are several ranks
  LrSchedule schedule_;
  LateDropout late_dropout_;
  TrainerState state_;
  PreparedData prepared_;
  std::string device_;
  models::Seq2Seq model_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::unique_ptr<GradientBuckets> buckets_;  // with training.gradient_buckets_mb, on several ranks; hooks model_
  std::unique_ptr<ExponentialAverage> average_;  // rank 0, with training.ema_decay
  std::unique_ptr<SubwordSampler> sampler_;      // with tokenizer.sampling_nbest
  std::unique_ptr<BatchPrefetch> prefetch_;      // of sampler_'s batches
  std::unique_ptr<Translator> translator_;  // rank 0: validation BLEU
  int64_t batches_per_epoch_ = 0;
  Window window_;
  StepResult since_validation_;  // training loss between validations, for metrics.jsonl
  Clock::time_point run_start_;
  Clock::time_point synced_;  // when this rank's last gradient sync ended (distributed)
  double base_train_seconds_ = 0;
  double base_time_progress_ = 0;  // the schedule's share of the time budget used before this run
  double last_validation_seconds_ = 0;
  int64_t last_validated_step_ = -1;
};

}  // namespace

void train(const Config& config, const TrainOptions& options) { Trainer(config, options).run(); }

}  // namespace nmt
