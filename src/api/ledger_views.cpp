#include "api/ledger_views.h"

namespace figurant::api {

Status LedgerViews::Follow(const ledger::Ledger& ledger) {
  const ledger::SignedHead& head = ledger.head();
  if (head.tree_size == tree_size_ && head.signature == signature_ && fed_ == ledger.size()) {
    return Status::Ok();
  }
  statements_.reset();
  appearances_.clear();
  if (ledger.size() < fed_) *this = LedgerViews();
  Status fed = ledger.ForEachSince(fed_, [&](const ledger::Entry& e) {
    FIGURANT_RETURN_IF_ERROR(statements_builder_.Add(e));
    FIGURANT_RETURN_IF_ERROR(appearances_builder_.Add(e));
    ++fed_;
    return Status::Ok();
  });
  if (!fed.ok()) {
    *this = LedgerViews();  // a builder that failed half-way is never used again
    return fed;
  }
  tree_size_ = head.tree_size;
  signature_ = head.signature;
  return Status::Ok();
}

Result<const ledger::Statements*> LedgerViews::Statements(const ledger::Ledger& ledger) {
  FIGURANT_RETURN_IF_ERROR(Follow(ledger));
  if (!statements_) statements_ = statements_builder_.Finish(ledger.head());
  return &*statements_;
}

Result<const ledger::Appearances*> LedgerViews::Appearances(const ledger::Ledger& ledger,
                                                            const std::string& performer) {
  FIGURANT_RETURN_IF_ERROR(Follow(ledger));
  auto it = appearances_.find(performer);
  if (it == appearances_.end()) {
    it = appearances_.emplace(performer, appearances_builder_.Of(performer, ledger.head())).first;
  }
  return &it->second;
}

}  // namespace figurant::api
