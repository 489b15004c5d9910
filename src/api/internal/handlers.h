// The route table's handlers, one file per audience. Each runs after Authorise, with the bank
// locked, and returns a Reply or a Status the server turns into an error reply.
#pragma once

#include "api/routes.h"

namespace figurant::api::internal {

// Runs `use` on the bank's ledger, opened (and reconciled) for it and closed after, so the ledger's
// writer lock is not held between requests and CLI processes (renders) can append meanwhile.
template <typename Use>
auto WithLedger(bank::Bank& bank, Use use) -> decltype(use(std::declval<ledger::Ledger&>())) {
  auto opened = bank.Ledger();
  if (!opened.ok()) return opened.status();
  auto result = use(**opened);
  bank.CloseLedger();
  return result;
}

// handlers_session.cpp: log-in and the session itself.
Result<Reply> IssueChallenge(Call& call);
Result<Reply> LogIn(Call& call);
Result<Reply> ShowSession(Call& call);
Result<Reply> LogOut(Call& call);

// handlers_operator.cpp: the bank's administration.
Result<Reply> ListPerformers(Call& call);
Result<Reply> AddPerformer(Call& call);
Result<Reply> ListStudios(Call& call);
Result<Reply> AddStudio(Call& call);
Result<Reply> ListUsers(Call& call);
Result<Reply> AddUser(Call& call);
Result<Reply> ListErasureRequests(Call& call);

// handlers_performer.cpp: a performer's own data.
Result<Reply> ShowProfile(Call& call);
Result<Reply> ListDoubles(Call& call);
Result<Reply> ListLicences(Call& call);
Result<Reply> ListOffers(Call& call);
Result<Reply> ShowLicence(Call& call);
Result<Reply> RevokeLicence(Call& call);
Result<Reply> StatementJson(Call& call);
Result<Reply> StatementCsv(Call& call);
Result<Reply> RequestErasure(Call& call);

// handlers_studio.cpp: a studio's productions, offers and usage.
Result<Reply> ListProductions(Call& call);
Result<Reply> ListStudioOffers(Call& call);
Result<Reply> MakeOffer(Call& call);
Result<Reply> ProductionUsage(Call& call);

// handlers_ledger.cpp: what a union auditor checks.
Result<Reply> ExportLedger(Call& call);
Result<Reply> VerifyLedger(Call& call);
Result<Reply> ProveEntry(Call& call);

}  // namespace figurant::api::internal
