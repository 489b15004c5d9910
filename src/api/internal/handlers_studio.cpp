// A studio's productions, offers and usage. Authorise has checked {studio} is the session's and
// {production} one of its productions.
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "ledger/statement.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

// The terms of an offer may only name the studio's own productions: another studio's production
// (or none) is refused as a bad field, in the same words either way.
Status CheckOwnProductions(Call& call, const json& terms) {
  const auto it = terms.find("productions");
  if (it == terms.end() || !it->is_array()) return Status::Ok();  // ParseTerms says why
  for (size_t i = 0; i < it->size(); ++i) {
    const json& id = (*it)[i];
    if (!id.is_string()) continue;
    auto p = call.bank.registry().GetProduction(id.get<std::string>());
    if (!p.ok() || p->studio_id != call.params.at("studio")) {
      return FieldError("terms.productions[" + std::to_string(i) + "]",
                        "not a production of this studio");
    }
  }
  return Status::Ok();
}

// ParseTerms names fields of the terms document ("terms: field 'uses'"); the client sent them
// inside the body's `terms`, so the reply names "terms.uses".
Status AsBodyFields(const Status& s) {
  if (s.code() != StatusCode::kInvalidArgument) return s;
  std::string m = s.message();
  const std::string from = "terms: field '";
  const std::string to = std::string(kBodySource) + ": field 'terms.";
  for (size_t at = 0; (at = m.find(from, at)) != std::string::npos; at += to.size()) {
    m.replace(at, from.size(), to);
  }
  return InvalidArgument(m.find(kBodySource) == std::string::npos
                             ? std::string(kBodySource) + ": field 'terms': " + m
                             : m);
}

// An offer's body, as MakeOffer and PreviewOffer read it: the performer and their terms, the
// terms naming only the studio's own productions.
struct OfferBody {
  std::string performer;
  json terms;
};

Result<OfferBody> ReadOfferBody(Call& call) {
  BodyFields fields(call.body);
  OfferBody in;
  FIGURANT_ASSIGN_OR_RETURN(in.performer, fields.RequiredString("performer"));
  FIGURANT_ASSIGN_OR_RETURN(in.terms, fields.RequiredObject("terms"));
  FIGURANT_RETURN_IF_ERROR(fields.Finish());
  FIGURANT_RETURN_IF_ERROR(CheckOwnProductions(call, in.terms));
  return in;
}

}  // namespace

Result<Reply> ListProductions(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto all, call.bank.registry().ListProductions());
  json items = json::array();
  for (const auto& p : all) {
    if (p.studio_id == call.params.at("studio")) items.push_back(ProductionJson(p));
  }
  return Reply::Json({{"productions", items}});
}

Result<Reply> ListStudioOffers(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(auto licences,
                            call.bank.ListLicences(std::nullopt, call.params.at("studio")));
  json items = json::array();
  for (const auto& v : licences) {
    json j = LicenceJson(v);
    // A licence its performer paused refuses renders: the studio sees that before rendering.
    FIGURANT_RETURN_IF_ERROR(AddSuspensions(call.bank, j));
    items.push_back(std::move(j));
  }
  return Reply::Json({{"offers", items}});
}

Result<Reply> MakeOffer(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const OfferBody in, ReadOfferBody(call));
  auto v = call.bank.DraftLicence(in.performer, call.params.at("studio"), in.terms.dump(), "terms");
  FIGURANT_RETURN_IF_ERROR(AsBodyFields(v.status()));
  return Reply::Json(LicenceWithDisclosureJson(*v), 201);
}

Result<Reply> PreviewOffer(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const OfferBody in, ReadOfferBody(call));
  auto draft =
      call.bank.PrepareDraft(in.performer, call.params.at("studio"), in.terms.dump(), "terms");
  FIGURANT_RETURN_IF_ERROR(AsBodyFields(draft.status()));
  return Reply::Json({{"disclosure", draft->disclosure},
                      {"disclosure_sha256", Sha256Hex(draft->disclosure)},
                      {"language", draft->language}});
}

Result<Reply> ReofferLicence(Call& call) {
  FIGURANT_RETURN_IF_ERROR(BodyFields(call.body).Finish());
  FIGURANT_ASSIGN_OR_RETURN(const bank::LicenceView v,
                            call.bank.ReofferLicence(call.params.at("licence")));
  return Reply::Json(LicenceWithDisclosureJson(v), 201);
}

Result<Reply> ProductionUsage(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  // Computed once per ledger head, whichever request asks first (api/ledger_views.h).
  FIGURANT_ASSIGN_OR_RETURN(const ledger::Statements* s, call.state.ledger_views.Statements(*l));
  return Reply::Json(ledger::ProductionStatementJson(*s, call.params.at("production")));
}

}  // namespace figurant::api::internal
