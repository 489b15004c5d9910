// figurant: the command-line face of the bank. Parses options, calls the libraries, turns their
// Status into an exit code (see cli.h). No domain logic lives here.
#include <cstdlib>
#include <exception>
#include <iostream>

#include "cli.h"
#include "core/crypto.h"

int main(int argc, char** argv) {
  using figurant::cli::Context;
  Context ctx;
  if (!figurant::InitCrypto().ok()) {
    std::cerr << "figurant: libsodium failed to initialise\n";
    return figurant::cli::kExitFailure;
  }
  // FIGURANT_NOW pins "now" (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) for reproducible scripts and
  // tests.
  if (const char* now = std::getenv("FIGURANT_NOW"); now != nullptr && *now != '\0') {
    auto t = figurant::ParseTimestamp(now);
    if (!t.ok()) {
      std::cerr << "figurant: FIGURANT_NOW: " << t.status().message() << '\n';
      return figurant::cli::kExitBadInput;
    }
    ctx.clock = std::make_unique<figurant::FixedClock>(*t);
  } else {
    ctx.clock = std::make_unique<figurant::SystemClock>();
  }

  CLI::App app{"figurant: a digital-double bank for background performers"};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.add_option("--bank", ctx.bank_option,
                 "Bank directory (default: $FIGURANT_BANK, else ./figurant-bank)");
  app.add_flag("--json", ctx.json, "Print exactly one JSON object on stdout");
  app.require_subcommand(1);
  app.fallthrough();

  figurant::cli::RegisterBankCommands(app, ctx);
  figurant::cli::RegisterLicenceCommands(app, ctx);
  figurant::cli::RegisterCheckCommand(app, ctx);
  figurant::cli::RegisterScanCommands(app, ctx);
  figurant::cli::RegisterRenderCommand(app, ctx);
  figurant::cli::RegisterLedgerCommands(app, ctx);
  figurant::cli::RegisterDemoCommand(app, ctx);
  figurant::cli::RegisterKeyCommands(app, ctx);

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
