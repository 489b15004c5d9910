#include "api/ledger_views.h"

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
    FIGURANT_ASSIGN_OR_RETURN(ledger::Appearances a, ledger::ComputeAppearances(ledger, performer));
    it = appearances_.emplace(performer, std::move(a)).first;
  }
  return &it->second;
}

}  // namespace figurant::api
