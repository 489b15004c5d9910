// A union auditor's pages (docs/portal.md, "Pages"): /audit verifies a ledger export the auditor
// uploads, beside the verification of the bank's own ledger. Every figure comes from the API; the
// verification runs on the server, with the library `figurant ledger verify` uses (the upload
// route's handler), never in the browser: /assets/union.mjs only sends the file's bytes and shows
// the reply.
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
  };
}

}  // namespace figurant::portal::internal
