// Hostile input files through the real binary: numbers a double cannot hold, values of the wrong
// type, nesting without end, files that are not regular files (devices, FIFOs, directories) and
// files over their kind's size limit. Every one is refused quickly with exit code 2 and a message
// naming the file and the field or limit: never an abort, a hang or memory in proportion to the
// file. docs/inputs.md lists the limits.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Generous enough for a loaded machine; a read that never ends is killed well before the test's
// own ctest timeout.
constexpr int kQuickMs = 30'000;
// The binary may not use more than this, so a file read without bound fails the test instead of
// exhausting the machine. [Units: bytes]
constexpr uint64_t kAddressSpace = 4ull << 30;
// Refusing a file must not cost memory in proportion to it. [Units: KiB]
constexpr long kMaxRssKb = 256 * 1024;

RunResult RunQuick(const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {}) {
  return RunFigurantLimited(args, {kQuickMs, kAddressSpace}, env);
}

// A refusal as the contract says: exit 2, no signal, no hang, small, and every `needles` in the
// message.
void ExpectRefused(const RunResult& r, const std::vector<std::string>& needles,
                   const std::string& what) {
  EXPECT_FALSE(r.timed_out) << what << ": still running after " << kQuickMs << " ms";
  EXPECT_EQ(r.signal, 0) << what << ": killed by signal " << r.signal << "\n" << r.err;
  EXPECT_EQ(r.exit_code, 2) << what << "\n" << r.err;
  EXPECT_LT(r.max_rss_kb, kMaxRssKb) << what;
  for (const std::string& n : needles) {
    EXPECT_NE(r.err.find(n), std::string::npos) << what << ": no '" << n << "' in:\n" << r.err;
  }
}

// A scene that parses; `@` marks where a test puts its value.
constexpr char kScene[] = R"({"figurant_scene": 1, "production": "prd_x", "shot": "sh010",
  "camera": {"position": [0, @, -5], "look_at": [0, 1, 0]},
  "frames": {"start": 1001, "end": 1001},
  "agents": [{"double": "dbl_x", "position": [0, 0, 0]}]})";

// The scene with `at`'s first occurrence replaced by `value` (nothing replaced when `at` is empty).
std::string SceneWith(const std::string& at = "", const std::string& value = "") {
  std::string s = kScene;
  s.replace(s.find('@'), 1, "1");
  if (!at.empty()) s.replace(s.find(at), at.size(), value);
  return s;
}

class CliInputsTest : public ::testing::Test {
 protected:
  CliInputsTest() : dir_("cli-inputs") {}

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path p = dir_.path() / name;
    std::ofstream(p) << text;
    return p;
  }

  std::vector<std::string> Render(const fs::path& scene) const {
    return {"--bank", (dir_.path() / "bank").string(), "render", scene.string()};
  }

  TempDir dir_;
};

// 1e400 and its variants abort the process with an uncaught nlohmann::out_of_range today.
TEST_F(CliInputsTest, SceneNumberADoubleCannotHoldIsAFieldErrorNotAnAbort) {
  const std::string digits309 = "1" + std::string(309, '0');  // 1e308 * 10, written out
  const struct {
    std::string at, value, field;
  } kCases[] = {
      {"1, -5]", "1e400, -5]", "camera.position[1]"},
      {"1, -5]", "-1e400, -5]", "camera.position[1]"},
      {"1, -5]", digits309 + ", -5]", "camera.position[1]"},
      {"1, -5]", "-" + digits309 + ", -5]", "camera.position[1]"},
      {"1, -5]", "1e99999999999999999999, -5]", "camera.position[1]"},
      {"\"start\": 1001", "\"start\": 1e400", "frames.start"},
      {"\"start\": 1001", "\"start\": 99999999999999999999", "frames.start"},
      {"\"start\": 1001", "\"start\": 18446744073709551615", "frames.start"},
      {"\"start\": 1001", "\"start\": -9223372036854775809", "frames.start"},
  };
  for (const auto& c : kCases) {
    const fs::path scene = Write("scene.json", SceneWith(c.at, c.value));
    ExpectRefused(RunQuick(Render(scene)), {scene.string(), c.field}, c.value);
  }
}

// A group name that is a number aborts with an uncaught nlohmann::type_error today.
TEST_F(CliInputsTest, SceneValueOfTheWrongTypeIsAFieldErrorNotAnAbort) {
  const struct {
    std::string group, field;
  } kCases[] = {
      {R"({"kind": "area", "name": 5, "count": 3, "polygon": [[0, 0], [1, 0], [1, 1]]})",
       "crowds[0]"},
      {R"({"kind": ["area"], "name": "a", "count": 3, "polygon": [[0, 0], [1, 0], [1, 1]]})",
       "kind"},
      {R"({"kind": "area", "name": "a", "count": 3, "polygon": [[0, 0], [1, 0], [1, 1]],
           "heading": {"mode": 7}})",
       "heading.mode"},
  };
  for (const auto& c : kCases) {
    std::string text = SceneWith();
    text.insert(text.rfind('}'), R"(, "crowds": [)" + c.group + "]");
    const fs::path scene = Write("scene.json", text);
    ExpectRefused(RunQuick(Render(scene)), {scene.string(), c.field}, c.group);
  }
}

// Printing a value nested a million deep in an error message overflows the stack today (SIGSEGV).
TEST_F(CliInputsTest, SceneNestedWithoutEndIsRefusedNotACrash) {
  const int depth = 1'000'000;
  const fs::path scene =
      Write("scene.json",
            SceneWith("1, -5]", std::string(depth, '[') + std::string(depth, ']') + ", -5]"));
  ExpectRefused(RunQuick(Render(scene)), {scene.string(), "camera.position", "nested"}, "deep");
}

// A terms file with 1e400 aborts `licence draft` today, like a scene file.
TEST_F(CliInputsTest, TermsNumberADoubleCannotHoldIsAFieldErrorNotAnAbort) {
  const std::string bank = (dir_.path() / "bank").string();
  const std::map<std::string, std::string> env = {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}};
  ASSERT_EQ(RunFigurant({"--bank", bank, "init"}, env).exit_code, 0);
  auto id = [&](const std::vector<std::string>& args) {
    std::vector<std::string> a = {"--bank", bank, "--json"};
    a.insert(a.end(), args.begin(), args.end());
    return json::parse(RunFigurant(a, env).out).at("id").get<std::string>();
  };
  const std::string performer = id({"performer", "add", "--name", "A", "--language", "en"});
  const std::string key = (dir_.path() / "studio.ed25519").string();
  ASSERT_EQ(
      RunFigurant({"--bank", bank, "key", "new", "--out", key}, WithPartyPassphrase(env)).exit_code,
      0);
  const std::string studio =
      id({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"});
  for (const std::string& value :
       std::vector<std::string>{"1e400", "-1e400", "1" + std::string(309, '0')}) {
    const fs::path terms = Write("terms.json", R"({"productions": "any", "uses": ["background"],
      "media": ["streaming"], "territories": ["worldwide"], "valid_from": "2026-01-01",
      "valid_until": "2027-01-01", "max_screen_height_fraction": 0.2,
      "compensation": {"currency": "EUR", "scan_fee": )" +
                                                   value + R"(},
      "revocable": true, "revocation_notice_days": 30})");
    ExpectRefused(RunQuick({"--bank", bank, "licence", "draft", "--performer", performer,
                            "--studio", studio, "--terms", terms.string()},
                           env),
                  {terms.string(), "compensation.scan_fee"}, value);
  }
}

// Today /dev/zero is read until memory runs out, a FIFO blocks the open forever and a directory
// is an I/O failure (exit 1); a symlink to either does the same. Each command that reads a file a
// user names is tried.
TEST_F(CliInputsTest, InputThatIsNotARegularFileIsRefusedAtOnce) {
  const fs::path fifo = dir_.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path directory = dir_.path() / "a_directory";
  fs::create_directory(directory);
  // A name that looks like a scene or a scan is no better: symlinks are followed, then judged.
  const fs::path zero_link = dir_.path() / "zero.obj";
  fs::create_symlink("/dev/zero", zero_link);
  const fs::path fifo_link = dir_.path() / "fifo.json";
  fs::create_symlink(fifo, fifo_link);
  const std::string bank = (dir_.path() / "bank").string();
  for (const std::string& input :
       std::vector<std::string>{"/dev/zero", "/dev/urandom", fifo.string(), directory.string(),
                                zero_link.string(), fifo_link.string()}) {
    const std::vector<std::vector<std::string>> commands = {
        {"scan", "import", input, "--performer", "per_x"},
        {"scan", "import", "--makehuman", "--body", input, "--performer", "per_x"},
        {"render", input},
        {"licence", "draft", "--performer", "per_x", "--studio", "stu_x", "--terms", input},
        {"ledger", "verify", input, "--public-key", std::string(64, '0')},
        {"studio", "add", "--name", "S", "--public-key-file", input},
    };
    for (std::vector<std::string> args : commands) {
      args.insert(args.begin(), {"--bank", bank});
      ExpectRefused(RunQuick(args), {input, "not a regular file"}, args[2] + " " + input);
    }
  }
}

// A sparse file of 2 GiB (no disk blocks) is read whole into the parent today before Assimp sees
// it. It must be refused from its size alone, before a byte is read.
TEST_F(CliInputsTest, FileOverItsKindsLimitIsRefusedBeforeReading) {
  const std::string bank = (dir_.path() / "bank").string();
  const uint64_t size = 2ull << 30;
  const struct {
    std::string name;
    std::vector<std::string> args;
  } kCases[] = {
      {"huge.ply", {"scan", "import", "@", "--performer", "per_x"}},
      {"huge.json", {"render", "@"}},
      {"terms.json", {"licence", "draft", "--performer", "p", "--studio", "s", "--terms", "@"}},
      {"ledger.log", {"ledger", "verify", "@", "--public-key", std::string(64, '0')}},
  };
  for (const auto& c : kCases) {
    const fs::path file = dir_.path() / c.name;
    std::ofstream(file).put('{');
    fs::resize_file(file, size);
    std::vector<std::string> args = c.args;
    std::replace(args.begin(), args.end(), std::string("@"), file.string());
    args.insert(args.begin(), {"--bank", bank});
    ExpectRefused(RunQuick(args), {file.string(), std::to_string(size), "limit"}, c.name);
    fs::remove(file);
  }
}

// A scan whose side files are not regular files: an .mtl that is a FIFO blocked the importer until
// its timeout today, and /dev/zero as a texture was read until the importer ran out of memory.
// The import goes on without them, at once, saying why.
TEST_F(CliInputsTest, ScanSideFilesThatAreNotRegularFilesAreIgnoredWithAWarning) {
  const std::string bank = (dir_.path() / "bank").string();
  ASSERT_EQ(RunFigurant({"--bank", bank, "init"}).exit_code, 0);
  const RunResult added = RunFigurant(
      {"--bank", bank, "--json", "performer", "add", "--name", "A", "--language", "en"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string performer = json::parse(added.out).at("id").get<std::string>();
  ASSERT_EQ(::mkfifo((dir_.path() / "fifo.mtl").c_str(), 0600), 0);
  Write("zero.mtl", "newmtl skin\nKd 0.8 0.6 0.5\nmap_Kd /dev/zero\n");
  // A 1.75 m box person.
  std::string body = "usemtl skin\n";
  for (const double y : {0.0, 1.75}) {
    for (const double x : {-0.25, 0.25}) {
      for (const double z : {-0.15, 0.15}) {
        body += "v " + std::to_string(x) + " " + std::to_string(y) + " " + std::to_string(z) + "\n";
      }
    }
  }
  body += "f 1 3 4 2\nf 5 6 8 7\nf 1 2 6 5\nf 3 7 8 4\nf 1 5 7 3\nf 2 4 8 6\n";
  for (const std::string mtl : {"fifo.mtl", "zero.mtl"}) {
    const fs::path scan = Write("person.obj", "mtllib " + mtl + "\n" + body);
    const RunResult r =
        RunQuick({"--bank", bank, "scan", "import", scan.string(), "--performer", performer});
    EXPECT_FALSE(r.timed_out) << mtl;
    EXPECT_EQ(r.exit_code, 0) << mtl << "\n" << r.err;
    EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << mtl << "\n" << r.err;
    EXPECT_LT(r.max_rss_kb, kMaxRssKb) << mtl;
  }
}

}  // namespace
}  // namespace figurant::testing
