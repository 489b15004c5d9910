// tests/data/bank-v3 (README there): a bank main's figurant really wrote before performers held
// their own keys and before disclosures had versions. Tests copy it and open the copy, never the
// original. Needs FIGURANT_BANK_V3_DIR, the fixture's directory (tests/CMakeLists.txt).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {

// The ids tests/data/bank-v3/ids.txt lists: studio, production, performer, in-force licence,
// revoked licence. Empty strings when the file is missing.
struct V3Ids {
  std::string studio, production, performer, in_force, revoked;
};

inline V3Ids ReadV3Ids() {
  V3Ids ids;
  std::ifstream(std::filesystem::path(FIGURANT_BANK_V3_DIR) / "ids.txt") >> ids.studio >>
      ids.production >> ids.performer >> ids.in_force >> ids.revoked;
  return ids;
}

// Copies `from` to `to` with the modes git does not keep: directories 0700, files 0600.
inline void CopyPrivate(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  fs::copy(from, to, fs::copy_options::recursive);
  ::chmod(to.c_str(), 0700);
  for (const auto& e : fs::recursive_directory_iterator(to)) {
    ::chmod(e.path().c_str(), e.is_directory() ? 0700 : 0600);
  }
}

// Copies the fixture's bank to DIR/bank and its keys to DIR/bank.keys (with the empty store
// directory git does not keep); returns DIR/bank.
inline std::filesystem::path CopyBankV3(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  const fs::path data = FIGURANT_BANK_V3_DIR;
  const fs::path bank = dir / "bank";
  CopyPrivate(data / "bank", bank);
  CopyPrivate(data / "bank.keys", dir / "bank.keys");
  fs::create_directories(bank / "store");
  ::chmod((bank / "store").c_str(), 0700);
  return bank;
}

// The bank's clock in these tests: a day after the bank was made.
inline constexpr char kBankV3Now[] = "2026-12-08T12:00:00Z";

// A test on its own copy of the fixture (`bank_`, ids `ids_`), with a device for its signers
// (`device_`, keys made and enrolled on first use). `tag` names the temporary directory.
class BankV3Test : public ::testing::Test {
 protected:
  explicit BankV3Test(const std::string& tag)
      : dir_(tag),
        device_(dir_.path() / "device",
                [this](const std::vector<std::string>& a) { return Run(a); },
                {{"FIGURANT_NOW", kBankV3Now}}) {}

  void SetUp() override {
    ids_ = ReadV3Ids();
    ASSERT_FALSE(ids_.revoked.empty()) << "tests/data/bank-v3/ids.txt";
    bank_ = CopyBankV3(dir_.path());
  }

  // figurant on the copy, at kBankV3Now.
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_.string()});
    return RunFigurant(args, {{"FIGURANT_NOW", kBankV3Now}});
  }
  // Run with --json, expecting exit code `expected`; its output parsed (discarded on error).
  nlohmann::json Json(std::vector<std::string> args, int expected = 0) {
    args.insert(args.begin(), "--json");
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  TempDir dir_;
  CliDevice device_;
  std::filesystem::path bank_;
  V3Ids ids_;
};

}  // namespace figurant::testing
