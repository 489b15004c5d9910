// The bank's side of signed statements (bank.h, "statements signed with the signer's own key"):
// what each kind names must exist and make sense now, and the signature must be the signer's own.
// The ledger is the only record: the facts index (internal/ledger_facts.h) reads suspensions,
// strikes and memberships back from it for every decision.
#include "ledger/statements.h"

#include "bank/bank.h"
#include "bank/internal/ledger_facts.h"

namespace figurant::bank {
namespace {

using consent::SignedStatement;
using consent::StatementKind;

// The first day a request applies: `from`, or today; never a day before today.
Result<Date> FirstDay(std::optional<Date> from, const Clock& clock) {
  const Date today = DateOf(clock.Now());
  if (!from) return today;
  if (*from < today) {
    return InvalidArgument("from " + from->ToString() + " is before today (" + today.ToString() +
                           "): a statement applies from today on, never to the past");
  }
  return *from;
}

}  // namespace

Status Bank::CheckStatementObjects(const SignedStatement& s) {
  FIGURANT_RETURN_IF_ERROR(ledger::PartyOf(s).status());
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  if (consent::IsSuspensionKind(s.kind)) {
    FIGURANT_ASSIGN_OR_RETURN(const registry::Licence licence,
                              registry_->GetLicence(consent::FieldValue(s, "licence")));
    if (licence.performer_id != consent::FieldValue(s, "performer")) {
      return InvalidArgument("licence " + licence.id + " is not performer " +
                             consent::FieldValue(s, "performer") + "'s");
    }
    if (licence.state != registry::LicenceState::kActive) {
      return FailedPrecondition("licence " + licence.id + " is " +
                                std::string(registry::LicenceStateName(licence.state)) +
                                ": only an active licence is suspended or resumed");
    }
  } else {
    const ledger::RepresentativeRegisteredEvent* rep =
        facts->Representative(consent::FieldValue(s, "union"));
    if (rep == nullptr || rep->kind != consent::Representation::kUnion) {
      return NotFound("no union " + consent::FieldValue(s, "union") + " is registered in the bank");
    }
    if (consent::IsStrikeKind(s.kind)) {
      FIGURANT_RETURN_IF_ERROR(registry_->GetStudio(consent::FieldValue(s, "studio")).status());
    } else {
      FIGURANT_ASSIGN_OR_RETURN(const registry::Performer p,
                                registry_->GetPerformer(consent::FieldValue(s, "performer")));
      if (p.erased_at) return FailedPrecondition("performer " + p.id + " was erased");
    }
  }
  return facts->statements().CheckTransition(s);
}

Result<consent::StatementRequest> Bank::StatementRequestFor(
    StatementKind kind, std::vector<consent::StatementField> fields, std::string_view language) {
  consent::StatementRequest request;
  request.kind = kind;
  request.fields = std::move(fields);
  request.language = consent::ParseLanguage(language).value_or(consent::Language::kEnglish);
  SignedStatement probe;
  probe.kind = kind;
  probe.fields = request.fields;
  FIGURANT_RETURN_IF_ERROR(CheckStatementObjects(probe));
  return request;
}

Result<consent::StatementRequest> Bank::SuspensionRequest(const std::string& licence_id,
                                                          bool suspend, std::optional<Date> from) {
  FIGURANT_ASSIGN_OR_RETURN(const Date day, FirstDay(from, clock_));
  FIGURANT_ASSIGN_OR_RETURN(const registry::Licence licence, registry_->GetLicence(licence_id));
  FIGURANT_ASSIGN_OR_RETURN(const registry::Performer performer,
                            registry_->GetPerformer(licence.performer_id));
  return StatementRequestFor(
      suspend ? StatementKind::kSuspendLicence : StatementKind::kResumeLicence,
      ledger::SuspensionFields(licence_id, performer.id, day, clock_.Now()), performer.language);
}

Result<Bank::Suspensions> Bank::SuspensionsOf(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  return Suspensions{facts->statements().SuspensionsOf(licence_id),
                     facts->statements().Suspended(licence_id)};
}

Result<consent::StatementRequest> Bank::StrikeRequest(const std::string& union_id,
                                                      const std::string& studio_id, bool declare,
                                                      std::optional<Date> from) {
  FIGURANT_ASSIGN_OR_RETURN(const Date day, FirstDay(from, clock_));
  return StatementRequestFor(declare ? StatementKind::kStrike : StatementKind::kEndStrike,
                             ledger::StrikeFields(union_id, studio_id, day, clock_.Now()), "en");
}

Result<consent::StatementRequest> Bank::MembershipRequest(const std::string& performer_id,
                                                          const std::string& union_id, bool join) {
  FIGURANT_ASSIGN_OR_RETURN(const registry::Performer performer,
                            registry_->GetPerformer(performer_id));
  return StatementRequestFor(join ? StatementKind::kJoinUnion : StatementKind::kLeaveUnion,
                             ledger::MembershipFields(performer_id, union_id, clock_.Now()),
                             performer.language);
}

Status Bank::RecordStatement(const SignedStatement& s) {
  FIGURANT_ASSIGN_OR_RETURN(const ledger::StatementParty party, ledger::PartyOf(s));
  const UnixSeconds now = clock_.Now();
  if (party.signed_at > now + kStatementClockSkew || party.signed_at < now - kStatementMaxAge) {
    return InvalidArgument("field 'signed_at': " + FormatTimestamp(party.signed_at) +
                           " is not within the last 7 days (the bank's clock says " +
                           FormatTimestamp(now) + ")");
  }
  if ((consent::IsSuspensionKind(s.kind) || consent::IsStrikeKind(s.kind)) &&
      *Date::Parse(consent::FieldValue(s, "from")) < DateOf(party.signed_at)) {
    return InvalidArgument("field 'from': " + consent::FieldValue(s, "from") +
                           " is before the day it was signed: a statement never applies to the "
                           "past");
  }
  FIGURANT_RETURN_IF_ERROR(CheckStatementObjects(s));
  ledger::StatementEvent event;
  event.signer = party.signer;
  event.signer_id = party.signer_id;
  event.statement = s;
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  FIGURANT_RETURN_IF_ERROR(facts->statements().Check(event, facts->keys()));
  return AppendFacts({ledger::ToEntry(event)});
}

}  // namespace figurant::bank
