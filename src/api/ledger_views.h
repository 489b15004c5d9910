// What the performer and studio routes compute from the whole ledger — statements and a
// performer's appearances — kept between requests and computed again only when the ledger has
// grown. Every such read used to pass over the whole ledger (re-reading the file and re-verifying
// every signed head), under the bank's one mutex, so reads queued behind one another.
//
// Consistency rule: a view is valid for exactly the signed head it was computed under. A head
// signs the tree size, the Merkle root over every entry before it and the time, so two views
// computed under the same head (same tree size and signature) were computed from the same
// entries and are equal. Callers pass the ledger as Bank::Ledger() returns it, refreshed with what
// other processes (CLI renders) appended; a ledger that grew has a new head and the view is
// computed again, so a reply is never older than the ledger the request saw. The ledger is
// append-only and Refresh verifies that what it adopts chains onto what it had verified, so a
// ledger cut back or replaced fails there (DataLoss) before reaching a view.
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
  // head; its errors otherwise (nothing cached). The pointer is valid until the next call.
  Result<const ledger::Statements*> Statements(const ledger::Ledger& ledger);
  // `performer`'s appearances (ledger::ComputeAppearances) under `ledger`'s head. The pointer is
  // valid until the next call.
  Result<const ledger::Appearances*> Appearances(const ledger::Ledger& ledger,
                                                 const std::string& performer);

 private:
  // Forgets every view computed under another head than `ledger`'s.
  void Follow(const ledger::Ledger& ledger);

  uint64_t tree_size_ = 0;
  std::array<uint8_t, kEd25519SignatureBytes> signature_{};  // of the head the views are under
  std::optional<ledger::Statements> statements_;
  std::map<std::string, ledger::Appearances> appearances_;  // by performer
};

}  // namespace figurant::api
