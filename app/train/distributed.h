#pragma once
// Data-parallel training across processes on LibTorch's own distributed
// engine, c10d: rendezvous through a TCPStore, collectives through Gloo (CPU)
// or NCCL (GPU builds). Processes find each other the way torchrun tells
// them to, so cluster tooling written for PyTorch works unchanged.
#include <torch/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace nmt {

// torchrun's environment: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR, MASTER_PORT (default 29500), and whether torchrun's agent
// hosts the store (TORCHELASTIC_USE_AGENT_STORE). Without RANK and
// WORLD_SIZE: one process, rank 0 of 1.
struct DistributedEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  bool agent_store = false;
  int restart_count = 0;  // TORCHELASTIC_RESTART_COUNT, part of the agent store's key prefix

  // Reads the variables; a malformed or inconsistent one is an error naming it.
  static DistributedEnv from_environment();
  bool distributed() const { return world_size > 1; }
};

// One process's membership of the group. Collectives are synchronous and
// work on tensors of the training device. A peer that dies or hangs makes
// every collective fail within `timeout` with an error naming the lost rank
// (each process keeps a heartbeat in the store for that).
class ProcessGroup {
 public:
  ProcessGroup(const DistributedEnv& env, const std::string& device, std::chrono::milliseconds timeout);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const;
  int size() const;
  std::string backend() const;  // "gloo" or "nccl"

  void all_reduce_sum(torch::Tensor& tensor);
  // The same, started now and finished by calling the returned function
  // (which reports a lost rank as all_reduce_sum does). `tensor` is on the
  // backend's device and must not be touched until then.
  std::function<void()> all_reduce_sum_async(const torch::Tensor& tensor);
  void broadcast(torch::Tensor& tensor, int root = 0);
  void barrier();

 private:
  // Runs a collective on `tensor`, moving it to the backend's device and back where needed.
  template <class Collective>
  void on_backend_device(torch::Tensor& tensor, Collective&& collective);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nmt
