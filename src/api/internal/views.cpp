#include "api/internal/views.h"

namespace figurant::api::internal {

using nlohmann::json;

namespace {

template <typename T, typename F>
json OrNull(const std::optional<T>& v, F&& f) {
  return v ? json(f(*v)) : json(nullptr);
}

std::string Time(UnixSeconds t) { return FormatTimestamp(t); }
std::string Day(const Date& d) { return d.ToString(); }

}  // namespace

json PerformerView(const registry::Performer& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"email", OrNull(p.email, [](const std::string& e) { return e; })},
          {"language", p.language},
          {"synthetic", p.synthetic},
          {"deceased_on", OrNull(p.deceased_on, Day)},
          {"erased_at", OrNull(p.erased_at, Time)},
          {"created_at", Time(p.created_at)}};
}

json StudioView(const registry::Studio& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"public_key", s.public_key.empty() ? json(nullptr) : json(ToHex(s.public_key))},
          {"created_at", Time(s.created_at)}};
}

json ProductionView(const registry::Production& p) {
  return {{"id", p.id},
          {"studio", p.studio_id},
          {"title", p.title},
          {"media", p.media},
          {"territories", p.territories},
          {"content", p.content},
          {"frame_rate", OrNull(p.frame_rate, [](const FrameRate& r) { return r.Text(); })},
          {"declared_by_studio", !p.signature.empty()},
          {"created_at", Time(p.created_at)}};
}

json DoubleView(const registry::Double& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"status", registry::DoubleStatusName(d.status)},
          {"source_kind", registry::SourceKindName(d.source_kind)},
          {"height_m", d.height_m},
          {"rigged", d.rigged},
          {"look_tags", d.look_tags},
          {"created_at", Time(d.created_at)}};
}

json UserView(const registry::User& u) {
  return {{"id", u.id},
          {"role", registry::UserRoleName(u.role)},
          {"subject", u.subject_id.empty() ? json(nullptr) : json(u.subject_id)},
          {"public_key", ToHex(u.public_key)},
          {"created_at", Time(u.created_at)}};
}

json LicenceView(const bank::LicenceView& v, bool with_disclosure) {
  const registry::Licence& l = v.licence;
  json j = {{"id", l.id},
            {"performer", l.performer_id},
            {"studio", l.studio_id},
            {"studio_name", v.studio_name},
            {"state", registry::LicenceStateName(l.state)},
            {"standing", v.standing},
            {"language", l.language},
            {"flags", v.flags},
            {"terms", consent::TermsToJson(v.terms)},
            {"created_at", Time(l.created_at)},
            {"signed_at", OrNull(l.signed_at, Time)},
            {"revoked_from", OrNull(l.revoked_from, Day)},
            {"signature_valid", v.signature_valid}};
  if (v.consent) {
    j["consent"] = {{"signer", registry::SignerKindName(v.consent->signer)},
                    {"representation", registry::RepresentationName(v.consent->representation)},
                    {"disclosure_sha256", v.consent->disclosure_sha256},
                    {"terms_sha256", v.consent->terms_sha256},
                    {"signed_at", Time(v.consent->signed_at)}};
  }
  if (with_disclosure) {
    j["disclosure"] = l.disclosure;
    j["disclosure_sha256"] = Sha256Hex(l.disclosure);
  }
  return j;
}

}  // namespace figurant::api::internal
