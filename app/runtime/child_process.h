#pragma once
// Work done in a forked child process, so that the memory it allocates goes
// back to the kernel when it ends, whatever the allocator would have kept.
#include <functional>

namespace nmt {

// Runs `work` in a child process and waits for it: true when it returned
// normally. False, without running it, when this process has threads besides
// the caller (a fork copies only the calling thread, and a lock another thread
// held would stay locked in the child), or when fork fails; false also when
// the work threw or the child died. The child's errors are not reported: the
// caller is expected to do the work again in-process on false, where the error
// then arises with its full message.
bool run_in_child_process(const std::function<void()>& work);

}  // namespace nmt
