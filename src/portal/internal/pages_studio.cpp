// The studio's pages (docs/portal.md, "Pages"): its productions, the licences it offered or holds
// and the offers performers declined, with their reasons (/studio); what a production used and
// owes (/studio/productions/{production}); the offer form, whose disclosure preview the studio
// sees before the draft exists (/studio/offers/new, with assets/studio.mjs).
#include <algorithm>
#include <array>
#include <cstdio>

#include "consent/terms.h"
#include "portal/internal/pages.h"

namespace figurant::portal::internal {

namespace {

using api::Method;
using nlohmann::json;
using registry::UserRole;

// The API route parameters naming the session's own studio.
std::map<std::string, std::string> OwnStudio(const api::Call& call) {
  return {{"studio", call.principal.subject_id}};
}

Result<json> Productions(const api::Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(
      json reply,
      api::CallApi(call, Method::kGet, "/api/v1/studios/{studio}/productions", OwnStudio(call)));
  return reply["productions"];
}

// A number of the API's JSON with two decimals, as the CLI's statements print it.
std::string Fixed2(const json& number) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.2f", number.is_number() ? number.get<double>() : 0.0);
  return buf.data();
}

// The studio's offers in two lists: every licence with its standing in plain words, and the
// declined ones with the performer's reason.
struct OfferLists {
  json offers = json::array();
  json refusals = json::array();
};

OfferLists SplitOffers(const json& offers, const json& t) {
  OfferLists out;
  for (const json& l : offers) {
    const std::string standing = l.value("standing", "");
    if (standing == "declined") {
      out.refusals.push_back({{"id", l["id"]},
                              {"performer_name", l["performer_name"]},
                              {"declined_at", l["declined_at"]},
                              {"reason", l["decline_reason"]}});
      continue;
    }
    const json& periods = l.value("suspensions", json::array());
    const bool paused = standing == "in_force" && l.value("suspended", false) && !periods.empty();
    const std::string standing_text =
        paused ? Say(t, "studio_standing_suspended",
                     {{"date", periods.back()["from"].get<std::string>()}})
               : t.value("studio_standing_" + standing, standing);
    out.offers.push_back({{"id", l["id"]},
                          {"performer_name", l["performer_name"]},
                          {"standing_text", standing_text},
                          {"created_at", l["created_at"]},
                          {"signed_at", l["signed_at"]}});
  }
  return out;
}

Result<api::Reply> StudioHome(api::Call& call) {
  const Language language = LanguageOf(call);
  FIGURANT_ASSIGN_OR_RETURN(json productions, Productions(call));
  FIGURANT_ASSIGN_OR_RETURN(
      json offers,
      api::CallApi(call, Method::kGet, "/api/v1/studios/{studio}/offers", OwnStudio(call)));
  OfferLists lists = SplitOffers(offers["offers"], Strings(language));
  json data = {
      {"productions", productions}, {"offers", lists.offers}, {"refusals", lists.refusals}};
  return RenderPage(call, language, {"studio_title", "studio_home", std::move(data)});
}

// One performer's line of a production's usage (ledger::ProductionStatementJson), as shown.
json UsageRow(const json& line, const json& t) {
  std::string shots;
  for (const json& s : line["shots"]) shots += (shots.empty() ? "" : ", ") + s.get<std::string>();
  const bool unknown = line.value("amount_unknown", false);
  return {{"performer", line["performer"]},
          {"licence", line["licence"]},
          {"shots", shots},
          {"frames", line["frames"]},
          {"screen_seconds", Fixed2(line["screen_seconds"])},
          {"amount", unknown ? t.value("usage_amount_unknown", "")
                             : Fixed2(line["amount"]) + " " + line.value("currency", "")}};
}

// Who filled the production's frames (real or synthetic performers), or null when none did.
json Population(const json& p) {
  if (!p.is_object()) return nullptr;
  return {{"doubles", p["doubles"]},
          {"agents", p["agents"]},
          {"frames", p["frames"]},
          {"screen_seconds", Fixed2(p["screen_seconds"])}};
}

json UsageData(const json& usage, const json& t) {
  json rows = json::array();
  for (const json& line : usage["performers"]) rows.push_back(UsageRow(line, t));
  json totals = json::array();
  for (const auto& [currency, amount] : usage["total"].items()) {
    totals.push_back({{"amount", Fixed2(amount) + " " + currency}});
  }
  const bool has_rows = !rows.empty();
  return {{"rows", rows},
          {"has_rows", has_rows},
          {"totals", totals},
          {"real", Population(usage["real"])},
          {"synthetic", Population(usage["synthetic"])},
          {"warnings", usage["warnings"]},
          {"entries", usage["ledger_head"]["tree_size"]}};
}

Result<api::Reply> ProductionUsagePage(api::Call& call) {
  const Language language = LanguageOf(call);
  const std::string& id = call.params.at("production");
  FIGURANT_ASSIGN_OR_RETURN(
      json usage, api::CallApi(call, Method::kGet, "/api/v1/productions/{production}/usage",
                               {{"production", id}}));
  FIGURANT_ASSIGN_OR_RETURN(json productions, Productions(call));
  json data = UsageData(usage, Strings(language));
  data["id"] = id;
  for (const json& p : productions) {
    if (p["id"] == id) data["production_title"] = p["title"];
  }
  return RenderPage(call, language, {"usage_title", "studio_usage", std::move(data)});
}

// The choices of one term (media, content categories...), each with its words in the catalogue:
// [{value, label}]; `checked` are ticked to begin with.
json Choices(const std::vector<std::string_view>& values, const std::string& prefix, const json& t,
             const std::vector<std::string_view>& checked = {}) {
  json out = json::array();
  for (std::string_view v : values) {
    const std::string value(v);
    const bool on = std::find(checked.begin(), checked.end(), v) != checked.end();
    out.push_back({{"value", value}, {"label", t.value(prefix + value, value)}, {"checked", on}});
  }
  return out;
}

Result<api::Reply> NewOfferPage(api::Call& call) {
  const Language language = LanguageOf(call);
  const json& t = Strings(language);
  FIGURANT_ASSIGN_OR_RETURN(json productions, Productions(call));
  json data = {
      {"studio", call.principal.subject_id},
      {"productions", productions},
      {"uses", Choices({consent::UseName(consent::Use::kBackground),
                        consent::UseName(consent::Use::kFeaturedBackground)},
                       "offer_use_", t, {consent::UseName(consent::Use::kBackground)})},
      {"media", Choices(consent::KnownMedia(), "offer_medium_", t)},
      {"alterations", Choices({consent::AlterationName(consent::Alteration::kWardrobeTint),
                               consent::AlterationName(consent::Alteration::kBodyScale),
                               consent::AlterationName(consent::Alteration::kFace)},
                              "offer_alteration_", t,
                              {consent::AlterationName(consent::Alteration::kWardrobeTint)})},
      {"content", Choices(consent::KnownContentCategories(), "offer_content_", t)},
  };
  return RenderPage(call, language, {"offer_new_title", "studio_offer_new", std::move(data)});
}

}  // namespace

std::vector<api::Route> StudioPages() {
  return {
      {Method::kGet, "/studio", {UserRole::kStudio}, "The studio's home", StudioHome},
      {Method::kGet,
       "/studio/productions/{production}",
       {UserRole::kStudio},
       "What a production used and owes",
       ProductionUsagePage},
      {Method::kGet,
       "/studio/offers/new",
       {UserRole::kStudio},
       "Offer a performer a licence",
       NewOfferPage},
  };
}

}  // namespace figurant::portal::internal
