#include "cli_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
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

// The binary RunFigurant runs for `env`: the test build when it pins the clock.
fs::path BinaryFor(const std::map<std::string, std::string>& env) {
  const auto now = env.find("FIGURANT_NOW");
  return now != env.end() && !now->second.empty() ? TestClockBinary() : FigurantBinary();
}

RunResult Run(const fs::path& binary, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, int kill_after_us) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) return {};
  const std::string bin = binary.string();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(bin.c_str()));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  std::thread killer;
  if (kill_after_us >= 0) {
    killer = std::thread([pid, kill_after_us] {
      ::usleep(static_cast<useconds_t>(kill_after_us));
      ::kill(pid, SIGKILL);
    });
  }
  RunResult r;
  std::thread err_reader([&] { r.err = ReadAll(err_pipe[0]); });
  r.out = ReadAll(out_pipe[0]);
  err_reader.join();
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (killer.joinable()) killer.join();
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
  return Run(BinaryFor(env), args, env, -1);
}

RunResult RunShippedFigurant(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env) {
  return Run(FigurantBinary(), args, env, -1);
}

RunResult RunAndKill(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, int kill_after_us) {
  return Run(BinaryFor(env), args, env, kill_after_us);
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

}  // namespace figurant::testing
