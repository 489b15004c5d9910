#include "api/ledger_views.h"

#include <vector>

namespace figurant::api {

void LedgerViews::Follow(const ledger::Ledger& ledger) {
  const ledger::SignedHead& head = ledger.head();
  if (head.tree_size == tree_size_ && head.signature == signature_) return;
  tree_size_ = head.tree_size;
  signature_ = head.signature;
  statements_.reset();
  appearances_.clear();
}

Result<const ledger::Statements*> LedgerViews::Statements(const ledger::Ledger& ledger) {
  Follow(ledger);
  if (!statements_) {
    FIGURANT_ASSIGN_OR_RETURN(statements_, ledger::ComputeStatements(ledger));
  }
  return &*statements_;
}

Result<const ledger::Appearances*> LedgerViews::Appearances(const ledger::Ledger& ledger,
                                                            const std::string& performer) {
  Follow(ledger);
  auto it = appearances_.find(performer);
  if (it == appearances_.end()) {
    // The entries as Ledger::ForEachSince reads them back: each checked against the leaf hash
    // verified when the ledger read or wrote it, so they are exactly the verified entries, without
    // verifying every signed head again as a full read (ForEach) does.
    std::vector<ledger::Entry> entries;
    entries.reserve(ledger.size());
    FIGURANT_RETURN_IF_ERROR(ledger.ForEachSince(0, [&](const ledger::Entry& e) {
      entries.push_back(e);
      return Status::Ok();
    }));
    FIGURANT_ASSIGN_OR_RETURN(ledger::Appearances a,
                              ledger::ComputeAppearances(entries, performer));
    a.head = ledger.head();
    it = appearances_.emplace(performer, std::move(a)).first;
  }
  return &it->second;
}

}  // namespace figurant::api
