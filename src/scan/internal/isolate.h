// Runs untrusted-input parsing in a child process. Debian's Assimp has memory-safety bugs on
// malformed files (the fuzzer found a SEGV in its binary PLY reader); a crash, a hang or a runaway
// allocation in the child becomes an error for the caller instead of taking the process down.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace figurant::scan::internal {

struct IsolationLimits {
  int timeout_seconds = 120;  // wall-clock limit for the child [Units: s] [Limits: > 0]
  size_t address_space_bytes = 8ull << 30;  // RLIMIT_AS of the child [Units: bytes]
  // Most the parent reads of the child's reply: what it buffers, whatever the file asked the child
  // to build. An 8-million-triangle double is about 600 MB. [Units: bytes]
  size_t max_reply_bytes = 1ull << 30;
};

// Forks; the child runs `work` and sends its bytes back through a pipe. Returns those bytes, or
// the child's Status, or InvalidArgument naming `what` when the child crashed, ran out of memory
// or time, or replied more than max_reply_bytes (the parent stops reading there). The child never
// outlives the calling thread (it is killed when its parent dies) and never uses more than
// timeout_seconds + 1 s of CPU. Not to be called while other threads hold locks the child needs
// (call it from the thread that owns the import).
Result<std::string> RunIsolated(const std::function<Result<std::string>()>& work,
                                const std::string& what, const IsolationLimits& limits = {});

}  // namespace figurant::scan::internal
