// Statements: what each performer is owed, computed from the ledger alone (docs/ledger.md,
// "Statements"). For each licence, the scan fee once (from its licence_signed entry); for each
// production the double appears in, max(per_production_fee + per_screen_second × seconds,
// minimum_per_production), where seconds = frames visible / fps, counting only the latest render of
// every frame. Synthetic performers are never paid; production statements report them apart.
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
  uint64_t frames = 0;  // frame-appearances of the performer's doubles
  std::set<std::string> shots;
  double screen_seconds = 0;  // [Units: s]
  double pixels = 0;
  double per_production_fee = 0, per_screen_second = 0, minimum = 0;
  double amount = 0;  // owed for this production under the licence
};

struct PerformerStatement {
  std::string performer;
  bool synthetic = false;
  std::map<std::string, double> scan_fees;  // licence → fee (counted once, in the licence currency)
  std::map<std::string, std::string> licence_currency;
  std::vector<ProductionLine> productions;
  std::map<std::string, double> total;  // currency → amount owed
};

struct SyntheticLine {
  std::string production;
  std::set<std::string> agents;  // distinct agent names that showed synthetic doubles
  uint64_t frames = 0;
  double screen_seconds = 0;
};

struct Statements {
  std::map<std::string, PerformerStatement> performers;  // real and synthetic performers
  std::map<std::string, SyntheticLine> synthetic;        // by production
  SignedHead head;                                       // what they were computed from
};

// One pass over the ledger. DataLoss when the ledger does not verify or an entry is malformed.
Result<Statements> ComputeStatements(const Ledger& ledger);

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
