// c10d's Gloo header needs this before it is included (Debian's LibTorch has Gloo);
// Torch's CMake package usually passes it already.
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include "app/train/distributed.h"

#include <c10/util/Exception.h>
#include <spdlog/spdlog.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef NMT_USE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <atomic>
#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "common/error.h"

namespace nmt {
namespace {

// An integer environment variable in [min, max], or `fallback` when unset.
int env_int(const char* name, int fallback, int min, int max) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (*end != '\0' || value < min || value > max)
    throw Error("environment variable " + std::string(name) + "='" + text + "': expected an integer in [" +
                std::to_string(min) + ", " + std::to_string(max) + "]");
  return static_cast<int>(value);
}

std::string env_string(const char* name, const std::string& fallback) {
  const char* text = std::getenv(name);
  return text && *text ? text : fallback;
}

constexpr auto kHeartbeat = std::chrono::milliseconds(500);

}  // namespace

DistributedEnv DistributedEnv::from_environment() {
  DistributedEnv env;
  const bool has_rank = std::getenv("RANK") != nullptr, has_size = std::getenv("WORLD_SIZE") != nullptr;
  if (has_rank != has_size)
    throw Error(std::string("environment: ") + (has_rank ? "RANK is set but WORLD_SIZE is not"
                                                          : "WORLD_SIZE is set but RANK is not") +
                " (set both, as torchrun does, or neither for one process)");
  env.world_size = env_int("WORLD_SIZE", 1, 1, 1 << 20);
  env.rank = env_int("RANK", 0, 0, env.world_size - 1);
  env.local_world_size = env_int("LOCAL_WORLD_SIZE", env.world_size, 1, env.world_size);
  env.local_rank = env_int("LOCAL_RANK", env.rank % env.local_world_size, 0, env.local_world_size - 1);
  env.master_addr = env_string("MASTER_ADDR", "127.0.0.1");
  env.master_port = env_int("MASTER_PORT", 29500, 1, 65535);
  env.agent_store = env_string("TORCHELASTIC_USE_AGENT_STORE", "") == "True";
  env.restart_count = env_int("TORCHELASTIC_RESTART_COUNT", 0, 0, 1 << 20);
  return env;
}

struct ProcessGroup::Impl {
  DistributedEnv env;
  std::chrono::milliseconds timeout;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> group;
  std::string backend;
  std::string device;
  // The heartbeat: its own store connection (a TCPStore client is not
  // thread-safe), a counter under "heartbeat/<rank>" every kHeartbeat.
  c10::intrusive_ptr<c10d::Store> heartbeat_store;
  std::thread heartbeat;
  std::mutex mutex;
  std::condition_variable stop_signal;
  bool stopping = false;

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    stop_signal.notify_all();
    if (heartbeat.joinable()) heartbeat.join();
  }

  c10::intrusive_ptr<c10d::Store> connect(bool host) const {
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(env.master_port);
    options.isServer = host;
    options.numWorkers = env.world_size;
    options.waitWorkers = false;
    options.timeout = timeout;
    options.multiTenant = true;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(env.master_addr, options);
    // Under torchrun the agent's store is shared with the agent: workers use
    // the key prefix torch.distributed uses there.
    if (env.agent_store)
      return c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(env.restart_count), tcp);
    return tcp;
  }

  void beat() {
    int64_t count = 0;
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      try {
        const auto text = std::to_string(++count);
        heartbeat_store->set("nmt/heartbeat/" + std::to_string(env.rank), std::vector<uint8_t>(text.begin(), text.end()));
      } catch (const std::exception&) {
        return;  // the store is gone; the next collective reports it
      }
      stop_signal.wait_for(lock, kHeartbeat);
    }
  }

  // The heartbeat counters of every rank, or -1 where none could be read;
  // empty when the store is gone. Reads through the main connection: the
  // heartbeat thread owns the other.
  std::vector<int64_t> heartbeats() const {
    std::vector<int64_t> out(env.world_size, -1);
    for (int r = 0; r < env.world_size; ++r) {
      try {
        const auto key = "nmt/heartbeat/" + std::to_string(r);
        if (!store->check({key})) continue;
        const auto bytes = store->get(key);
        out[r] = std::stoll(std::string(bytes.begin(), bytes.end()));
      } catch (const std::exception&) {
        return {};  // no store: whoever hosts it is gone
      }
    }
    return out;
  }

  // Turns a failed collective into an error that names the lost rank(s):
  // ranks whose heartbeat stops are gone; if the store itself is
  // unreachable, the rank that hosts it is.
  [[noreturn]] void fail(const std::string& what, const std::string& cause) const {
    std::string lost;
    const auto before = heartbeats();
    if (!before.empty()) std::this_thread::sleep_for(6 * kHeartbeat);
    const auto after = before.empty() ? before : heartbeats();
    if (after.empty()) {
      lost = env.agent_store ? "the torchrun agent (it hosts the rendezvous store)" : "rank 0 (it hosts the rendezvous store)";
    } else {
      for (int r = 0; r < env.world_size; ++r)
        if (r != env.rank && (after[r] < 0 || after[r] == before[r])) lost += (lost.empty() ? "rank " : ", rank ") + std::to_string(r);
    }
    if (lost.empty()) lost = "a rank that is still alive but stopped answering (timeout " + std::to_string(timeout.count() / 1000) + " s)";
    throw Error("distributed training (rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) +
                "): lost " + lost + " during " + what + ": " + cause);
  }

  void run(const std::string& what, const c10::intrusive_ptr<c10d::Work>& work) const {
    try {
      work->wait(timeout);
    } catch (const c10::Error& e) {
      fail(what, e.what_without_backtrace());
    } catch (const std::exception& e) {
      fail(what, e.what());
    }
  }
};

ProcessGroup::ProcessGroup(const DistributedEnv& env, const std::string& device, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  auto& d = *impl_;
  d.env = env;
  d.timeout = timeout;
  d.device = device;
  const bool host = !env.agent_store && env.rank == 0;
  const std::string where = env.master_addr + ":" + std::to_string(env.master_port);
  try {
    d.store = d.connect(host);
    d.heartbeat_store = d.connect(false);
  } catch (const std::exception& e) {
    throw Error("distributed training: rank " + std::to_string(env.rank) + " cannot " +
                (host ? "host" : "reach") + " the rendezvous store at " + where +
                " (MASTER_ADDR, MASTER_PORT): " + e.what());
  }
  // Beating before the group forms, so a rank that fails to join is named too.
  d.heartbeat = std::thread([&d] { d.beat(); });
  const bool gpu = device.rfind("cuda", 0) == 0;
#ifdef NMT_USE_NCCL
  if (gpu) {
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    d.group = c10::make_intrusive<c10d::ProcessGroupNCCL>(d.store, env.rank, env.world_size, options);
    d.backend = "nccl";
  }
#else
  (void)gpu;
#endif
  if (!d.group) {
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // As torch.distributed: GLOO_SOCKET_IFNAME names the interface; on one
    // machine (a loopback store) loopback; else the address of the hostname.
    const std::string interface = env_string("GLOO_SOCKET_IFNAME", "");
    const bool loopback = env.master_addr == "localhost" || env.master_addr.rfind("127.", 0) == 0;
    options->devices.push_back(!interface.empty() ? c10d::ProcessGroupGloo::createDeviceForInterface(interface)
                               : loopback         ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                                  : c10d::ProcessGroupGloo::createDefaultDevice());
    try {
      d.group = c10::make_intrusive<c10d::ProcessGroupGloo>(d.store, env.rank, env.world_size, options);
    } catch (const std::exception& e) {
      d.fail("the connection of all ranks", e.what());
    }
    d.backend = "gloo";
  }
}

ProcessGroup::~ProcessGroup() = default;

int ProcessGroup::rank() const { return impl_->env.rank; }
int ProcessGroup::size() const { return impl_->env.world_size; }
std::string ProcessGroup::backend() const { return impl_->backend; }

// NCCL works on the GPU only: CPU tensors (sizes, flags, checkpoint bytes) go there and back.
template <class Collective>
void ProcessGroup::on_backend_device(torch::Tensor& tensor, Collective&& collective) {
  if (impl_->backend != "nccl" || !tensor.is_cpu()) return collective(tensor);
  auto on_device = tensor.to(torch::Device(impl_->device));
  collective(on_device);
  tensor.copy_(on_device);
}

void ProcessGroup::all_reduce_sum(torch::Tensor& tensor) {
  on_backend_device(tensor, [&](torch::Tensor& t) {
    std::vector<torch::Tensor> tensors{t};
    impl_->run("all-reduce", impl_->group->allreduce(tensors));
  });
}

std::function<void()> ProcessGroup::all_reduce_sum_async(const torch::Tensor& tensor) {
  std::vector<torch::Tensor> tensors{tensor};
  auto work = impl_->group->allreduce(tensors);
  return [impl = impl_.get(), work] { impl->run("all-reduce", work); };
}

void ProcessGroup::broadcast(torch::Tensor& tensor, int root) {
  on_backend_device(tensor, [&](torch::Tensor& t) {
    std::vector<torch::Tensor> tensors{t};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    impl_->run("broadcast", impl_->group->broadcast(tensors, options));
  });
}

void ProcessGroup::barrier() { impl_->run("barrier", impl_->group->barrier()); }

}  // namespace nmt
