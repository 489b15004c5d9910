// figurant: the command-line face of the bank. Parses options, calls the libraries, turns their
// Status into an exit code (see cli.h). No domain logic lives here.
#include <algorithm>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>

#include "cli.h"
#include "core/crypto.h"

namespace {

// The clock every command runs on. The shipped binary reads the system clock, always: FIGURANT_NOW
// would let anyone backdate it past a revocation, an expiry or a death, so it is refused, loudly.
// Only the test build, figurant_testclock (apps/figurant/CMakeLists.txt), honours FIGURANT_NOW
// (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ).
figurant::Result<std::unique_ptr<figurant::Clock>> CommandClock() {
  const char* now = std::getenv("FIGURANT_NOW");
  if (now == nullptr || *now == '\0') return {std::make_unique<figurant::SystemClock>()};
#ifdef FIGURANT_TEST_CLOCK
  FIGURANT_ASSIGN_OR_RETURN(figurant::UnixSeconds t, figurant::ParseTimestamp(now));
  return {std::make_unique<figurant::FixedClock>(t)};
#else
  return figurant::InvalidArgument(
      "FIGURANT_NOW is set, but clock overrides are for tests only: this figurant always runs on "
      "the system clock. Unset FIGURANT_NOW.");
#endif
}

// The test build's seams (cli.h); none in the shipped binary, whatever the environment says.
figurant::cli::TestSeams CommandTestSeams() {
  figurant::cli::TestSeams seams;
#ifdef FIGURANT_TEST_CLOCK
  constexpr int kMaxDelayMs = 10000;
  const auto delay = [&](const char* name) {
    const char* d = std::getenv(name);
    return d == nullptr ? 0 : std::clamp(std::atoi(d), 0, kMaxDelayMs);
  };
  seams.write_delay_ms = delay("FIGURANT_TEST_WRITE_DELAY_MS");
  seams.data_key_delay_ms = delay("FIGURANT_TEST_DATA_KEY_DELAY_MS");
  seams.plate_delay_ms = delay("FIGURANT_TEST_PLATE_DELAY_MS");
#endif
  return seams;
}

}  // namespace

int main(int argc, char** argv) {
  using figurant::cli::Context;
  Context ctx;
  if (!figurant::InitCrypto().ok()) {
    std::cerr << "figurant: libsodium failed to initialise\n";
    return figurant::cli::kExitFailure;
  }
  auto clock = CommandClock();
  if (!clock.ok()) {
    std::cerr << "figurant: FIGURANT_NOW: " << clock.status().message() << '\n';
    return figurant::cli::kExitBadInput;
  }
  ctx.clock = std::move(clock).value();
  ctx.test_seams = CommandTestSeams();

  CLI::App app{"figurant: a digital-double bank for background performers"};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.add_option("--bank", ctx.bank_option,
                 "Bank directory (default: $FIGURANT_BANK, else ./figurant-bank)");
  app.add_option("--keys", ctx.keys_option,
                 "Keys directory, outside the bank (default: $FIGURANT_KEYS, else BANK.keys)");
  app.add_flag("--json", ctx.json, "Print exactly one JSON object on stdout");
  app.require_subcommand(1);
  app.fallthrough();

  figurant::cli::RegisterBankCommands(app, ctx);
  figurant::cli::RegisterLicenceCommands(app, ctx);
  figurant::cli::RegisterCheckCommand(app, ctx);
  figurant::cli::RegisterScanCommands(app, ctx);
  figurant::cli::RegisterRenderCommand(app, ctx);
  figurant::cli::RegisterCrowdCommands(app, ctx);
  figurant::cli::RegisterLedgerCommands(app, ctx);
  figurant::cli::RegisterDemoCommand(app, ctx);
  figurant::cli::RegisterKeyCommands(app, ctx);
  figurant::cli::RegisterStatementCommands(app, ctx);  // after licence and performer
  figurant::cli::RegisterServeCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? figurant::cli::kExitOk : figurant::cli::kExitBadInput;
  } catch (const std::exception& e) {
    // Libraries stop exceptions at their boundary (bad input is a Status); one that escapes is a
    // bug, reported as one rather than as an abort and a core dump.
    std::cerr << "figurant: internal error: " << e.what() << '\n';
    return figurant::cli::kExitFailure;
  }
  return ctx.exit_code;
}
