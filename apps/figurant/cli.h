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

struct Context {
  std::string bank_option;       // --bank, else $FIGURANT_BANK, else ./figurant-bank
  bool json = false;             // --json: exactly one JSON object on stdout
  std::unique_ptr<Clock> clock;  // system time, or FIGURANT_NOW for reproducible scripts/tests
  int exit_code = kExitOk;

  std::filesystem::path BankDir() const;

  // Prints a successful result: `json_value` when --json, else `text` (a newline is added when
  // missing). Sets the exit code to 0.
  void Emit(const nlohmann::json& json_value, const std::string& text);
  // Prints `status` to stderr (and as {"error": {...}} on stdout with --json); sets the exit code.
  void Fail(const Status& status);
  // Fail() when not OK; returns whether it was OK.
  bool Check(const Status& status);

  // Opens the bank at BankDir(). FIGURANT_TEST_WRITE_DELAY_MS (crash tests only) slows writes.
  Result<std::unique_ptr<bank::Bank>> OpenBank() const;
};

// InvalidArgument naming `flag` when `file` is inside the bank's directory or its key directory:
// a party's private key (a studio's) is never kept by the bank.
Status OutsideBank(const Context& ctx, const std::filesystem::path& file, std::string_view flag);
// The public key given as --public-key HEX or --public-key-file FILE (exactly one; a FILE.pub of
// `key new`, or 64 hex digits). InvalidArgument naming the flag otherwise.
Result<bank::Ed25519PublicKey> PublicKeyOption(const std::string& hex, const std::string& file);
// A party's key file (`key new`), read on the caller's side to sign; InvalidArgument naming
// `flag` when it is inside the bank or not a key file.
Result<SigningKeyPair> PartyKeyFile(const Context& ctx, const std::string& file,
                                    std::string_view flag);

// Splits "a,b,c" into {"a","b","c"} (empty items dropped).
std::vector<std::string> SplitList(const std::string& text);
// A licence's flags as the listings print them: " [BLANKET] [PERPETUAL]" (empty for none).
std::string FlagText(const std::vector<std::string>& flags);
// JSON forms shared by several commands.
nlohmann::json PerformerJson(const registry::Performer& p);
nlohmann::json LicenceJson(const bank::LicenceView& v);

// Command families (one file each).
void RegisterBankCommands(CLI::App& app, Context& ctx);     // init, performer, studio, production
void RegisterLicenceCommands(CLI::App& app, Context& ctx);  // licence draft|sign|show|list|revoke
void RegisterCheckCommand(CLI::App& app, Context& ctx);     // check
// scan import, double list|show, performer erase, retention run (after RegisterBankCommands)
void RegisterScanCommands(CLI::App& app, Context& ctx);
void RegisterRenderCommand(CLI::App& app, Context& ctx);   // render
void RegisterLedgerCommands(CLI::App& app, Context& ctx);  // ledger ..., statement, witness
void RegisterDemoCommand(CLI::App& app, Context& ctx);     // demo
void RegisterKeyCommands(CLI::App& app, Context& ctx);     // key new

}  // namespace figurant::cli
