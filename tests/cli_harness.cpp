#include "cli_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <random>
#include <thread>

namespace figurant::testing {
namespace fs = std::filesystem;

namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[8192];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// How a run is bounded: SIGKILLed after `kill_after_us` (unless it ended first; -1 never), and
// its address space limited to `address_space_bytes` (0: unlimited).
struct RunBounds {
  int64_t kill_after_us = -1;
  uint64_t address_space_bytes = 0;
  int stdin_fd = -1;  // when >= 0: the child's standard input, in a session of its own (no tty)
};

// Kills `pid` when `bounds.kill_after_us` passes before Finished() is called; Finished() waits
// for the timer to stand down, so the pid is never signalled once it may have been reaped.
class Killer {
 public:
  Killer(pid_t pid, int64_t kill_after_us) {
    if (kill_after_us < 0) return;
    thread_ = std::thread([this, pid, kill_after_us] {
      std::unique_lock lock(mutex_);
      if (!done_cv_.wait_for(lock, std::chrono::microseconds(kill_after_us),
                             [this] { return done_; })) {
        fired_ = true;
        ::kill(pid, SIGKILL);
      }
    });
  }
  ~Killer() { Finished(); }
  Killer(const Killer&) = delete;
  Killer& operator=(const Killer&) = delete;

  // Call once the child has exited (and before it is reaped); returns whether the timer fired.
  bool Finished() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    done_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return fired_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;
  bool fired_ = false;
  std::thread thread_;
};

// The binary RunFigurant runs for `env`: the test build when it pins the clock or sets a test
// seam (FIGURANT_TEST_*), which only the test build reads.
fs::path BinaryFor(const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) {
    if (!value.empty() && (name == "FIGURANT_NOW" || name.starts_with("FIGURANT_TEST_"))) {
      return TestClockBinary();
    }
  }
  return FigurantBinary();
}

RunResult Run(const fs::path& binary, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const RunBounds& bounds) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) return {};
  const std::string bin = binary.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    if (bounds.stdin_fd >= 0) {
      ::dup2(bounds.stdin_fd, 0);
      ::setsid();
    }
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    if (bounds.address_space_bytes > 0) {
      const rlimit as{bounds.address_space_bytes, bounds.address_space_bytes};
      ::setrlimit(RLIMIT_AS, &as);
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  Killer killer(pid, bounds.kill_after_us);
  RunResult r;
  std::thread err_reader([&] { r.err = ReadAll(err_pipe[0]); });
  r.out = ReadAll(out_pipe[0]);
  err_reader.join();
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  r.timed_out = killer.Finished();
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  r.max_rss_kb = usage.ru_maxrss;
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace

fs::path FigurantBinary() {
  return fs::path(FIGURANT_BINARY_DIR) / "apps" / "figurant" / "figurant";
}

fs::path TestClockBinary() {
  return fs::path(FIGURANT_BINARY_DIR) / "apps" / "figurant" / "figurant_testclock";
}

RunResult RunFigurant(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env) {
  return Run(BinaryFor(env), args, env, {});
}

RunResult RunShippedFigurant(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  return Run(FigurantBinary(), args, env, {});
}

RunResult RunFigurantLimited(const std::vector<std::string>& args, const RunLimits& limits,
                             const std::map<std::string, std::string>& env) {
  return Run(BinaryFor(env), args, env,
             {int64_t{limits.timeout_ms} * 1000, limits.address_space_bytes});
}

RunResult RunAndKill(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, int kill_after_us) {
  return Run(BinaryFor(env), args, env, {kill_after_us, 0});
}

TempDir::TempDir(const std::string& tag) {
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("figurant-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::map<std::string, std::string> WithPartyPassphrase(std::map<std::string, std::string> env) {
  env["FIGURANT_KEY_PASSPHRASE"] = kPartyPassphrase;
  return env;
}

RunResult RunFigurantWithInput(const std::vector<std::string>& args, const std::string& input,
                               const std::map<std::string, std::string>& env) {
  // An in-memory file rather than a pipe: the input is all there before the child starts, and
  // a child that exits without reading it cannot leave the writer blocked or signalled.
  const int fd = ::memfd_create("figurant-stdin", MFD_CLOEXEC);
  if (fd < 0) return {};
  if (::write(fd, input.data(), input.size()) != static_cast<ssize_t>(input.size()) ||
      ::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return {};
  }
  RunBounds bounds;
  bounds.stdin_fd = fd;
  RunResult r = Run(BinaryFor(env), args, env, bounds);
  ::close(fd);
  return r;
}

}  // namespace figurant::testing
