// A union auditor's own union (docs/api.md, "Union audit"): its members with what the ledger says
// each is owed, the strikes it declared, and the strike statements its own key signs. Authorise
// has checked {union} is the session's union. Memberships and strikes are read from the ledger's
// signed statements (ledger/statements.h), every one re-verified under its signer's key; the
// figures are the ledger's statements (ledger/statement.h), the same as each member's own.
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "ledger/consent_audit.h"
#include "ledger/statement.h"
#include "ledger/statements.h"

namespace figurant::api::internal {

namespace {

using consent::StatementKind;
using nlohmann::json;

const std::string& UnionParam(const Call& call) { return call.params.at("union"); }

// The ledger's statements indexed from its entries, in order, each under the keys its signer held
// then (as `ledger verify` re-verifies them).
Result<ledger::StatementIndex> IndexStatements(const ledger::Ledger& l) {
  ledger::KeyHistory keys;
  ledger::StatementIndex index;
  FIGURANT_RETURN_IF_ERROR(l.ForEach([&](const ledger::Entry& e) -> Status {
    FIGURANT_RETURN_IF_ERROR(keys.Add(e));
    return index.Add(e, keys);
  }));
  return index;
}

json PeriodsJson(const std::vector<consent::DatePeriod>& periods) {
  json out = json::array();
  for (const consent::DatePeriod& p : periods) out.push_back(DatePeriodJson(p));
  return out;
}

// Figures summed over a performer's statement lines, or over members.
struct Totals {
  uint64_t productions = 0;
  uint64_t frames = 0;
  double screen_seconds = 0;           // [Units: s]
  std::map<std::string, double> owed;  // currency → amount, scan fees included

  void Add(const Totals& t) {
    productions += t.productions;
    frames += t.frames;
    screen_seconds += t.screen_seconds;
    for (const auto& [currency, amount] : t.owed) owed[currency] += amount;
  }
  json ToJson() const {
    return {{"productions", productions},
            {"frames", frames},
            {"screen_seconds", screen_seconds},
            {"owed", owed}};
  }
};

// A member's totals, read from the very statement GET /performers/{performer}/statement answers.
Totals TotalsOf(const ledger::Statements& s, const std::string& performer) {
  const json statement = ledger::PerformerStatementJson(s, performer, std::nullopt);
  Totals t;
  t.productions = statement["production_count"].get<uint64_t>();
  for (const json& line : statement["productions"]) {
    t.frames += line["frames"].get<uint64_t>();
    t.screen_seconds += line["screen_seconds"].get<double>();
  }
  t.owed = statement["total"].get<std::map<std::string, double>>();
  return t;
}

struct StrikeRequestBody {
  std::string studio;
  bool declare = true;
  std::optional<Date> from;
};

Result<StrikeRequestBody> ReadStrikeRequest(const json& body) {
  BodyFields fields(body);
  StrikeRequestBody in;
  FIGURANT_ASSIGN_OR_RETURN(in.studio, fields.RequiredString("studio"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<bool> declare, fields.OptionalBool("declare"));
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> from, fields.OptionalString("from"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  if (!declare) return FieldError("declare", "expected true (declare a strike) or false (end it)");
  in.declare = *declare;
  if (from) {
    auto day = Date::Parse(*from);
    if (!day.ok()) return FieldError("from", day.status().message());
    in.from = *day;
  }
  return in;
}

}  // namespace

Result<Reply> ListMembers(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  FIGURANT_ASSIGN_OR_RETURN(const ledger::StatementIndex index, IndexStatements(*l));
  FIGURANT_ASSIGN_OR_RETURN(const ledger::Statements* cached,
                            call.state.ledger_views.Statements(*l));
  const ledger::Statements& statements = *cached;
  json members = json::array();
  Totals all;
  uint64_t current = 0;
  for (const auto& [performer, periods] : index.MembershipsOf(UnionParam(call))) {
    FIGURANT_ASSIGN_OR_RETURN(const registry::Performer p,
                              call.bank.registry().GetPerformer(performer));
    const Totals t = TotalsOf(statements, performer);
    const bool is_member = !periods.back().until;
    current += is_member ? 1 : 0;
    all.Add(t);
    members.push_back({{"performer", performer},
                       {"name", p.name},
                       {"current", is_member},
                       {"memberships", PeriodsJson(periods)},
                       {"totals", t.ToJson()}});
  }
  json totals = all.ToJson();
  totals["members"] = members.size();
  totals["current_members"] = current;
  return Reply::Json({{"union", UnionParam(call)},
                      {"members", members},
                      {"totals", totals},
                      {"ledger_head", statements.head.ToJson()}});
}

Result<Reply> ListStrikes(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  FIGURANT_ASSIGN_OR_RETURN(const ledger::StatementIndex index, IndexStatements(*l));
  json strikes = json::array();
  for (const auto& [studio, periods] : index.StrikesBy(UnionParam(call))) {
    for (const consent::DatePeriod& p : periods) {
      json strike = DatePeriodJson(p);
      strike["studio"] = studio;
      strikes.push_back(strike);
    }
  }
  return Reply::Json({{"union", UnionParam(call)}, {"strikes", strikes}});
}

Result<Reply> StrikeRequest(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const StrikeRequestBody in, ReadStrikeRequest(call.body));
  // Studios are no secret from a union: an unknown one is the caller's typo.
  const Status studio = call.bank.registry().GetStudio(in.studio).status();
  if (studio.code() == StatusCode::kNotFound) return FieldError("studio", studio.message());
  FIGURANT_RETURN_IF_ERROR(studio);
  auto request = call.bank.StrikeRequest(UnionParam(call), in.studio, in.declare, in.from);
  if (request.status().code() == StatusCode::kInvalidArgument) {
    return FieldError("from", request.status().message());
  }
  FIGURANT_RETURN_IF_ERROR(request.status());
  Reply r;
  r.body = consent::StatementRequestJson(*request);  // the bytes `figurant union strike` writes
  return r;
}

Result<Reply> RecordStrike(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const consent::SignedStatement statement,
                            consent::ParseStatementSignature(call.body.dump(), kBodySource));
  if (statement.kind != StatementKind::kStrike && statement.kind != StatementKind::kEndStrike) {
    return FieldError("kind", "expected strike or end_strike: the statements a union signs");
  }
  // Another union's statement is another's object: the same 404 as everything else.
  if (consent::FieldValue(statement, "union") != UnionParam(call)) {
    return NotFound(std::string(kNotFoundMessage));
  }
  const Status recorded = call.bank.RecordStatement(statement);
  if (recorded.code() == StatusCode::kNotFound) {
    return FieldError("fields", recorded.message());  // a studio the bank does not have
  }
  FIGURANT_RETURN_IF_ERROR(recorded);
  json reply = {{"kind", consent::StatementKindName(statement.kind)}};
  for (const consent::StatementField& f : statement.fields) reply[f.name] = f.value;
  return Reply::Json(reply, 201);
}

}  // namespace figurant::api::internal
