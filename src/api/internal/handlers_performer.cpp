// A performer's own data: profile, doubles, licences and offers, revocation, statements and the
// erasure request. Authorise has checked {performer} is the session's and {licence} theirs.
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "ledger/appearances.h"
#include "ledger/statement.h"
#include "registry/appearance_crops.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

const std::string& PerformerParam(const Call& call) { return call.params.at("performer"); }

Result<std::vector<bank::LicenceView>> LicencesOf(Call& call) {
  return call.bank.ListLicences(PerformerParam(call));
}

// Computed once per ledger head, whichever request asks first (api/ledger_views.h).
Result<const ledger::Statements*> Statements(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  return call.state.ledger_views.Statements(*l);
}

// Production titles by id, looked up once per request.
class ProductionTitles {
 public:
  explicit ProductionTitles(bank::Bank& bank) : bank_(bank) {}
  // The title the production's studio registered; null for an id the registry does not hold.
  Result<json> Of(const std::string& id) {
    if (auto it = titles_.find(id); it != titles_.end()) return it->second;
    auto p = bank_.registry().GetProduction(id);
    if (!p.ok() && p.status().code() != StatusCode::kNotFound) return p.status();
    return titles_[id] = p.ok() ? json(p->title) : json(nullptr);
  }

 private:
  bank::Bank& bank_;
  std::map<std::string, json> titles_;
};

}  // namespace

// `licence` (a licence's JSON) with its suspensions as the ledger holds them: `suspensions`
// [{from, until}] and `suspended` (the latest still holds), as the export gives them.
Status AddSuspensions(bank::Bank& bank, json& licence) {
  FIGURANT_ASSIGN_OR_RETURN(const bank::Bank::Suspensions s,
                            bank.SuspensionsOf(licence["id"].get<std::string>()));
  json periods = json::array();
  for (const consent::Suspension& p : s.periods) periods.push_back(DatePeriodJson(p));
  licence["suspensions"] = std::move(periods);
  licence["suspended"] = s.suspended;
  return Status::Ok();
}

Result<json> PerformerStatementWithTitles(Call& call, const std::string& performer) {
  FIGURANT_ASSIGN_OR_RETURN(const ledger::Statements* s, Statements(call));
  json doc = ledger::PerformerStatementJson(*s, performer, std::nullopt);
  ProductionTitles titles(call.bank);
  for (json& line : doc["productions"]) {
    FIGURANT_ASSIGN_OR_RETURN(line["production_title"], titles.Of(line["production"]));
  }
  return doc;
}

Result<Reply> ShowProfile(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p,
                            call.bank.registry().GetPerformer(PerformerParam(call)));
  FIGURANT_ASSIGN_OR_RETURN(bank::Retention retention, call.bank.RetentionOf(p.id));
  json j = PerformerJson(p);
  j["retention"] = RetentionJson(retention);
  return Reply::Json(j);
}

Result<Reply> ListDoubles(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto doubles, call.bank.registry().ListDoubles(PerformerParam(call)));
  json items = json::array();
  for (const auto& d : doubles) items.push_back(DoubleJson(d));
  return Reply::Json({{"doubles", items}});
}

Result<Reply> ListLicences(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto licences, LicencesOf(call));
  json items = json::array();
  for (const auto& v : licences) {
    json j = LicenceJson(v);
    FIGURANT_RETURN_IF_ERROR(AddSuspensions(call.bank, j));
    items.push_back(std::move(j));
  }
  return Reply::Json({{"licences", items}});
}

Result<Reply> ListOffers(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto licences, LicencesOf(call));
  json items = json::array();
  for (const auto& v : licences) {
    if (v.licence.state == registry::LicenceState::kDraft && !v.declined_at)
      items.push_back(LicenceWithDisclosureJson(v));
  }
  return Reply::Json({{"offers", items}});
}

Result<Reply> ShowLicence(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(bank::LicenceView v, call.bank.GetLicence(call.params.at("licence")));
  json j = LicenceWithDisclosureJson(v);
  FIGURANT_RETURN_IF_ERROR(AddSuspensions(call.bank, j));
  return Reply::Json(j);
}

Result<Reply> RevokeLicence(Call& call) {
  BodyFields fields(call.body);
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> effective_text,
                            fields.OptionalString("effective"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  std::optional<Date> effective;
  if (effective_text) {
    auto d = Date::Parse(*effective_text);
    if (!d.ok()) return FieldError("effective", d.status().message());
    effective = *d;
  }
  auto v = call.bank.RevokeLicence(call.params.at("licence"), effective);
  if (v.status().code() == StatusCode::kInvalidArgument) {
    return FieldError("effective", v.status().message());
  }
  FIGURANT_RETURN_IF_ERROR(v.status());
  return Reply::Json(LicenceJson(*v));
}

Result<Reply> StatementJson(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(json doc, PerformerStatementWithTitles(call, PerformerParam(call)));
  return Reply::Json(doc);
}

Result<Reply> StatementCsv(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const ledger::Statements* s, Statements(call));
  Reply r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = ledger::PerformerStatementCsv(*s, PerformerParam(call), std::nullopt);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"statement.csv\"");
  return r;
}

Result<json> AppearancesWithCrops(Call& call, const std::string& performer) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  FIGURANT_ASSIGN_OR_RETURN(const ledger::Appearances* a,
                            call.state.ledger_views.Appearances(*l, performer));
  FIGURANT_ASSIGN_OR_RETURN(const std::vector<registry::AppearanceCropRow> crops,
                            registry::ListAppearanceCrops(call.bank.registry(), performer));
  std::map<std::pair<std::string, std::string>, const registry::AppearanceCropRow*> by_shot;
  for (const registry::AppearanceCropRow& c : crops) by_shot[{c.production_id, c.shot}] = &c;
  json doc = ledger::AppearancesJson(*a);
  ProductionTitles titles(call.bank);
  for (json& shot : doc["appearances"]) {
    FIGURANT_ASSIGN_OR_RETURN(shot["production_title"], titles.Of(shot["production"]));
    const auto it = by_shot.find({shot["production"], shot["shot"]});
    if (it == by_shot.end()) {
      shot["crop"] = nullptr;
      continue;
    }
    const registry::AppearanceCropRow& c = *it->second;
    shot["crop"] = {
        {"id", c.id},         {"url", "/api/v1/performers/" + performer + "/crops/" + c.id},
        {"frame", c.frame},   {"double", c.double_id},
        {"pixels", c.pixels}, {"width", c.width},
        {"height", c.height}};
  }
  return doc;
}

Result<Reply> Appearances(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(json doc, AppearancesWithCrops(call, PerformerParam(call)));
  return Reply::Json(doc);
}

Result<Reply> AppearanceCrop(Call& call) {
  Reply r;
  r.content_type = "image/png";
  FIGURANT_ASSIGN_OR_RETURN(r.body, call.bank.AppearanceCropPng(call.params.at("crop")));
  return r;
}

Result<Reply> RequestErasure(Call& call) {
  FIGURANT_RETURN_IF_ERROR(BodyFields(call.body).Finish());
  registry::ErasureRequest request{0, PerformerParam(call), call.principal.user_id,
                                   call.state.clock.Now()};
  FIGURANT_RETURN_IF_ERROR(registry::InsertErasureRequest(call.bank.registry(), request));
  return Reply::Json({{"performer", request.performer_id},
                      {"requested_at", FormatTimestamp(request.requested_at)},
                      {"status", "requested"}},
                     202);
}

}  // namespace figurant::api::internal
