// Runs the real figurant binary as scripts do: arguments, environment, stdout, stderr, exit code.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace figurant::testing {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;      // the signal that killed it, else 0
  std::string out;
  std::string err;
  bool timed_out = false;  // RunFigurantLimited: killed because it outlived its time limit
  long max_rss_kb = 0;     // peak resident memory of it (and its children) [Units: KiB]
};

// Bounds for RunFigurantLimited, so a test of a hang or a runaway allocation fails instead of
// hanging the suite or exhausting the machine.
struct RunLimits {
  int timeout_ms = 60'000;           // SIGKILL after this long [Units: ms] [Limits: > 0]
  uint64_t address_space_bytes = 0;  // RLIMIT_AS of the binary; 0 leaves it unlimited
};

// The shipped binary, and its test build that honours FIGURANT_NOW (apps/figurant/CMakeLists.txt).
std::filesystem::path FigurantBinary();
std::filesystem::path TestClockBinary();

// Runs figurant with `args` and extra environment variables; waits for it. When `env` sets
// FIGURANT_NOW, the test build runs (the shipped binary refuses clock overrides).
RunResult RunFigurant(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {});
// Runs the shipped binary, whatever `env` sets.
RunResult RunShippedFigurant(const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env = {});

// Runs figurant within `limits`: killed (timed_out) when it runs longer, refused memory beyond
// the address-space limit.
RunResult RunFigurantLimited(const std::vector<std::string>& args, const RunLimits& limits,
                             const std::map<std::string, std::string>& env = {});

// Starts figurant (as RunFigurant chooses it), sleeps `kill_after_us` microseconds, then SIGKILLs
// it (if still running).
RunResult RunAndKill(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env, int kill_after_us);

// A fresh empty directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The passphrase tests seal and open party key files with (`key new`, `--studio-key`, `key sign`),
// and `env` with FIGURANT_KEY_PASSPHRASE set to it, as the party's own shell would give it. Give
// it only to those calls: a bank command run with it would seal the bank's own keys too.
inline constexpr char kPartyPassphrase[] = "party passphrase for tests";
std::map<std::string, std::string> WithPartyPassphrase(std::map<std::string, std::string> env = {});

// RunFigurant with `input` as its standard input and no controlling terminal (a new session), as
// a script piping an answer would run it: whatever it would ask on /dev/tty it cannot.
RunResult RunFigurantWithInput(const std::vector<std::string>& args, const std::string& input,
                               const std::map<std::string, std::string>& env = {});

}  // namespace figurant::testing
