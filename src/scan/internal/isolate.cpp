#include "scan/internal/isolate.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace figurant::scan::internal {
namespace {

// Wire format child → parent: one status byte (0 ok, else the StatusCode), then the payload (the
// result bytes, or the error message).
bool WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The child's reply to the parent: the status byte and payload of what `work` returned, or of
// the exception it threw.
std::string ChildReply(const std::function<Result<std::string>()>& work, const std::string& what) {
  std::string out;
  try {
    Result<std::string> r = work();
    if (r.ok()) {
      out.push_back('\0');
      out += *r;
    } else {
      out.push_back(static_cast<char>(r.status().code()));
      out += r.status().message();
    }
  } catch (const std::bad_alloc&) {
    out = std::string(1, static_cast<char>(StatusCode::kInvalidArgument)) + what +
          ": the file asks for more memory than a scan can need (malformed)";
  } catch (const std::exception& e) {
    out = std::string(1, static_cast<char>(StatusCode::kInvalidArgument)) + what +
          ": cannot read it (" + e.what() + ")";
  }
  return out;
}

// In the forked child: limits itself, runs `work` and writes the reply to `fd`. Never returns.
[[noreturn]] void RunChild(const std::function<Result<std::string>()>& work,
                           const std::string& what, const IsolationLimits& limits, int fd,
                           pid_t parent) {
  // The parent enforces the timeout; if the parent dies first (killed, or stopped by a
  // fuzzer's own timeout), nothing would stop a hanging import. So the child dies with its
  // parent, and its CPU time is capped at the timeout as a second guard.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);  // the parent died before prctl took effect
  const auto cpu_seconds = static_cast<rlim_t>(limits.timeout_seconds) + 1;
  rlimit cpu{cpu_seconds, cpu_seconds + 1};
  ::setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__) && !defined(FIGURANT_ASAN)
  // (AddressSanitizer reserves terabytes of shadow address space; the limit would break it.)
  rlimit as{limits.address_space_bytes, limits.address_space_bytes};
  ::setrlimit(RLIMIT_AS, &as);
#endif
  const std::string out = ChildReply(work, what);
  const bool ok = WriteAll(fd, out.data(), out.size());
  ::_exit(ok ? 0 : 1);
}

// What the parent read from the child until the pipe closed or the deadline passed.
struct ChildOutput {
  std::string data;
  bool timed_out = false;
  bool too_large = false;  // more than IsolationLimits::max_reply_bytes
};

ChildOutput ReadReply(int fd, const IsolationLimits& limits) {
  ChildOutput out;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(limits.timeout_seconds);
  char buf[1 << 16];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      out.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out.data.size() + static_cast<size_t>(n) > limits.max_reply_bytes) {
      out.too_large = true;
      out.data.clear();
      break;
    }
    out.data.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The result of the isolated work, from how the child ended (`wait_status`, from waitpid) and
// what it sent.
Result<std::string> Verdict(const ChildOutput& out, int wait_status, const std::string& what,
                            const IsolationLimits& limits) {
  if (out.timed_out || (WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGXCPU)) {
    return InvalidArgument(what + ": reading it took longer than " +
                           std::to_string(limits.timeout_seconds) + " s (malformed or too large)");
  }
  if (out.too_large) {
    return InvalidArgument(what + ": the mesh importer's result is over its limit of " +
                           std::to_string(limits.max_reply_bytes) +
                           " bytes (the file describes more geometry than a double or set can "
                           "hold)");
  }
  if (WIFSIGNALED(wait_status)) {
    return InvalidArgument(what + ": the mesh importer crashed reading it (signal " +
                           std::to_string(WTERMSIG(wait_status)) + "); the file is malformed");
  }
  if (out.data.empty()) return InvalidArgument(what + ": the mesh importer returned nothing");
  const auto code = static_cast<StatusCode>(static_cast<unsigned char>(out.data[0]));
  if (code == StatusCode::kOk) return out.data.substr(1);
  return Status(code, out.data.substr(1));
}

}  // namespace

Result<std::string> RunIsolated(const std::function<Result<std::string>()>& work,
                                const std::string& what, const IsolationLimits& limits) {
  int fds[2];
  if (::pipe(fds) != 0)
    return Unavailable("cannot create a pipe: " + std::string(std::strerror(errno)));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Unavailable("cannot fork an importer: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    RunChild(work, what, limits, fds[1], parent);
  }
  ::close(fds[1]);
  const ChildOutput out = ReadReply(fds[0], limits);
  ::close(fds[0]);
  if (out.timed_out || out.too_large) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return Verdict(out, status, what, limits);
}

}  // namespace figurant::scan::internal
