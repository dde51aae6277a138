#pragma once
// What data-parallel training exchanges between ranks: gradients and batch
// statistics every update, parameters and checkpoints at the start.
#include <torch/types.h>

#include <string>
#include <vector>

#include "app/train/distributed.h"
#include "app/train/train_step.h"
#include "models/seq2seq.h"

namespace nmt {

// The gradients of `parameters` in one flat tensor, for one all-reduce; a
// parameter without a gradient this update (unused, or no batch on this rank)
// gets zeros, so it adds nothing.
torch::Tensor flat_gradients(std::vector<torch::Tensor>& parameters);
// `flat` (as flat_gradients made it) back into the parameters' gradients.
void copy_to_gradients(const torch::Tensor& flat, std::vector<torch::Tensor>& parameters);

// Sums every rank's gradients (one all-reduce of one flat buffer) and batch
// statistics, so `totals` and the gradients are those of the union of all
// ranks' batches. Returns the bytes of gradient all-reduced.
int64_t all_reduce_gradients(ProcessGroup& group, models::Seq2SeqImpl& model, StepResult& totals);

// The batch statistics (loss, nll, tokens) summed over the ranks.
void all_reduce_statistics(ProcessGroup& group, StepResult& totals);

// The longest of the ranks' `seconds` (a small all-reduce). With each rank's
// time from the last gradient sync to this one's start, the slowest rank's
// less this rank's own is how long this rank waited for a slower one: not
// communication, and no overlap can hide it (uneven batches, validation).
double slowest_rank_seconds(ProcessGroup& group, double seconds);

// Rank 0's parameters and buffers, on every rank.
void broadcast_parameters(ProcessGroup& group, models::Seq2SeqImpl& model);

// `bytes` of rank 0 (a checkpoint file), on every rank.
std::string broadcast_bytes(ProcessGroup& group, const std::string& bytes);

}  // namespace nmt
