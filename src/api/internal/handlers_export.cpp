// A performer's data, all of it: the right of access and the right to data portability (GDPR
// art. 15 and 20: "in a structured, commonly used and machine-readable format"). The export is
// one JSON document built from the JSON forms every other route answers with (api/json_forms.h,
// the ledger's statement and appearances), and each double's geometry is a glTF 2.0 binary
// (interchange/gltf_export.h). docs/api.md, "Your data: the export", specifies every field and
// what is left out and why. Authorise has checked {performer} is the session's and {double} theirs.
#include "api/internal/handlers.h"
#include "api/json_forms.h"
#include "interchange/gltf_export.h"
#include "ledger/consent_audit.h"
#include "ledger/statement.h"
#include "render/thumbnail.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

constexpr std::string_view kExportFormat = "figurant-performer-export-v1";

std::string MeshPath(const registry::Double& d) {
  return "/api/v1/performers/" + d.performer_id + "/doubles/" + d.id + "/mesh.glb";
}

Reply Attachment(Reply r, const std::string& filename) {
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  return r;
}

// The performer's record, retention and estate, as the profile route shows the first two.
Result<json> ProfilePart(bank::Bank& bank, const std::string& performer_id,
                         const std::optional<registry::Estate>& estate) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, bank.registry().GetPerformer(performer_id));
  FIGURANT_ASSIGN_OR_RETURN(bank::Retention retention, bank.RetentionOf(p.id));
  json j = PerformerJson(p);
  j["retention"] = RetentionJson(retention);
  j["estate"] = estate ? EstateJson(*estate) : json(nullptr);
  return j;
}

// Erased doubles too (their row says when and what remains); a mesh only for those with geometry.
Result<json> DoublesPart(bank::Bank& bank, const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(auto doubles, bank.registry().ListDoubles(performer_id));
  json items = json::array();
  for (const registry::Double& d : doubles) {
    json j = DoubleJson(d);
    const bool has_mesh = d.status != registry::DoubleStatus::kErased && d.blob_id.has_value();
    j["mesh"] = has_mesh ? json(MeshPath(d)) : json(nullptr);
    items.push_back(std::move(j));
  }
  return items;
}

// What the ledger's signed statements say of the performer, each re-verified under the signer's
// key of the time, as `ledger verify` does. (The money statement and appearances come from the
// server's views, as their routes answer them.)
Result<std::unique_ptr<ledger::ConsentAuditor>> AuditLedger(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  auto audit = std::make_unique<ledger::ConsentAuditor>();
  FIGURANT_RETURN_IF_ERROR(l->ForEach([&](const ledger::Entry& e) { return audit->Add(e); }));
  return audit;
}

// Every licence, drafts included, with its exact disclosure, consent record and signature, and
// its suspensions.
Result<json> LicencesPart(bank::Bank& bank, const std::string& performer_id,
                          const ledger::StatementIndex& statements) {
  FIGURANT_ASSIGN_OR_RETURN(auto licences, bank.ListLicences(performer_id));
  json items = json::array();
  for (const bank::LicenceView& v : licences) {
    json j = LicenceWithDisclosureJson(v);
    json suspensions = json::array();
    for (const consent::Suspension& s : statements.SuspensionsOf(v.licence.id)) {
      suspensions.push_back(DatePeriodJson(s));
    }
    j["suspensions"] = std::move(suspensions);
    j["suspended"] = statements.Suspended(v.licence.id);
    items.push_back(std::move(j));
  }
  return items;
}

// The keys the performer (and their estate) enrolled, oldest first, with their periods.
Result<json> KeysPart(bank::Bank& bank, const std::string& performer_id,
                      const std::optional<registry::Estate>& estate) {
  FIGURANT_ASSIGN_OR_RETURN(auto keys, bank.KeysOf(consent::Signer::kPerformer, performer_id));
  if (estate) {
    FIGURANT_ASSIGN_OR_RETURN(auto estate_keys, bank.KeysOf(consent::Signer::kEstate, estate->id));
    keys.insert(keys.end(), estate_keys.begin(), estate_keys.end());
  }
  json items = json::array();
  for (const registry::SignerKey& k : keys) items.push_back(SignerKeyJson(k));
  return items;
}

// The unions the performer belongs to now and the strikes that held for them.
json UnionsPart(const std::string& performer_id, const ledger::StatementIndex& statements) {
  json strikes = json::array();
  for (const consent::Strike& s : statements.StrikesFor(performer_id)) {
    json j = DatePeriodJson(s.period);
    j["union"] = s.union_id;
    j["studio"] = s.studio_id;
    strikes.push_back(std::move(j));
  }
  return {{"unions", statements.UnionsOf(performer_id)}, {"strikes", std::move(strikes)}};
}

// The log-in users that act for the performer (never their sessions) and their erasure requests.
Result<json> AccountsPart(bank::Bank& bank, const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(auto users, registry::ListUsers(bank.registry()));
  FIGURANT_ASSIGN_OR_RETURN(auto requests, registry::ListErasureRequests(bank.registry()));
  json user_items = json::array();
  for (const registry::User& u : users) {
    if (u.role == registry::UserRole::kPerformer && u.subject_id == performer_id) {
      user_items.push_back(UserJson(u));
    }
  }
  json request_items = json::array();
  for (const registry::ErasureRequest& r : requests) {
    if (r.performer_id == performer_id) request_items.push_back(ErasureRequestJson(r));
  }
  return json{{"users", std::move(user_items)}, {"erasure_requests", std::move(request_items)}};
}

// The {double}'s record, or FailedPrecondition for a placeholder without geometry.
Result<registry::Double> StoredDouble(Call& call) {
  const std::string& id = call.params.at("double");
  FIGURANT_ASSIGN_OR_RETURN(registry::Double d, call.bank.registry().GetDouble(id));
  if (!d.blob_id) return FailedPrecondition("double " + id + " has no geometry (a placeholder)");
  return d;
}

}  // namespace

Result<Reply> DoubleMesh(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Double d, StoredDouble(call));
  FIGURANT_ASSIGN_OR_RETURN(geom::DoubleAsset asset, call.bank.LoadDouble(d.id));
  interchange::GltfOptions options;
  options.name = d.id;  // the label is the performer's words; the id names the file anywhere
  Reply r;
  FIGURANT_ASSIGN_OR_RETURN(r.body, interchange::EncodeGlb(asset.mesh, options));
  r.content_type = "model/gltf-binary";
  return Attachment(std::move(r), d.id + ".glb");
}

Result<Reply> DoubleThumbnail(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Double d, StoredDouble(call));
  Reply r;
  r.content_type = "image/png";
  ThumbnailCache& cache = call.state.thumbnails;
  {
    std::lock_guard lock(cache.mutex);
    if (auto it = cache.png.find(d.id); it != cache.png.end()) {
      r.body = it->second;
      return r;
    }
  }
  FIGURANT_ASSIGN_OR_RETURN(geom::DoubleAsset asset, call.bank.LoadDouble(d.id));
  FIGURANT_ASSIGN_OR_RETURN(r.body,
                            render::RenderThumbnailPng(asset, kThumbnailWidth, kThumbnailHeight));
  std::lock_guard lock(cache.mutex);
  if (cache.png.size() >= ThumbnailCache::kMaxEntries) cache.png.erase(cache.png.begin());
  cache.png.emplace(d.id, r.body);
  return r;
}

Result<Reply> ExportPerformer(Call& call) {
  bank::Bank& bank = call.bank;
  const std::string& performer_id = call.params.at("performer");
  FIGURANT_ASSIGN_OR_RETURN(std::optional<registry::Estate> estate,
                            bank.registry().GetEstateOf(performer_id));
  FIGURANT_ASSIGN_OR_RETURN(std::unique_ptr<ledger::ConsentAuditor> audit, AuditLedger(call));
  const ledger::StatementIndex& statements = audit->statements();
  json doc = {{"format", kExportFormat}, {"exported_at", FormatTimestamp(call.state.clock.Now())}};
  FIGURANT_ASSIGN_OR_RETURN(doc["performer"], ProfilePart(bank, performer_id, estate));
  FIGURANT_ASSIGN_OR_RETURN(doc["doubles"], DoublesPart(bank, performer_id));
  FIGURANT_ASSIGN_OR_RETURN(doc["licences"], LicencesPart(bank, performer_id, statements));
  FIGURANT_ASSIGN_OR_RETURN(doc["keys"], KeysPart(bank, performer_id, estate));
  doc["memberships"] = UnionsPart(performer_id, statements);
  FIGURANT_ASSIGN_OR_RETURN(doc["appearances"], AppearancesWithCrops(call, performer_id));
  FIGURANT_ASSIGN_OR_RETURN(doc["statement"], PerformerStatementWithTitles(call, performer_id));
  FIGURANT_ASSIGN_OR_RETURN(json accounts, AccountsPart(bank, performer_id));
  doc["users"] = std::move(accounts["users"]);
  doc["erasure_requests"] = std::move(accounts["erasure_requests"]);
  return Attachment(Reply::Json(doc), "figurant-export-" + performer_id + ".json");
}

}  // namespace figurant::api::internal
