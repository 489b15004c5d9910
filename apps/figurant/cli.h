// Shared plumbing for the figurant CLI: the global options, output in text or JSON, and the one
// mapping from Status to exit code. Each command family lives in its own cmd_*.cpp file and
// registers itself with Register*Commands(); commands hold no domain logic, only calls into the
// libraries under src/.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/json_forms.h"
#include "bank/bank.h"
#include "core/clock.h"
#include "core/status.h"

namespace figurant::cli {

// Exit codes, as scripts and the web API rely on them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;   // anything else
inline constexpr int kExitBadInput = 2;  // malformed input, unknown id, bad file
inline constexpr int kExitDenied = 3;    // a licence check said no

int ExitCodeFor(const Status& status);

// Libraries name the field of their own input; the user typed a flag. When `status` is
// InvalidArgument, returns it with `flag` as context ("--effective: revocation date ..."); any
// other status unchanged.
Status WithFlag(const Status& status, std::string_view flag);

// Pauses that let crash and race tests land a SIGKILL or a second process inside a window. Set only
// by the test build, figurant_testclock, from FIGURANT_TEST_WRITE_DELAY_MS (each registry write),
// FIGURANT_TEST_DATA_KEY_DELAY_MS (before a new data key is created) and
// FIGURANT_TEST_PLATE_DELAY_MS (around each frame's metering); the shipped binary never reads
// them. [Units: ms] [Limits: 0..10000]
struct TestSeams {
  int write_delay_ms = 0;
  int data_key_delay_ms = 0;
  int plate_delay_ms = 0;
};

struct Context {
  std::string bank_option;       // --bank, else $FIGURANT_BANK, else ./figurant-bank
  std::string keys_option;       // --keys, else $FIGURANT_KEYS, else BANK.keys (docs/keys.md)
  bool json = false;             // --json: exactly one JSON object on stdout
  std::unique_ptr<Clock> clock;  // system time (FIGURANT_NOW in figurant_testclock only)
  int exit_code = kExitOk;
  TestSeams test_seams;  // all zero in the shipped binary

  std::filesystem::path BankDir() const;
  // The keys directory as given (--keys, else $FIGURANT_KEYS); empty: the bank's default.
  std::filesystem::path KeysOption() const;

  // The options every command opens or creates the bank with: the keys directory, and the key
  // passphrase from $FIGURANT_KEY_PASSPHRASE or from the private file named by
  // $FIGURANT_KEY_PASSPHRASE_FILE (one trailing newline dropped). InvalidArgument when both are
  // set or the passphrase is empty; the file is read as a key is (mode 0600 or stricter).
  Result<bank::BankOptions> BankOptions() const;
  // `status`, with the exact `figurant keys move` command appended when the bank still keeps its
  // keys inside its directory.
  Status WithKeysMoveHint(const Status& status) const;

  // Prints a successful result: `json_value` when --json, else `text` (a newline is added when
  // missing). Sets the exit code to 0.
  void Emit(const nlohmann::json& json_value, const std::string& text);
  // Prints `status` to stderr (and as {"error": {...}} on stdout with --json); sets the exit code.
  void Fail(const Status& status);
  // Fail() when not OK; returns whether it was OK.
  bool Check(const Status& status);

  // Opens the bank at BankDir() with BankOptions() (and the test build's seams).
  Result<std::unique_ptr<bank::Bank>> OpenBank() const;
};

// InvalidArgument naming `flag` when `file` is inside the bank's directory or its key directory:
// a party's private key (a studio's) is never kept by the bank.
Status OutsideBank(const Context& ctx, const std::filesystem::path& file, std::string_view flag);
// The public key given as --public-key HEX or --public-key-file FILE (exactly one; a FILE.pub of
// `key new`, or 64 hex digits). InvalidArgument naming the flag otherwise.
Result<bank::Ed25519PublicKey> PublicKeyOption(const std::string& hex, const std::string& file);
// The key passphrase from the environment: $FIGURANT_KEY_PASSPHRASE, or the private file named by
// $FIGURANT_KEY_PASSPHRASE_FILE (one trailing newline dropped); none when neither is set.
// InvalidArgument when both are set or the file is empty.
Result<KeyPassphrase> PassphraseFromEnvironment();
// A party's key file (`key new`), read on the caller's side to sign. A sealed file is opened with
// the passphrase from the environment, else one asked on /dev/tty (docs/keys.md, "Party key
// files"). InvalidArgument naming `flag` when it is inside the bank or not a key file;
// Unauthenticated when the passphrase does not open it; FailedPrecondition when no passphrase
// can be had (no variable set, no terminal).
Result<SigningKeyPair> PartyKeyFile(const Context& ctx, const std::string& file,
                                    std::string_view flag);

// --frames "A-B" or "A" (first = last = A). InvalidArgument naming --frames otherwise.
struct FrameRangeOption {
  int first = 0, last = 0;
};
Result<FrameRangeOption> ParseFrameRange(const std::string& text);

// Splits "a,b,c" into {"a","b","c"} (empty items dropped).
std::vector<std::string> SplitList(const std::string& text);
// A licence's flags as the listings print them: " [BLANKET] [PERPETUAL]" (empty for none).
std::string FlagText(const std::vector<std::string>& flags);
// JSON forms shared by several commands, the same as the HTTP API's (api/json_forms.h).
using api::LicenceJson;
using api::PerformerJson;

// Command families (one file each).
// init, keys move, performer, studio, production
void RegisterBankCommands(CLI::App& app, Context& ctx);
void RegisterLicenceCommands(CLI::App& app, Context& ctx);  // licence draft|sign|show|list|revoke
void RegisterCheckCommand(CLI::App& app, Context& ctx);     // check
// scan import, double list|show, performer erase, retention run (after RegisterBankCommands)
void RegisterScanCommands(CLI::App& app, Context& ctx);
void RegisterRenderCommand(CLI::App& app, Context& ctx);   // render
void RegisterCrowdCommands(CLI::App& app, Context& ctx);   // crowd export
void RegisterLedgerCommands(CLI::App& app, Context& ctx);  // ledger ..., statement, witness
void RegisterDemoCommand(CLI::App& app, Context& ctx);     // demo
void RegisterKeyCommands(CLI::App& app, Context& ctx);     // key new|sign|sign-statement
// licence suspend|resume, performer join-union|leave-union, union strike|end-strike, record;
// after RegisterBankCommands and RegisterLicenceCommands.
void RegisterStatementCommands(CLI::App& app, Context& ctx);
void RegisterServeCommands(CLI::App& app, Context& ctx);  // serve, user add|list

}  // namespace figurant::cli
