#pragma once
// The optimizer the trainer uses, built from the config in one place (the
// trainer and nmt-benchmark must measure the same thing).
#include <torch/optim/adam.h>

#include <memory>

#include "app/config/config.h"
#include "models/seq2seq.h"

namespace nmt {

// Adam with the config's betas and weight decay, at training.learning_rate.
std::unique_ptr<torch::optim::Adam> make_optimizer(const TrainingConfig& training, models::Seq2SeqImpl& model);

// Sets the rate of every parameter group (the schedule's rate for a step).
void set_learning_rate(torch::optim::Adam& optimizer, double lr);

}  // namespace nmt
