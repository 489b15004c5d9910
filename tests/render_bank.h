// A small bank for end-to-end render tests through the real binary: one studio, one production
// and, per performer, one MakeHuman double licensed for background use in that production up to a
// given size on screen. Also what those tests assert about the bank afterwards: its files, byte for
// byte, and the usage events its ledger holds; the plates on disk; and a witness outside the bank.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {

// One usage event as the ledger holds it (docs/ledger.md): what the crash tests compare with the
// plates on disk.
struct MeteredFrame {
  std::string render, shot;
  int frame = 0;
  std::string double_id;
  double height_fraction = 0;
};

class RenderBank {
 public:
  // Creates dir/bank with a studio and a production (streaming, FR). FIGURANT_NOW is pinned.
  explicit RenderBank(const std::filesystem::path& dir);

  // Adds a performer and their MakeHuman double, signs a background licence for the production
  // allowing `max_screen_fraction` of frame height on screen, paid 2 EUR per screen-second.
  // Returns the double's id.
  std::string AddDouble(const std::string& name, double max_screen_fraction);
  // The performer a double of AddDouble belongs to ("" for another).
  std::string PerformerOf(const std::string& double_id) const;
  // The arguments (after --bank) of `scan import` of another MakeHuman double for `performer`,
  // its body file named after `name`.
  std::vector<std::string> ScanImportArgs(const std::string& performer,
                                          const std::string& name) const;

  // figurant --bank BANK ARGS, with the pinned clock and `env`.
  RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) const;
  // Run, SIGKILLed after `kill_after_us` microseconds if still running (RunAndKill).
  RunResult RunAndKill(std::vector<std::string> args, std::map<std::string, std::string> env,
                       int kill_after_us) const;
  // Run with --json (and `env`); expects `expected` as exit code and returns the JSON printed.
  nlohmann::json Json(std::vector<std::string> args, int expected = 0,
                      std::map<std::string, std::string> env = {}) const;

  // A scene of `frames` frames from 1001 at 24 fps, 160×90, one sample per pixel: `agents` seen
  // from 9 m away (override "camera" to change it).
  nlohmann::json Scene(const std::string& shot, const std::string& output,
                       const nlohmann::json& agents, int frames = 1) const;
  static nlohmann::json Agent(const std::string& double_id, const std::string& name, double x = 0);

  // Every file and directory of the bank (the registry, keys, ledger, store), relative path →
  // bytes ("dir/" → "" for a directory); lock files and SQLite's -wal/-shm files left out.
  std::map<std::string, std::string> Snapshot() const;

  // Every usage event of the ledger (read from `ledger export`, verified with the bank's key).
  std::vector<MeteredFrame> Usage() const;

  const std::string& bank() const { return bank_; }
  const std::string& production() const { return production_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::string bank_, studio_, production_;
  // The performers' own devices: their keys, never the bank's (cli_device.h).
  std::unique_ptr<CliDevice> device_;
  std::map<std::string, std::string> performer_of_;  // double id → performer id
};

// An auditor outside the bank (docs/ledger.md): its own witness key and witness log in `dir`,
// running figurant without a bank, with only the bank's exports and public key.
class Witness {
 public:
  // Creates the witness key (`witness new-key`).
  explicit Witness(const std::filesystem::path& dir);

  // `ledger witness`: checks `ledger_file` extends every head witnessed so far, countersigns its
  // head into the witness log.
  RunResult Countersign(const std::filesystem::path& ledger_file,
                        const std::string& bank_public_key) const;
  // `ledger verify --witness LOG --witness-key HEX`: exit code 0 when `ledger_file` verifies and
  // extends every head witnessed.
  RunResult Verify(const std::filesystem::path& ledger_file,
                   const std::string& bank_public_key) const;

  std::filesystem::path key_file() const { return dir_ / "union.witness-key"; }
  std::filesystem::path log() const { return dir_ / "union.witness"; }
  const std::string& public_key() const { return public_key_; }

 private:
  std::filesystem::path dir_;
  std::string public_key_;
};

// Every file of the plate directory `out` named like a plate of `shot` ("<shot>.<frame>.exr",
// ".png", ".coverage.json") must have a usage event for its frame in `usage`. Counts them into
// `plates`; returns the first violation, or "".
std::string UnmeteredPlates(const std::filesystem::path& out, const std::string& shot,
                            const std::vector<MeteredFrame>& usage, int* plates);
// How many files of `out` are named like a killed render's temporaries (`.figurant-tmp.*`,
// `*.tmp-*`).
int TempFiles(const std::filesystem::path& out);
// The first temporary file of `out` whose name ends like a plate's (".exr", ".png", ".json"),
// or "" when there is none.
std::string TempFileNamedLikeAPlate(const std::filesystem::path& out);

}  // namespace figurant::testing
