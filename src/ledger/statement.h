// Statements: what each performer is owed, computed from the ledger alone (docs/ledger.md,
// "Statements"). For each licence, the scan fee once (from its licence_signed entry); for each
// production the double appears in, max(per_production_fee + per_screen_second × seconds,
// minimum_per_production), where seconds = frames visible / fps, counting only the latest render of
// every frame; fps is the frame rate the production's studio declared (its production_declared
// entry), or the usage entries' own for a production never declared. Synthetic performers are
// never paid; production statements report them apart.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "ledger/ledger.h"

namespace figurant::ledger {

struct ProductionLine {
  std::string production;
  std::string licence;
  std::string currency;
  uint64_t frames = 0;  // distinct (shot, frame) where one of the performer's doubles appears
  std::set<std::string> shots;
  double screen_seconds = 0;  // Σ 1/fps over counted usage events (per double) [Units: s]
  double pixels = 0;          // Σ Cryptomatte coverage [Units: pixels]
  double per_production_fee = 0, per_screen_second = 0, minimum = 0;
  double amount = 0;        // owed for this production under the licence (unrounded)
  bool terms_known = true;  // false: no licence_signed entry (or unreadable terms); amount 0
};

struct PerformerStatement {
  std::string performer;
  bool synthetic = false;
  std::map<std::string, double> scan_fees;  // licence → fee (counted once, in the licence currency)
  std::map<std::string, std::string> licence_currency;
  std::vector<ProductionLine> productions;
  std::map<std::string, double> total;  // currency → amount owed
};

// Who filled a production's frames: real or synthetic performers (counted usage only).
struct PopulationLine {
  std::string production;
  std::set<std::string> agents;   // distinct "shot/agent" that showed such doubles
  std::set<std::string> doubles;  // distinct doubles
  uint64_t frames = 0;            // distinct (shot, frame) with at least one such double
  double screen_seconds = 0;      // Σ 1/fps per double and frame [Units: s]
};

struct Statements {
  std::map<std::string, PerformerStatement> performers;  // real and synthetic performers
  std::map<std::string, PopulationLine> synthetic;       // by production
  std::map<std::string, PopulationLine> real;            // by production, for comparison
  std::vector<std::string> warnings;  // usage without signed terms, re-renders without supersede
  SignedHead head;                    // what they were computed from
};

// One pass over the ledger. A usage event counts when its render is the latest render of its
// frame (the last usage or supersede entry for that production, shot and frame), once per
// (render, frame, double): a re-render never counts twice, even without its supersede entry.
// Usage under a licence whose signed terms are not in the ledger is listed with amount 0 and a
// warning. DataLoss when the ledger does not verify or a usage, supersede or licence_signed entry
// breaks its payload format (ledger/payloads.h names the entry and the field).
Result<Statements> ComputeStatements(const Ledger& ledger);
// The same from an export's bytes and the bank's public key alone (what an auditor holds): the log
// must verify entirely (VerifyLog) or DataLoss names the first bad entry.
Result<Statements> ComputeStatements(std::string_view log_bytes,
                                     const std::array<uint8_t, 32>& public_key);

// Renderings. `production` filters to one production (scan fees then left out: they are not
// production-specific).
nlohmann::json PerformerStatementJson(const Statements& s, const std::string& performer,
                                      const std::optional<std::string>& production);
nlohmann::json ProductionStatementJson(const Statements& s, const std::string& production);
std::string PerformerStatementText(const Statements& s, const std::string& performer,
                                   const std::optional<std::string>& production);
std::string ProductionStatementText(const Statements& s, const std::string& production);
std::string ProductionStatementCsv(const Statements& s, const std::string& production);
std::string PerformerStatementCsv(const Statements& s, const std::string& performer,
                                  const std::optional<std::string>& production);

}  // namespace figurant::ledger
