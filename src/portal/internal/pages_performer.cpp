// A performer's own pages (docs/portal.md, "Pages"): /me (their doubles, licences and offers
// waiting), an offer to read and answer, a signed licence to revoke or suspend, their
// appearances, their statement and their data. Each asks the API for what it shows, as the
// session's own performer, and turns the API's words and numbers into the page's language.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "portal/internal/pages.h"

namespace figurant::portal::internal {

namespace {

using api::Method;
using nlohmann::json;
using registry::UserRole;

const std::string kPerformerApi = "/api/v1/performers/{performer}";

// The API route parameters naming the session's own performer.
std::map<std::string, std::string> Own(const api::Call& call) {
  return {{"performer", call.principal.subject_id}};
}

// The session's performer and the page's {licence} (already authorised as theirs).
std::map<std::string, std::string> OwnLicence(const api::Call& call) {
  return {{"performer", call.principal.subject_id}, {"licence", call.params.at("licence")}};
}

// A word the API answers ("in_force", "blanket"), in the catalogue's plain words: the key
// PREFIX_WORD, or the word itself when the catalogue has none.
std::string Words(const json& t, const std::string& prefix, const std::string& word) {
  return t.value(prefix + word, word);
}

// Each word of the list `words` in plain words, joined with ", "; `none` when it is empty.
std::string WordList(const json& t, const std::string& prefix, const json& words,
                     const std::string& none) {
  std::string out;
  for (const json& w : words) {
    if (!out.empty()) out += ", ";
    out += prefix.empty() ? w.get<std::string>() : Words(t, prefix, w.get<std::string>());
  }
  return out.empty() ? none : out;
}

// `value` with `decimals` decimals in the page's language ("12.5" / "12,5"); with `trim`, the
// trailing zeros and a bare separator go ("12.50" → "12.5", "3.00" → "3").
std::string Decimal(double value, int decimals, bool trim, Language language) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (trim && text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (language == Language::kFrench) {
    if (const size_t dot = text.find('.'); dot != std::string::npos) text[dot] = ',';
  }
  return text;
}

// An amount with its currency: "180.00 EUR", in French "180,00 EUR".
std::string Money(double amount, const std::string& currency, Language language) {
  constexpr int kCents = 2;
  return Decimal(amount, kCents, false, language) + "\u00a0" + currency;
}

// Screen time: "12.5 s", in French "12,5 s".
std::string Seconds(double seconds, Language language) {
  constexpr int kTenthsAndHundredths = 2;
  return Decimal(seconds, kTenthsAndHundredths, true, language) + "\u00a0s";
}

// A fraction of the frame's height as a percentage: 0.2 → "20 %" (French) / "20%" (English).
std::string Percent(double fraction, Language language) {
  constexpr double kPercent = 100;
  constexpr int kTenths = 1;
  const std::string n = Decimal(fraction * kPercent, kTenths, true, language);
  return language == Language::kFrench ? n + "\u00a0%" : n + "%";
}

// The day of an API timestamp ("2026-06-01T12:00:00Z" → "2026-06-01"); "" for null.
std::string DayOf(const json& timestamp) {
  constexpr size_t kDateLength = 10;
  return timestamp.is_string() ? timestamp.get<std::string>().substr(0, kDateLength) : "";
}

// ---- /me

// A licence's standing in words; a licence in force that its performer paused says so, with the
// day the pause began (the latest of `suspensions`, docs/api.md).
std::string StandingText(const json& t, const json& licence) {
  const std::string standing = licence.value("standing", "");
  const json& periods = licence.value("suspensions", json::array());
  if (standing == "in_force" && licence.value("suspended", false) && !periods.empty()) {
    return Say(t, "standing_suspended", {{"date", periods.back()["from"].get<std::string>()}});
  }
  return Words(t, "standing_", standing);
}

json LicenceItems(const json& licences, const json& t) {
  json out = json::array();
  for (const json& l : licences) {
    if (l.value("standing", "") == "draft") continue;  // offers are shown apart
    json flags = json::array();
    for (const json& f : l["flags"]) flags.push_back(Words(t, "flag_", f.get<std::string>()));
    out.push_back({{"id", l["id"]},
                   {"studio_name", l["studio_name"]},
                   {"standing_text", StandingText(t, l)},
                   {"flags", flags}});
  }
  return out;
}

json DoubleItems(const json& doubles, const json& t) {
  json out = json::array();
  for (const json& d : doubles) {
    const std::string status = d.value("status", "");
    json item = {{"id", d["id"]}, {"status_text", Words(t, "double_status_", status)}};
    if (status == "ready") {  // stored with its geometry: the API renders its thumbnail
      item["thumbnail"] = "/api/v1/performers/" + d.value("performer", "") + "/doubles/" +
                          d.value("id", "") + "/thumbnail.png";
    }
    out.push_back(std::move(item));
  }
  return out;
}

Result<api::Reply> PerformerHome(api::Call& call) {
  const Language language = LanguageOf(call);
  const json& t = Strings(language);
  FIGURANT_ASSIGN_OR_RETURN(
      json doubles, api::CallApi(call, Method::kGet, kPerformerApi + "/doubles", Own(call)));
  FIGURANT_ASSIGN_OR_RETURN(
      json licences, api::CallApi(call, Method::kGet, kPerformerApi + "/licences", Own(call)));
  FIGURANT_ASSIGN_OR_RETURN(json offers,
                            api::CallApi(call, Method::kGet, kPerformerApi + "/offers", Own(call)));
  json offer_items = json::array();
  for (const json& o : offers["offers"]) {
    offer_items.push_back({{"id", o["id"]},
                           {"studio_name", o["studio_name"]},
                           {"created_at", DayOf(o["created_at"])}});
  }
  json data = {{"doubles", DoubleItems(doubles["doubles"], t)},
               {"licences", LicenceItems(licences["licences"], t)},
               {"offers", offer_items},
               {"has_offers", !offers["offers"].empty()}};
  return RenderPage(call, language, {"home_title", "performer_home", std::move(data)});
}

// ---- a licence's terms in plain words (consent/terms.h, docs/licence.md)

// The page's language and catalogue, for the functions that put the API's answers in words.
struct Wording {
  Language language;
  const json& t;
};

json Row(const json& t, const std::string& label_key, const std::string& value) {
  return {{"label", t.value(label_key, label_key)}, {"value", value}};
}

std::string DatesInWords(const Wording& w, const json& terms) {
  if (terms["valid_until"].is_null())
    return Say(w.t, "terms_dates_perpetual", {{"from", terms["valid_from"]}});
  return Say(w.t, "terms_dates_value",
             {{"from", terms["valid_from"]}, {"until", terms["valid_until"]}});
}

// What the studio pays, one row per kind of payment.
void PayRows(const Wording& w, const json& pay, json& rows) {
  const std::string currency = pay.value("currency", "");
  for (const char* kind :
       {"scan_fee", "per_production_fee", "per_screen_second", "minimum_per_production"}) {
    rows.push_back(
        Row(w.t, std::string("pay_") + kind, Money(pay.value(kind, 0.0), currency, w.language)));
  }
}

// The terms JSON of a licence (consent::TermsToJson) as rows {label, value} of plain words.
json TermsRows(const Wording& w, const json& terms, const std::string& studio_name) {
  const json& t = w.t;
  json rows = json::array();
  rows.push_back(Row(t, "terms_studio", studio_name));
  rows.push_back(Row(t, "terms_productions",
                     terms["productions"].is_string()
                         ? Say(t, "terms_productions_any", {{"studio", studio_name}})
                         : WordList(t, "", terms["productions"], "")));
  rows.push_back(Row(t, "terms_uses", WordList(t, "use_", terms["uses"], "")));
  rows.push_back(Row(t, "terms_media", WordList(t, "media_", terms["media"], "")));
  rows.push_back(Row(t, "terms_territories", WordList(t, "territory_", terms["territories"], "")));
  rows.push_back(Row(t, "terms_dates", DatesInWords(w, terms)));
  rows.push_back(
      Row(t, "terms_height",
          Say(t, "terms_height_value",
              {{"percent", Percent(terms.value("max_screen_height_fraction", 0.0), w.language)}})));
  rows.push_back(
      Row(t, "terms_alterations",
          WordList(t, "alteration_", terms["alterations"], t.value("terms_alterations_none", ""))));
  rows.push_back(
      Row(t, "terms_excluded",
          WordList(t, "content_", terms["excluded_content"], t.value("terms_excluded_none", ""))));
  PayRows(w, terms["compensation"], rows);
  rows.push_back(Row(t, "terms_revocation",
                     terms.value("revocable", false)
                         ? Say(t, "terms_revocable",
                               {{"days", std::to_string(terms.value("revocation_notice_days", 0))}})
                         : t.value("terms_irrevocable", "")));
  return rows;
}

// The earliest date a revocation made today would take effect: today plus the terms' notice
// period, as Bank::RevokeLicence computes it; null when the terms are irrevocable.
json EarliestRevocation(const api::Call& call, const json& terms) {
  if (!terms.value("revocable", false)) return nullptr;
  return call.state.clock.Today().AddDays(terms.value("revocation_notice_days", 0)).ToString();
}

json FlagWords(const json& t, const json& flags) {
  json out = json::array();
  for (const json& f : flags) out.push_back(Words(t, "flag_", f.get<std::string>()));
  return out;
}

// The session's licence {licence} as the API shows it, disclosure included.
Result<json> FetchLicence(const api::Call& call) {
  return api::CallApi(call, Method::kGet, kPerformerApi + "/licences/{licence}", OwnLicence(call));
}

// What the offer and licence pages both show of a licence; `summary` is its flags and terms in
// plain words (templates/performer_terms.html) under the heading `terms_title_key`.
Result<json> LicenceData(const api::Call& call, const Wording& w, const json& licence,
                         const std::string& terms_title_key) {
  const json summary = {{"flags", FlagWords(w.t, licence["flags"])},
                        {"has_flags", !licence["flags"].empty()},
                        {"terms", TermsRows(w, licence["terms"], licence.value("studio_name", ""))},
                        {"terms_title", w.t.value(terms_title_key, terms_title_key)}};
  FIGURANT_ASSIGN_OR_RETURN(std::string summary_html,
                            RenderTemplate("performer_terms", w.language, summary));
  const json earliest = EarliestRevocation(call, licence["terms"]);
  return json{{"id", licence["id"]},
              {"performer", call.principal.subject_id},
              {"studio_name", licence["studio_name"]},
              {"language", licence["language"]},
              {"standing_text", StandingText(w.t, licence)},
              {"suspended", licence.value("suspended", false)},
              {"summary", summary_html},
              {"earliest_revocation", earliest},
              {"earliest_revocation_text",
               earliest.is_null() ? w.t.value("offer_no_revocation", "")
                                  : Say(w.t, "offer_earliest_revocation", {{"date", earliest}})}};
}

// ---- /me/offers/{licence}

Result<api::Reply> OfferPage(api::Call& call) {
  const Language language = LanguageOf(call);
  const Wording w{language, Strings(language)};
  FIGURANT_ASSIGN_OR_RETURN(json licence, FetchLicence(call));
  if (licence.value("state", "") != "draft")
    return Redirect("/me/licences/" + call.params.at("licence"));
  FIGURANT_ASSIGN_OR_RETURN(json data, LicenceData(call, w, licence, "offer_terms_title"));
  data["disclosure"] = licence["disclosure"];
  data["declined"] = !licence["declined_at"].is_null();
  data["declined_text"] = Say(w.t, "offer_declined_on", {{"date", DayOf(licence["declined_at"])}});
  data["decline_reason"] = licence["decline_reason"];
  return RenderPage(call, language, {"offer_title", "performer_offer", std::move(data)});
}

// ---- /me/licences/{licence}

// How the licence was signed: who signed it, when, and whether they were represented.
json ConsentRows(const Wording& w, const json& licence) {
  json rows = json::array();
  if (!licence.contains("consent")) return rows;
  const json& c = licence["consent"];
  rows.push_back(Row(w.t, "licence_signed_at", DayOf(c["signed_at"])));
  rows.push_back(Row(w.t, "licence_signer", Words(w.t, "signer_", c.value("signer", ""))));
  rows.push_back(Row(w.t, "licence_representation",
                     Words(w.t, "representation_", c.value("representation", ""))));
  return rows;
}

// Revoking: allowed for an active, revocable licence not already revoked.
json RevokeData(const Wording& w, const json& licence) {
  const json& terms = licence["terms"];
  const bool can = licence.value("state", "") == "active" && terms.value("revocable", false) &&
                   licence["revoked_from"].is_null();
  json data = {{"can_revoke", can}};
  if (!licence["revoked_from"].is_null()) {
    data["revoked_text"] =
        Say(w.t, "licence_revoked_from", {{"date", licence["revoked_from"].get<std::string>()}});
  }
  data["revoke_notice"] = Say(w.t, "licence_revoke_notice",
                              {{"days", std::to_string(terms.value("revocation_notice_days", 0))}});
  return data;
}

// A licence signed under a disclosure that did not say the double may be moved (the flag
// reconfirm_for_movement, docs/licence.md "Disclosure versions"): what changed and how to confirm
// again — the studio's re-offer of the same terms, linked when one waits among the performer's
// offers. Empty for any other licence.
Result<json> MovementNotice(const api::Call& call, const Wording& w, const json& licence) {
  const json& flags = licence["flags"];
  if (std::find(flags.begin(), flags.end(), "reconfirm_for_movement") == flags.end()) {
    return json::object();
  }
  FIGURANT_ASSIGN_OR_RETURN(json offers,
                            api::CallApi(call, Method::kGet, kPerformerApi + "/offers", Own(call)));
  const std::map<std::string, std::string> studio = {{"studio", licence.value("studio_name", "")}};
  json notice = {{"movement", true},
                 {"movement_changed",
                  Say(w.t, "licence_movement_changed",
                      {{"version", std::to_string(licence.value("disclosure_version", 0))}})}};
  for (const json& o : offers["offers"]) {
    const json& version = o["disclosure_version"];
    if (o["studio"] == licence["studio"] && o["terms"] == licence["terms"] &&
        version.is_number_integer() &&
        version.get<int>() > licence.value("disclosure_version", 0)) {
      notice["movement_offer"] = o["id"];
      notice["movement_offer_text"] = Say(w.t, "licence_movement_offer", studio);
      return notice;
    }
  }
  notice["movement_ask"] = Say(w.t, "licence_movement_ask", studio);
  return notice;
}

Result<api::Reply> LicencePage(api::Call& call) {
  const Language language = LanguageOf(call);
  const Wording w{language, Strings(language)};
  FIGURANT_ASSIGN_OR_RETURN(json licence, FetchLicence(call));
  if (licence.value("state", "") == "draft")
    return Redirect("/me/offers/" + call.params.at("licence"));
  FIGURANT_ASSIGN_OR_RETURN(json data, LicenceData(call, w, licence, "licence_terms_title"));
  data["consent"] = ConsentRows(w, licence);
  data["active"] = licence.value("state", "") == "active";
  data.update(RevokeData(w, licence));
  FIGURANT_ASSIGN_OR_RETURN(const json movement, MovementNotice(call, w, licence));
  data.update(movement);
  if (data["earliest_revocation"].is_string()) {
    data["earliest_revocation_text"] =
        Say(w.t, "licence_earliest_revocation",
            {{"date", data["earliest_revocation"].get<std::string>()}});
  }
  return RenderPage(call, language, {"licence_title", "performer_licence", std::move(data)});
}

// ---- /me/appearances

// A production as a performer's table shows it: its title when the bank has one, with the id
// beneath it (what the CSV and the ledger name); else the id alone.
json ProductionCell(const json& row) {
  const json title = row.value("production_title", json());
  return {{"name", title.is_string() ? title : row["production"]},
          {"id", row["production"]},
          {"titled", title.is_string()}};
}

// Frame ranges [[first, last], ...] as "1–24, 30–48" (a single frame as "7").
std::string RangesText(const json& ranges) {
  std::string out;
  for (const json& r : ranges) {
    if (!out.empty()) out += ", ";
    const auto first = r[0].get<int64_t>(), last = r[1].get<int64_t>();
    out += first == last ? std::to_string(first)
                         : std::to_string(first) + "\u2013" + std::to_string(last);
  }
  return out;
}

// The shot's appearance crop as the page shows it (docs/portal.md, "Appearance crops"), or null.
json CropView(const json& t, const json& shot) {
  const json& crop = shot.value("crop", json());
  if (!crop.is_object()) return nullptr;
  return {{"url", crop["url"]},
          {"width", crop["width"]},
          {"height", crop["height"]},
          {"alt", Say(t, "appearances_crop_alt",
                      {{"shot", shot["shot"].get<std::string>()},
                       {"frame", std::to_string(crop["frame"].get<int64_t>())}})}};
}

Result<api::Reply> AppearancesPage(api::Call& call) {
  const Language language = LanguageOf(call);
  FIGURANT_ASSIGN_OR_RETURN(
      json a, api::CallApi(call, Method::kGet, kPerformerApi + "/appearances", Own(call)));
  json shots = json::array();
  for (const json& s : a["appearances"]) {
    shots.push_back({{"production", ProductionCell(s)},
                     {"shot", s["shot"]},
                     {"ranges", RangesText(s["frames"])},
                     {"frames", std::to_string(s.value("frame_count", int64_t{0}))},
                     {"seconds", Seconds(s.value("screen_seconds", 0.0), language)},
                     {"height", Percent(s.value("max_height_fraction", 0.0), language)},
                     {"crop", CropView(Strings(language), s)}});
  }
  json data = {{"has_shots", !shots.empty()},
               {"shots", shots},
               {"total", Seconds(a.value("screen_seconds", 0.0), language)},
               {"warnings", a["warnings"]}};
  return RenderPage(call, language, {"appearances_title", "performer_appearances", data});
}

// ---- /me/statement

// A production line of the statement: what was counted and what it comes to.
json StatementLine(const Wording& w, const json& line) {
  std::string shots;
  for (const json& s : line["shots"]) shots += (shots.empty() ? "" : ", ") + s.get<std::string>();
  return {
      {"production", ProductionCell(line)},
      {"licence", line["licence"]},
      {"shots", shots},
      {"frames", std::to_string(line.value("frames", int64_t{0}))},
      {"seconds", Seconds(line.value("screen_seconds", 0.0), w.language)},
      {"amount", line.contains("amount_unknown")
                     ? w.t.value("statement_amount_unknown", "")
                     : Money(line.value("amount", 0.0), line.value("currency", ""), w.language)}};
}

Result<api::Reply> StatementPage(api::Call& call) {
  const Language language = LanguageOf(call);
  const Wording w{language, Strings(language)};
  FIGURANT_ASSIGN_OR_RETURN(
      json s, api::CallApi(call, Method::kGet, kPerformerApi + "/statement", Own(call)));
  json lines = json::array(), fees = json::array(), totals = json::array();
  for (const json& l : s["productions"]) lines.push_back(StatementLine(w, l));
  for (const json& f : s.value("scan_fees", json::array())) {
    fees.push_back(
        {{"licence", f["licence"]},
         {"amount", Money(f.value("scan_fee", 0.0), f.value("currency", ""), language)}});
  }
  for (const auto& [currency, amount] : s["total"].items())
    totals.push_back(Money(amount.get<double>(), currency, language));
  json data = {{"lines", lines},
               {"fees", fees},
               {"totals", totals},
               {"synthetic", s.value("synthetic", false)},
               {"warnings", s["warnings"]},
               {"csv", "/api/v1/performers/" + call.principal.subject_id + "/statement.csv"}};
  return RenderPage(call, language, {"statement_title", "performer_statement", data});
}

// ---- /me/data

Result<api::Reply> DataPage(api::Call& call) {
  const Language language = LanguageOf(call);
  const json& t = Strings(language);
  FIGURANT_ASSIGN_OR_RETURN(json me, api::CallApi(call, Method::kGet, kPerformerApi, Own(call)));
  const json& retention = me["retention"];
  const std::string base = "/api/v1/performers/" + call.principal.subject_id;
  json data = {{"export", base + "/export"},
               {"export_name", "figurant-export-" + call.principal.subject_id + ".json"},
               {"erasure", base + "/erasure-request"}};
  if (retention["erase_on"].is_string()) {
    data["retention_text"] =
        Say(t, "data_retention", {{"date", retention["erase_on"].get<std::string>()}});
  }
  return RenderPage(call, language, {"data_title", "performer_data", std::move(data)});
}

}  // namespace

std::vector<api::Route> PerformerPages() {
  return {
      {Method::kGet, "/me", {UserRole::kPerformer}, "The performer's home", PerformerHome},
      {Method::kGet,
       "/me/offers/{licence}",
       {UserRole::kPerformer},
       "An offer: the exact disclosure, the terms in plain words, sign or decline",
       OfferPage},
      {Method::kGet,
       "/me/licences/{licence}",
       {UserRole::kPerformer},
       "A signed licence: its standing, revoke, suspend or resume",
       LicencePage},
      {Method::kGet,
       "/me/appearances",
       {UserRole::kPerformer},
       "Every shot the performer's doubles appear in",
       AppearancesPage},
      {Method::kGet,
       "/me/statement",
       {UserRole::kPerformer},
       "What the performer is owed, with the CSV",
       StatementPage},
      {Method::kGet,
       "/me/data",
       {UserRole::kPerformer},
       "Download all my data; ask to be erased",
       DataPage},
  };
}

}  // namespace figurant::portal::internal
