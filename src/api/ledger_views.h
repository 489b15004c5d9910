// What the performer and studio routes compute from the whole ledger — statements and a
// performer's appearances — kept between requests and computed again only when the ledger has
// grown. Every such read used to pass over the whole ledger (re-reading the file and re-verifying
// every signed head), under the bank's one mutex, so reads queued behind one another.
//
// How: the views are folded from the entries as they come (ledger::StatementsBuilder,
// ledger::AppearancesBuilder), each entry once, read back with Ledger::ForEachSince (each checked
// against the leaf hash verified when the ledger read or wrote it); a request after the ledger grew
// feeds only the new entries, then prices the billed units again. So a read costs a pass over the
// billed units, not over the ledger file and its signatures.
//
// Consistency rule: a view is valid for exactly the signed head it was computed under (tree size
// and signature); the ledger is append-only and Refresh verifies that what it adopts chains onto
// what it had verified, so a ledger cut back or replaced fails there (DataLoss) before reaching a
// view. A reply is never older than the ledger the request saw. Should the server reopen the
// ledger and find fewer entries than were fed (which Refresh forbids), or should feeding fail, the
// views start again from the first entry.
//
// Not thread-safe: the server uses it only while holding the bank's mutex.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>

#include "core/status.h"
#include "ledger/appearances.h"
#include "ledger/ledger.h"
#include "ledger/statement.h"

namespace figurant::api {

class LedgerViews {
 public:
  // The statements of every performer and production (ledger::ComputeStatements) under `ledger`'s
  // head; its errors otherwise (nothing cached). The pointer is valid until a call under another
  // head (or a failed one).
  Result<const ledger::Statements*> Statements(const ledger::Ledger& ledger);
  // `performer`'s appearances (ledger::ComputeAppearances) under `ledger`'s head. The pointer is
  // valid until a call under another head (or a failed one).
  Result<const ledger::Appearances*> Appearances(const ledger::Ledger& ledger,
                                                 const std::string& performer);

 private:
  // Feeds the builders what `ledger` holds beyond what they were fed, and forgets every view
  // computed under another head than `ledger`'s. On an error nothing is kept.
  Status Follow(const ledger::Ledger& ledger);

  uint64_t fed_ = 0;  // entries fed to the builders
  ledger::StatementsBuilder statements_builder_;
  ledger::AppearancesBuilder appearances_builder_;
  uint64_t tree_size_ = 0;
  std::array<uint8_t, kEd25519SignatureBytes> signature_{};  // of the head the views are under
  std::optional<ledger::Statements> statements_;
  std::map<std::string, ledger::Appearances> appearances_;  // by performer
};

}  // namespace figurant::api
