// The bank's keys through the real binary: create-once key files under concurrent processes, keys
// outside the bank directory, private modes checked when read, keys sealed with a passphrase.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "bank/bank.h"
#include "cli_harness.h"
#include "core/clock.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kMakeHuman = FIGURANT_MAKEHUMAN_DIR;

class CliKeysTest : public ::testing::Test {
 protected:
  CliKeysTest() : dir_("cli-keys") {}
  void SetUp() override {
    bank_ = dir_.path() / "bank";
    ASSERT_EQ(Run({"init"}).exit_code, 0);
  }
  RunResult Run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"--bank", bank_.string()});
    return RunFigurant(args, env);
  }
  std::string Id(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false).value("id", "");
  }

  TempDir dir_;
  fs::path bank_;
};

// The attack: several first imports for one new performer at once. Each found no data key, made
// one and renamed it into place, last writer wins: the scans encrypted under the losers' keys
// could never be decrypted again. The delay seam holds every import between finding the key
// missing and creating it, so that they all race for the same file. (Since erasure seals names
// under the data key, `performer add` creates it, so these imports now find it made; the race for
// a key file is exercised by ErasureRotatingTheMasterKeyWhileOthersAreAddedLosesNoKey and by
// store_test and file_test.)
TEST_F(CliKeysTest, ConcurrentFirstImportsOfOnePerformerAllDecrypt) {
  constexpr int kRounds = 4;
  constexpr int kImports = 3;
  const std::map<std::string, std::string> slow = {{"FIGURANT_TEST_DATA_KEY_DELAY_MS", "300"}};
  std::vector<std::string> performers;
  for (int round = 0; round < kRounds; ++round) {
    const std::string performer = Id({"performer", "add", "--name", "P" + std::to_string(round)});
    performers.push_back(performer);
    std::vector<RunResult> results(kImports);
    std::vector<std::thread> imports;
    imports.reserve(kImports);
    for (int i = 0; i < kImports; ++i) {
      imports.emplace_back([&, i] {
        results[i] =
            Run({"scan", "import", "--performer", performer, "--makehuman", kMakeHuman}, slow);
      });
    }
    for (std::thread& t : imports) t.join();
    for (const RunResult& r : results) ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  FixedClock clock(0);
  auto bank = bank::Bank::Open(bank_, clock);
  ASSERT_TRUE(bank.ok()) << bank.status().ToString();
  for (const std::string& performer : performers) {
    const auto doubles = (*bank)->registry().ListDoubles(performer);
    ASSERT_TRUE(doubles.ok());
    ASSERT_EQ(doubles->size(), static_cast<size_t>(kImports));
    for (const auto& d : *doubles) {
      const auto asset = (*bank)->LoadDouble(d.id);
      EXPECT_TRUE(asset.ok()) << performer << " " << d.id << ": " << asset.status().ToString();
    }
  }
}

// The race erasure brings: `performer erase` rotates the master key (re-wrapping every data key)
// while other processes, opened on the old master, create new performers' data keys. A key
// wrapped under the master being retired could never be unwrapped again, and that performer's
// name and scans would be lost. The delay seam holds each `performer add` between opening the
// key ring and creating its key, so that the rotation lands in between.
TEST_F(CliKeysTest, ErasureRotatingTheMasterKeyWhileOthersAreAddedLosesNoKey) {
  constexpr int kRounds = 3;
  constexpr int kAdds = 3;
  const std::map<std::string, std::string> slow = {{"FIGURANT_TEST_DATA_KEY_DELAY_MS", "400"}};
  std::map<std::string, std::string> added;  // id -> name
  for (int round = 0; round < kRounds; ++round) {
    const std::string doomed = Id({"performer", "add", "--name", "Doomed"});
    std::vector<RunResult> results(kAdds + 1);
    std::vector<std::thread> runs;
    runs.reserve(kAdds + 1);
    for (int i = 0; i < kAdds; ++i) {
      runs.emplace_back([&, i] {
        const std::string name = "Kept " + std::to_string(round) + "-" + std::to_string(i);
        results[i] = Run({"--json", "performer", "add", "--name", name}, slow);
      });
    }
    runs.emplace_back([&] { results[kAdds] = Run({"performer", "erase", doomed}, slow); });
    for (std::thread& t : runs) t.join();
    for (int i = 0; i < kAdds; ++i) {
      ASSERT_EQ(results[i].exit_code, 0) << results[i].err;
      const std::string id = json::parse(results[i].out, nullptr, false).value("id", "");
      added[id] = "Kept " + std::to_string(round) + "-" + std::to_string(i);
    }
    ASSERT_EQ(results[kAdds].exit_code, 0) << results[kAdds].err;
  }
  // Every performer added during a rotation is whole: their sealed name opens under the current
  // master key, and a scan imported now encrypts and decrypts.
  for (const auto& [id, name] : added) {
    const RunResult shown = Run({"--json", "performer", "show", id});
    ASSERT_EQ(shown.exit_code, 0) << id << ": " << shown.err;
    EXPECT_EQ(json::parse(shown.out, nullptr, false)["performer"].value("name", ""), name) << id;
  }
  const std::string first = added.begin()->first;
  const std::string double_id =
      Id({"scan", "import", "--performer", first, "--makehuman", kMakeHuman});
  FixedClock clock(0);
  auto bank = bank::Bank::Open(bank_, clock);
  ASSERT_TRUE(bank.ok()) << bank.status().ToString();
  EXPECT_TRUE((*bank)->LoadDouble(double_id).ok());
}

// Permission bits of `path` (0600 etc.).
unsigned ModeOf(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0xFFFF;
}

// The attack: whoever copies or reads the bank directory (a backup, a world-readable registry)
// got its signing key, its master key and every performer's name. Now the keys live beside the
// bank, the registry and its WAL and SHM files are 0600, and key files 0600 in 0700 directories.
TEST_F(CliKeysTest, CopyingTheBankDirectoryCopiesNoKeyAndTheRegistryIsPrivate) {
  const fs::path keys = dir_.path() / "bank.keys";
  EXPECT_FALSE(fs::exists(bank_ / "keys"));
  for (const auto& e : fs::recursive_directory_iterator(bank_)) {
    EXPECT_EQ(e.path().extension() == ".ed25519" || e.path().extension() == ".key", false)
        << e.path();
  }
  EXPECT_EQ(ModeOf(keys), 0700u);
  EXPECT_EQ(ModeOf(keys / "bank.ed25519"), 0600u);
  EXPECT_EQ(ModeOf(keys / "master.key"), 0600u);
  EXPECT_EQ(ModeOf(bank_ / "figurant.db"), 0600u);
  // A write killed mid-transaction leaves the WAL and the shared-memory file on disk.
  RunAndKill({"--bank", bank_.string(), "performer", "add", "--name", "Amina Diallo"},
             {{"FIGURANT_TEST_WRITE_DELAY_MS", "3000"}}, 1500000);
  ASSERT_TRUE(fs::exists(bank_ / "figurant.db-wal"));
  EXPECT_EQ(ModeOf(bank_ / "figurant.db-wal"), 0600u);
  EXPECT_EQ(ModeOf(bank_ / "figurant.db-shm"), 0600u);
}

// The attack, variants: a key file, the keys directory or the registry made readable by group or
// others is used anyway. Each is refused when read, naming the chmod that fixes it, as ssh does.
TEST_F(CliKeysTest, KeysOrRegistryReadableByOthersAreRefused) {
  const fs::path keys = dir_.path() / "bank.keys";
  const std::string performer = Id({"performer", "add", "--name", "P"});
  for (const auto& [path, mode] :
       std::vector<std::pair<fs::path, unsigned>>{{keys / "master.key", 0640},
                                                  {keys / "bank.ed25519", 0604},
                                                  {keys, 0755},
                                                  {keys / "data", 0710},
                                                  {bank_ / "figurant.db", 0644}}) {
    const unsigned before = ModeOf(path);
    ASSERT_EQ(::chmod(path.c_str(), mode), 0);
    const RunResult r = Run({"ledger", "verify"});
    const RunResult sign = Run({"performer", "list"});
    EXPECT_TRUE(r.exit_code != 0 || sign.exit_code != 0) << path;
    const std::string err = r.err + sign.err;
    EXPECT_NE(err.find(path.string()), std::string::npos) << err;
    EXPECT_NE(err.find("chmod"), std::string::npos) << err;
    ASSERT_EQ(::chmod(path.c_str(), before), 0);
  }
  // The bank holds no performer's private key to leave readable: performers enrol their own.
  EXPECT_FALSE(fs::exists(keys / "performers" / (performer + ".ed25519")));
}

// A bank made when keys lived in BANK/keys is refused with the one command that moves them, never
// used silently; the command moves them and the bank works as before.
TEST_F(CliKeysTest, KeysInsideAnOlderBankAreRefusedUntilMoved) {
  const std::string performer = Id({"performer", "add", "--name", "P"});
  fs::rename(dir_.path() / "bank.keys", bank_ / "keys");
  const RunResult refused = Run({"performer", "list"});
  EXPECT_EQ(refused.exit_code, 1);
  const std::string command = "figurant --bank " + bank_.string() + " keys move";
  EXPECT_NE(refused.err.find(command), std::string::npos) << refused.err;
  EXPECT_EQ(Run({"init"}).exit_code, 1);
  const RunResult moved = Run({"keys", "move"});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_FALSE(fs::exists(bank_ / "keys"));
  EXPECT_TRUE(fs::exists(dir_.path() / "bank.keys" / "master.key"));
  const RunResult listed = Run({"performer", "list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(performer), std::string::npos);
  EXPECT_EQ(Run({"keys", "move"}).exit_code, 2);  // nothing left to move
}

// --keys and FIGURANT_KEYS name the keys directory; inside the bank it is refused; a bank whose
// keys are not where it is told to look fails rather than making new keys.
TEST_F(CliKeysTest, KeysDirectoryIsConfigurableAndNeverInsideTheBank) {
  const fs::path bank = dir_.path() / "b2";
  const fs::path keys = dir_.path() / "vault" / "b2";
  const RunResult init = RunFigurant({"--bank", bank.string(), "--keys", keys.string(), "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(fs::exists(keys / "bank.ed25519"));
  EXPECT_FALSE(fs::exists(dir_.path() / "b2.keys"));
  const RunResult lost = RunFigurant({"--bank", bank.string(), "performer", "list"});
  EXPECT_EQ(lost.exit_code, 1);
  EXPECT_NE(lost.err.find("--keys"), std::string::npos) << lost.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "b2.keys"));
  EXPECT_EQ(RunFigurant({"--bank", bank.string(), "performer", "list"},
                        {{"FIGURANT_KEYS", keys.string()}})
                .exit_code,
            0);
  for (const fs::path& inside : {bank / "k", bank / "store" / ".." / "k2", bank}) {
    const RunResult r =
        RunFigurant({"--bank", bank.string(), "--keys", inside.string(), "performer", "list"});
    EXPECT_EQ(r.exit_code, 2) << inside;
    EXPECT_NE(r.err.find("inside the bank directory"), std::string::npos) << r.err;
  }
}

// With FIGURANT_KEY_PASSPHRASE (or a private FIGURANT_KEY_PASSPHRASE_FILE) the bank's signing key
// and master key are sealed: a copy of the keys directory alone opens nothing.
TEST_F(CliKeysTest, KeysSealedWithAPassphraseOpenOnlyWithIt) {
  const fs::path bank = dir_.path() / "sealed";
  const fs::path keys = dir_.path() / "sealed.keys";
  const std::map<std::string, std::string> pass = {{"FIGURANT_KEY_PASSPHRASE", "correct horse"}};
  ASSERT_EQ(RunFigurant({"--bank", bank.string(), "init"}, pass).exit_code, 0);
  for (const char* f : {"bank.ed25519", "master.key"}) {
    const auto text = ReadFile(keys / f);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text->rfind("figurant-sealed-v1\n", 0), 0u) << f;
  }
  const std::vector<std::string> head = {"--bank", bank.string(), "ledger", "head"};
  const RunResult ok = RunFigurant(head, pass);
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  const RunResult none = RunFigurant(head);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("FIGURANT_KEY_PASSPHRASE"), std::string::npos) << none.err;
  const RunResult wrong = RunFigurant(head, {{"FIGURANT_KEY_PASSPHRASE", "wrong horse"}});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("does not open with the key passphrase"), std::string::npos)
      << wrong.err;
  const fs::path file = dir_.path() / "passphrase";
  std::ofstream(file) << "correct horse\n";
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  const std::map<std::string, std::string> from_file = {
      {"FIGURANT_KEY_PASSPHRASE_FILE", file.string()}};
  const RunResult readable = RunFigurant(head, from_file);
  EXPECT_NE(readable.exit_code, 0);
  EXPECT_NE(readable.err.find("chmod"), std::string::npos) << readable.err;
  ASSERT_EQ(::chmod(file.c_str(), 0600), 0);
  const RunResult private_file = RunFigurant(head, from_file);
  EXPECT_EQ(private_file.exit_code, 0) << private_file.err;
}

// A bank made without a passphrase has its keys sealed afterwards by `keys seal`.
TEST_F(CliKeysTest, KeysSealSealsTheKeysOfAnExistingBank) {
  const std::string performer = Id({"performer", "add", "--name", "P"});
  const std::map<std::string, std::string> pass = {{"FIGURANT_KEY_PASSPHRASE", "correct horse"}};
  EXPECT_EQ(Run({"keys", "seal"}).exit_code, 2);  // no passphrase given
  const RunResult sealed = Run({"--json", "keys", "seal"}, pass);
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  EXPECT_EQ(json::parse(sealed.out, nullptr, false)["sealed"].size(), 2u);
  const fs::path keys = dir_.path() / "bank.keys";
  for (const char* f : {"bank.ed25519", "master.key"}) {
    EXPECT_EQ(ReadFile(keys / f)->rfind("figurant-sealed-v1\n", 0), 0u) << f;
    EXPECT_EQ(ModeOf(keys / f), 0600u) << f;
  }
  EXPECT_EQ(Run({"performer", "list"}).exit_code, 1);
  const RunResult listed = Run({"performer", "list"}, pass);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(performer), std::string::npos);
  EXPECT_EQ(Run({"ledger", "head"}, pass).exit_code, 0);
  const RunResult again = Run({"--json", "keys", "seal"}, pass);
  EXPECT_EQ(json::parse(again.out, nullptr, false)["sealed"].size(), 0u);
}

}  // namespace
}  // namespace figurant::testing
