// A union auditor's pages (docs/portal.md, "Pages"): /audit verifies a ledger export the auditor
// uploads, beside the verification of the bank's own ledger; /audit/members lists the union's
// members and what each is owed; /audit/strikes lists the union's strikes and declares or ends one
// with a statement signed on the union's own device (the bank never holds the union's key). Every
// figure comes from the API; the verification runs on the server, with the library `figurant ledger
// verify` uses (the upload route's handler), never in the browser: /assets/union.mjs only sends the
// file's bytes and shows the reply.
#include <algorithm>
#include <iomanip>
#include <sstream>

#include "core/clock.h"
#include "portal/internal/pages.h"

namespace figurant::portal::internal {

namespace {

using api::Method;
using nlohmann::json;
using registry::UserRole;

constexpr std::string_view kUploadRoute = "/api/v1/ledger/verification/upload";
constexpr size_t kBytesPerMiB = size_t{1024} * 1024;
// Hex digits shown together, so that a key is compared group by group and wraps on a phone.
constexpr size_t kHexGroup = 8;
// Decimals shown of an amount owed and of seconds on screen.
constexpr int kMoneyDigits = 2, kSecondsDigits = 1;

// "1a2b3c4d 5e6f…": a hex string in groups of kHexGroup digits.
std::string Grouped(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += kHexGroup) {
    if (i > 0) out += ' ';
    out += hex.substr(i, kHexGroup);
  }
  return out;
}

// The largest upload the API's route takes (Route::raw_body_limit). [Units: bytes]
size_t UploadLimit() {
  for (const api::Route& r : api::Routes()) {
    if (r.path == kUploadRoute) return r.raw_body_limit;
  }
  return 0;
}

// GET /ledger/verification's reply, as the page shows it.
json BankVerification(const json& v) {
  if (!v.value("valid", false)) return {{"valid", false}, {"problem", v.value("problem", "")}};
  const json& head = v["head"];
  return {{"valid", true},
          {"entries", v["entries"]},
          {"heads", v["heads"]},
          {"tree_size", head["tree_size"]},
          {"root", Grouped(head.value("root", ""))},
          {"signed_at", FormatTimestamp(head.value("time", int64_t{0}))},
          {"public_key", v["public_key"]},
          {"public_key_grouped", Grouped(v.value("public_key", ""))}};
}

// Amounts and figures as the page shows them: `digits` decimals, with the language's decimal mark.
std::string Decimal(double value, int digits, Language language) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(digits) << value;
  std::string text = out.str();
  if (language == Language::kFrench) std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

// {CURRENCY: amount} as "180.00 EUR, 12.50 USD"; "0" when nothing is owed.
std::string Owed(const json& owed, Language language) {
  std::string out;
  for (const auto& [currency, amount] : owed.items()) {
    if (!out.empty()) out += ", ";
    out += Decimal(amount.get<double>(), kMoneyDigits, language) + " " + currency;
  }
  return out.empty() ? "0" : out;
}

// A member's figures, or the union's (GET /unions/{union}/members `totals`), as table cells.
json TotalsCells(const json& totals, Language language) {
  return {
      {"productions", totals["productions"]},
      {"frames", totals["frames"]},
      {"screen_seconds", Decimal(totals["screen_seconds"].get<double>(), kSecondsDigits, language)},
      {"owed", Owed(totals["owed"], language)}};
}

// A membership period in words: "2026-01-05 → 2026-03-01", or "since 2026-01-05" while open.
std::string PeriodText(const json& period, const json& t) {
  if (period["until"].is_null()) {
    return t.value("members_since", "") + " " + period["from"].get<std::string>();
  }
  return period["from"].get<std::string>() + " → " + period["until"].get<std::string>();
}

json MemberRows(const json& members, const json& t, Language language) {
  json rows = json::array();
  for (const json& m : members) {
    json periods = json::array();
    for (const json& p : m["memberships"]) periods.push_back(PeriodText(p, t));
    rows.push_back(
        {{"performer", m["performer"]},
         {"name", m["name"]},
         {"status", t.value(m["current"].get<bool>() ? "members_current" : "members_left", "")},
         {"periods", periods},
         {"totals", TotalsCells(m["totals"], language)}});
  }
  return rows;
}

// The session's own union: the {union} of the API's routes.
std::map<std::string, std::string> OwnUnion(const api::Call& call) {
  return {{"union", call.principal.subject_id}};
}

Result<api::Reply> Members(api::Call& call) {
  const Language language = LanguageOf(call);
  const json& t = Strings(language);
  FIGURANT_ASSIGN_OR_RETURN(
      json reply,
      api::CallApi(call, Method::kGet, "/api/v1/unions/{union}/members", OwnUnion(call)));
  const json& totals = reply["totals"];
  json data = {{"members", MemberRows(reply["members"], t, language)},
               {"has_members", !reply["members"].empty()},
               {"count", totals["members"]},
               {"current", totals["current_members"]},
               {"totals", TotalsCells(totals, language)},
               {"head_size", reply["ledger_head"]["tree_size"]},
               {"head_root", Grouped(reply["ledger_head"].value("root", ""))}};
  return RenderPage(call, language, {"members_title", "union_members", std::move(data)});
}

json StrikeRows(const json& strikes, const json& t) {
  json rows = json::array();
  for (const json& s : strikes) {
    const bool on = s["until"].is_null();
    rows.push_back({{"studio", s["studio"]},
                    {"from", s["from"]},
                    {"until", on ? t.value("strikes_on", "") : s["until"].get<std::string>()},
                    {"on", on}});
  }
  return rows;
}

Result<api::Reply> Strikes(api::Call& call) {
  const Language language = LanguageOf(call);
  FIGURANT_ASSIGN_OR_RETURN(
      json reply,
      api::CallApi(call, Method::kGet, "/api/v1/unions/{union}/strikes", OwnUnion(call)));
  const std::string base = "/api/v1/unions/" + call.principal.subject_id;
  json data = {{"strikes", StrikeRows(reply["strikes"], Strings(language))},
               {"has_strikes", !reply["strikes"].empty()},
               {"request_route", base + "/strike-request"},
               {"statements_route", base + "/statements"}};
  return RenderPage(call, language, {"strikes_title", "union_strikes", std::move(data)});
}

Result<api::Reply> Audit(api::Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(json bank,
                            api::CallApi(call, Method::kGet, "/api/v1/ledger/verification", {}));
  json data = {{"bank", BankVerification(bank)},
               {"upload_route", kUploadRoute},
               {"upload_limit_bytes", std::to_string(UploadLimit())},
               {"upload_limit_mib", std::to_string(UploadLimit() / kBytesPerMiB)}};
  return RenderPage(call, LanguageOf(call), {"audit_title", "union_audit", std::move(data)});
}

}  // namespace

std::vector<api::Route> UnionPages() {
  return {
      {Method::kGet,
       "/audit",
       {UserRole::kUnion},
       "Verify an uploaded ledger export, and the bank's own ledger",
       Audit},
      {Method::kGet,
       "/audit/members",
       {UserRole::kUnion},
       "The union's members, their membership periods and what each is owed",
       Members},
      {Method::kGet,
       "/audit/strikes",
       {UserRole::kUnion},
       "The union's strikes; declaring or ending one with a statement its own key signs",
       Strikes},
  };
}

}  // namespace figurant::portal::internal
