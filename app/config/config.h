#pragma once
// Typed experiment configuration: one struct per YAML section, with defaults.
// Every field is described once in config_schema.cpp; loading, --set overrides
// and writing the resolved config all go through that one description.
#include <string>
#include <vector>

#include "models/model_config.h"

namespace nmt {

struct DataConfig {
  std::string src_lang = "de";
  std::string tgt_lang = "en";
  std::string train;  // file prefix: {train}.{src_lang} and {train}.{tgt_lang}
  std::string valid;
  std::string test;
  int max_length = 100;           // tokens per side; longer training pairs are dropped
  double max_length_ratio = 3.0;  // max(src/tgt, tgt/src) in tokens
  // When set, the corpus is generated at these prefixes if its files are missing.
  bool generate = false;
  int generate_seed = 1;
  int generate_train = 20000;
  int generate_valid = 500;
  int generate_test = 500;
};

struct TokenizerConfig {
  std::string prefix;                 // models are {prefix}.model (joint) or {prefix}.{lang}.model
  bool joint = true;                  // one model for source and target
  std::string type = "unigram";       // unigram | bpe
  int vocab_size = 8000;
  double character_coverage = 1.0;
  int input_sentence_size = 0;        // SentencePiece's own sample of the sentences it gets; 0 = all
  // Pairs read into memory to train the tokenizer: a uniform sample of a
  // bigger corpus, so preparation stays within memory. 0 = as many as
  // SentencePiece takes here (499,999 pairs joint, 999,999 per language).
  int max_training_sentences = 400000;
  // Subword regularization (Kudo 2018) while training: each time a pair is
  // batched, each side is segmented anew, drawn from its `sampling_nbest`
  // best segmentations with probability ~ P^sampling_alpha; -1 draws from all
  // of them (data/segmentation_lattice.h: one pass, no n-best search). 0 = off; the
  // validation and test sets and translation keep the one best segmentation.
  int sampling_nbest = 0;
  double sampling_alpha = 0.1;
  // Which sides are sampled: both | source | target (OpenNMT-py sets each side
  // apart). The source alone leaves the target's length, and with it most of
  // an update's cost, as it was.
  std::string sampling_sides = "both";
};

using ModelConfig = models::ModelConfig;

struct TrainingConfig {
  std::string model_dir;
  int seed = 1;
  double learning_rate = 1e-3;
  std::string scheduler = "constant";  // constant | noam | plateau | linear
  int warmup_steps = 0;
  double decay_factor = 0.5;  // plateau: lr multiplier on a plateau
  int decay_patience = 2;     // plateau: validations without improvement before decaying
  double min_learning_rate = 1e-5;
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.999;
  double weight_decay = 0.0;
  double clip_norm = 1.0;  // 0 = no clipping
  double label_smoothing = 0.1;
  int batch_tokens = 4000;
  int batch_sentences = 0;  // 0 = no limit
  int max_epochs = 30;
  int max_steps = 0;        // 0 = no limit
  double time_budget_minutes = 0;  // 0 = no limit; wall clock, validation included
  int log_every = 100;
  int validate_every = 500;
  // Steps between checkpoints besides those at validation (0 = only there):
  // bounds the work a crash loses when validation is far apart.
  int save_every = 0;
  std::string best_metric = "bleu";  // bleu | ppl
  int early_stopping_patience = 0;   // validations without improvement; 0 = off
  int threads = 0;                   // LibTorch intra-op threads; 0 = auto (see setup_threads)
  std::string device = "auto";       // auto | cpu | cuda | cuda:N (distributed: cuda means cuda:LOCAL_RANK)
  // Batches per update: K batches (on every rank) add their gradients before
  // one optimizer step, as K ranks would. The update is the mean over all
  // their target tokens.
  int accumulate_gradients = 1;
  // Data-parallel ranks all-reduce their gradients in buckets of about this
  // many MB while the backward pass runs (app/train/gradient_buckets.h); 0 =
  // one all-reduce of all of them after the backward pass.
  double gradient_buckets_mb = 0;
  // How long a rank waits for the others in a collective (rank 0 validates
  // while the others wait) before it gives up with an error.
  double distributed_timeout_minutes = 30;
  // Matrix products in bf16 (fp32 master weights, see models/precision.h) or
  // fp32; `auto` chooses for the CPU (app/decode/precision_choice.h).
  std::string precision = "auto";  // auto | fp32 | bf16
  // Exponential moving average of the parameters (Marian's exponential
  // smoothing), for validation, best.pt and kept weights; 0 = off.
  double ema_decay = 0;
  // The weights of the last N validations, kept as weights/step-N.pt for
  // nmt-average (checkpoint averaging); 0 = none.
  int keep_last_weights = 0;
  // Late dropout: once `late_dropout_from` of the training budget (time or
  // max_steps, whichever is further along) is used, every dropout of the
  // model switches to `late_dropout` (model.dropout before); -1 = off. A
  // short budget can then learn fast first and be held back from
  // overfitting later.
  double late_dropout = -1;
  double late_dropout_from = 0.5;
};

struct DecodingConfig {
  int beam_size = 1;
  double length_penalty = 1.0;  // GNMT alpha
  double max_length_a = 1.5;    // max output tokens = a * source tokens + b
  int max_length_b = 10;
  int batch_size = 64;          // sentences per translation batch
  // `auto` chooses for the CPU, as training.precision does.
  std::string precision = "auto";  // auto | fp32 | bf16 | int8
};

struct Config {
  DataConfig data;
  TokenizerConfig tokenizer;
  ModelConfig model;
  TrainingConfig training;
  DecodingConfig decoding;
};

// Loads a YAML file; unknown keys, wrong types and out-of-range values are
// errors naming file, line, key and what was expected.
Config load_config(const std::string& path);

// Applies "section.key=value" overrides through the same checks.
void apply_overrides(Config& config, const std::vector<std::string>& overrides);

// Cross-field checks (e.g. a training prefix must be set to train).
void validate_for_training(const Config& config);

// The complete config, every field, as YAML.
std::string to_yaml(const Config& config);

}  // namespace nmt
