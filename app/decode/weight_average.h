#pragma once
// Checkpoint averaging (fairseq's average_checkpoints.py, Marian's and
// OpenNMT's): a model whose weights are the mean of several weight files of
// one model, usually the last few validations of a run.
#include <string>
#include <vector>

namespace nmt {

// Writes `out`, a new model directory like `model_dir` (its config and
// tokenizer) whose best.pt is the element-wise mean of `weight_files`. Every
// file must hold `model_dir`'s model, name for name and shape for shape; a
// file of another model is an error that names it. `out` must be new or empty
// unless `force`.
void average_weights(const std::string& model_dir, const std::vector<std::string>& weight_files,
                     const std::string& out, bool force = false);

}  // namespace nmt
