// Statements: what each performer is owed, computed from the ledger alone (docs/ledger.md,
// "Statements"). For each licence, the scan fee once (from its licence_signed entry); for each
// production the double appears in, max(per_production_fee + per_screen_second × seconds,
// minimum_per_production), where seconds = Σ 1/fps over the frames each double is visible in,
// fps being the frame rate the production's studio declared (its production_declared entry) or,
// for a production never declared, the highest 1/fps any render of the frame recorded. A double
// visible in a frame is billed once however often the frame is re-rendered: re-rendering never
// lowers what is owed. Synthetic performers are never paid; production statements report them
// apart.
#pragma once

#include <map>
#include <memory>
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
  // Σ over (frame, double) of the largest 1/fps among renders showing it [Units: s]
  double screen_seconds = 0;
  double pixels = 0;  // Σ over (frame, double) of its largest Cryptomatte coverage [Units: pixels]
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
  // Usage without signed terms, re-renders without a supersede entry, duplicate events.
  std::vector<std::string> warnings;
  SignedHead head;  // what they were computed from
};

// One pass over the ledger. The billed unit is a double visible in a frame (production, shot,
// frame, double): it counts if any render of the frame showed it, once, with the largest 1/fps and
// pixel count any such render recorded and the licence of the first. So appending entries never
// lowers any line or total: a re-render that hides a performer removes nothing, and a re-render
// never counts twice (supersede entries record which render replaced which; they remove nothing).
// Usage under a licence whose signed terms are not in the ledger is listed with amount 0 and a
// warning. DataLoss when the ledger does not verify or a usage, supersede or licence_signed entry
// breaks its payload format (ledger/payloads.h names the entry and the field).
Result<Statements> ComputeStatements(const Ledger& ledger);
// The same from an export's bytes and the bank's public key alone (what an auditor holds): the log
// must verify entirely (VerifyLog) or DataLoss names the first bad entry.
Result<Statements> ComputeStatements(std::string_view log_bytes,
                                     const std::array<uint8_t, 32>& public_key);

// ComputeStatements kept up to date as a ledger grows, for a reader that answers many requests
// (the HTTP API): Add each entry once, in ledger order (e.g. from Ledger::ForEachSince), and
// Finish whenever statements are wanted — as often as wanted, with more Adds in between. Finish
// costs what pricing the billed units does, not a pass over the ledger. Add's DataLoss as
// ComputeStatements'; after one, the builder must be discarded. Not thread-safe.
class StatementsBuilder {
 public:
  StatementsBuilder();
  ~StatementsBuilder();
  StatementsBuilder(StatementsBuilder&&) noexcept;
  StatementsBuilder& operator=(StatementsBuilder&&) noexcept;

  Status Add(const Entry& entry);
  // The statements of every entry added so far, under `head` (which the caller says they are).
  Statements Finish(const SignedHead& head);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

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
