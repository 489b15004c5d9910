#include "api/json_forms.h"

#include "webauthn/assertion.h"

namespace figurant::api {

using nlohmann::json;

json PerformerJson(const registry::Performer& p) {
  json j = {{"id", p.id},
            {"name", p.name},
            {"language", p.language},
            {"synthetic", p.synthetic},
            {"public_key", ToHex(p.public_key)},
            {"created_at", FormatTimestamp(p.created_at)}};
  j["email"] = p.email ? json(*p.email) : json(nullptr);
  j["deceased_on"] = p.deceased_on ? json(p.deceased_on->ToString()) : json();
  j["erased_at"] = p.erased_at ? json(FormatTimestamp(*p.erased_at)) : json();
  return j;
}

json StudioJson(const registry::Studio& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"public_key", s.public_key.empty() ? json(nullptr) : json(ToHex(s.public_key))},
          {"created_at", FormatTimestamp(s.created_at)}};
}

json ProductionJson(const registry::Production& p) {
  return {{"id", p.id},
          {"studio", p.studio_id},
          {"title", p.title},
          {"media", p.media},
          {"territories", p.territories},
          {"content", p.content},
          {"fps", p.frame_rate ? json(p.frame_rate->Name()) : json(nullptr)},
          {"frame_rate", p.frame_rate ? json(p.frame_rate->Text()) : json(nullptr)},
          {"declared_by_studio", !p.signature.empty()},
          {"created_at", FormatTimestamp(p.created_at)}};
}

json DoubleJson(const registry::Double& d) {
  json j = {{"id", d.id},
            {"performer", d.performer_id},
            {"name", d.name},
            {"status", registry::DoubleStatusName(d.status)},
            {"source_kind", registry::SourceKindName(d.source_kind)},
            {"height_m", d.height_m},
            {"footprint_radius_m", d.footprint_radius_m},
            {"units", d.units},
            {"units_guessed", d.units_guessed},
            {"rigged", d.rigged},
            {"animatable", d.rigged},
            {"look_tags", d.look_tags},
            {"created_at", FormatTimestamp(d.created_at)}};
  j["source_sha256"] = d.source_sha256 ? json(*d.source_sha256) : json(nullptr);
  j["lods"] = json::parse(d.lods_json.empty() ? "[]" : d.lods_json, nullptr, false);
  j["bounds"] = json::parse(d.bounds_json.empty() ? "null" : d.bounds_json, nullptr, false);
  return j;
}

json UserJson(const registry::User& u) {
  return {{"id", u.id},
          {"role", registry::UserRoleName(u.role)},
          {"subject", u.subject_id.empty() ? json(nullptr) : json(u.subject_id)},
          {"public_key", ToHex(u.public_key)},
          {"created_at", FormatTimestamp(u.created_at)}};
}

json LicenceJson(const bank::LicenceView& v) {
  const registry::Licence& l = v.licence;
  json j = {{"id", l.id},
            {"performer", l.performer_id},
            {"performer_name", v.performer_name},
            {"studio", l.studio_id},
            {"studio_name", v.studio_name},
            {"state", registry::LicenceStateName(l.state)},
            {"standing", v.standing},
            {"language", l.language},
            {"flags", v.flags},
            {"terms", consent::TermsToJson(v.terms)},
            {"created_at", FormatTimestamp(l.created_at)},
            {"signature_valid", v.signature_valid}};
  j["signed_at"] = l.signed_at ? json(FormatTimestamp(*l.signed_at)) : json();
  j["revoked_from"] = l.revoked_from ? json(l.revoked_from->ToString()) : json();
  j["declined_at"] = v.declined_at ? json(FormatTimestamp(*v.declined_at)) : json();
  j["decline_reason"] = v.decline_reason.empty() ? json() : json(v.decline_reason);
  // 0 in the view: the text was erased with the performer, its version unknown.
  j["disclosure_version"] = v.disclosure_version > 0 ? json(v.disclosure_version) : json();
  if (v.consent) {
    j["consent"] = {{"signer", registry::SignerKindName(v.consent->signer)},
                    {"signer_id", v.consent->signer_id},
                    {"representation", registry::RepresentationName(v.consent->representation)},
                    {"disclosure_sha256", v.consent->disclosure_sha256},
                    {"terms_sha256", v.consent->terms_sha256},
                    {"signature", ToHex(v.consent->signature)},
                    {"signed_at", FormatTimestamp(v.consent->signed_at)}};
    // A consent signed with a passkey: its WebAuthn assertion, byte for byte (base64url, as the
    // sign-passkey route took it), which re-verifies under the enrolled passkey (docs/passkeys.md);
    // its `signature` is then the 64 zero bytes the registry holds in the Ed25519 column.
    if (v.consent->passkey) {
      const registry::ConsentPasskeyProof& p = *v.consent->passkey;
      j["consent"]["passkey"] = {
          {"authenticator_data", webauthn::Base64Url(p.authenticator_data)},
          {"client_data_json",
           webauthn::Base64Url(Bytes(p.client_data_json.begin(), p.client_data_json.end()))},
          {"signature", webauthn::Base64Url(p.signature)}};
    }
  }
  if (!v.signature_problem.empty()) j["signature_problem"] = v.signature_problem;
  return j;
}

json LicenceWithDisclosureJson(const bank::LicenceView& v) {
  json j = LicenceJson(v);
  j["disclosure"] = v.licence.disclosure;
  j["disclosure_sha256"] = Sha256Hex(v.licence.disclosure);
  return j;
}

json RetentionJson(const bank::Retention& r) {
  return {{"erase_on", r.erase_on ? json(r.erase_on->ToString()) : json(nullptr)},
          {"held_by", r.held_by.empty() ? json(nullptr) : json(r.held_by)},
          {"basis", r.basis}};
}

json SignerKeyJson(const registry::SignerKey& k) {
  json j = {{"signer", registry::SignerKindName(k.signer)},
            {"signer_id", k.signer_id},
            {"public_key", ToHex(k.public_key)},
            {"how", registry::KeyOriginName(k.how)},
            {"valid_from", FormatTimestamp(k.valid_from)}};
  j["revoked_from"] = k.revoked_from ? json(FormatTimestamp(*k.revoked_from)) : json(nullptr);
  j["revoked_reason"] = k.revoked_from ? json(k.revoked_reason) : json(nullptr);
  if (k.how == registry::KeyOrigin::kReplacement) {
    j["confirmed_by"] = k.confirmed_by;
    j["code_sha256"] = k.code_sha256;
    j["confirmation"] = ToHex(k.confirmation);
  }
  // A passkey (whose public_key is its fingerprint): what its assertions verify under.
  if (k.passkey) {
    const registry::PasskeyCredential& c = k.passkey->credential;
    j["passkey"] = {{"credential_id", webauthn::Base64Url(c.id)},
                    {"algorithm", c.algorithm},
                    {"spki", webauthn::Base64Url(c.public_key_spki)},
                    {"sign_count", c.sign_count},
                    {"origin", k.passkey->origin},
                    {"rp_id", k.passkey->rp_id}};
  }
  return j;
}

json EstateJson(const registry::Estate& e) {
  return {{"id", e.id},
          {"performer", e.performer_id},
          {"name", e.name},
          {"created_at", FormatTimestamp(e.created_at)}};
}

json ErasureRequestJson(const registry::ErasureRequest& e) {
  return {{"seq", e.seq},
          {"performer", e.performer_id},
          {"user", e.user_id},
          {"requested_at", FormatTimestamp(e.requested_at)}};
}

json DatePeriodJson(const consent::DatePeriod& p) {
  return {{"from", p.from.ToString()},
          {"until", p.until ? json(p.until->ToString()) : json(nullptr)}};
}

json ConsentAuditJson(const ledger::ConsentAuditReport& r) {
  return {{"signed", r.consents},
          {"verified", r.verified},
          {"passkey_verified", r.passkey_verified},
          {std::string(ledger::kCustodialSignature), r.custodial},
          {"custodial_licences", r.custodial_licences},
          {"keys_enrolled", r.keys_enrolled},
          {"keys_revoked", r.keys_revoked},
          {"keys_replaced", r.keys_replaced},
          {"statements", r.statements}};
}

}  // namespace figurant::api
