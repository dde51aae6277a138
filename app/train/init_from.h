#pragma once
// Fine-tuning: a run that starts from another model directory's weights
// (nmt-train --init-from DIR) with everything else fresh: optimizer,
// schedule, step counter, best score, early stopping, data position.
#include <string>

#include "app/config/config.h"
#include "models/seq2seq.h"

namespace nmt {

// Checks that `config` describes `dir`'s network (every model.* key but
// dropout, which training may change) and puts dir's tokenizer model(s) at
// the config's tokenizer.prefix: copied when nothing is there yet, else they
// must be the same bytes. A mismatch is an error naming the key or the files.
void adopt_model_dir(const Config& config, const std::string& dir);

// Loads dir's best weights into `model` (built from `config`).
void load_initial_weights(models::Seq2SeqImpl& model, const std::string& dir);

}  // namespace nmt
