#include "ledger/consent_audit.h"

#include <algorithm>

#include "core/clock.h"

namespace figurant::ledger {
namespace {

std::string EntryName(const Entry& e) {
  return "ledger entry " + std::to_string(e.seq) + " (" + std::string(EntryTypeName(e.type)) + ")";
}

std::string SignerText(consent::Signer signer, const std::string& id) {
  return std::string(signer == consent::Signer::kEstate ? "estate " : "performer ") + id;
}

}  // namespace

Status KeyHistory::Add(const Entry& entry) {
  if (entry.type == EntryType::kKeyEnrolled) {
    FIGURANT_ASSIGN_OR_RETURN(const KeyEnrolledEvent k, ParseKeyEnrolled(entry));
    if (periods_.count(k.public_key) != 0) {
      return DataLoss(EntryName(entry) + ": key " + ToHex(k.public_key) + " is enrolled already");
    }
    if (Current(k.signer, k.signer_id) != nullptr) {
      return DataLoss(EntryName(entry) + ": " + SignerText(k.signer, k.signer_id) +
                      " already has a current key; a key is replaced only after the old one's "
                      "key_revoked entry");
    }
    if (k.how == KeyOrigin::kReplacement) {
      FIGURANT_RETURN_IF_ERROR(CheckReplacement(entry, k));
      ++replacements_;
    }
    periods_[k.public_key] = {k.signer,     k.signer_id,  k.performer_id, k.public_key, k.how,
                              k.valid_from, std::nullopt, entry.seq,      k.passkey};
    return Status::Ok();
  }
  if (entry.type == EntryType::kRepresentativeRegistered) {
    FIGURANT_ASSIGN_OR_RETURN(const RepresentativeRegisteredEvent r,
                              ParseRepresentativeRegistered(entry));
    representatives_[r.representative_id] = r.public_key;
    return Status::Ok();
  }
  if (entry.type == EntryType::kKeyRevoked) {
    FIGURANT_ASSIGN_OR_RETURN(const KeyRevokedEvent k, ParseKeyRevoked(entry));
    const auto it = periods_.find(k.public_key);
    if (it == periods_.end() || it->second.signer != k.signer ||
        it->second.signer_id != k.signer_id) {
      return DataLoss(EntryName(entry) + ": revokes key " + ToHex(k.public_key) +
                      ", which no earlier entry enrolled for " + SignerText(k.signer, k.signer_id));
    }
    if (it->second.revoked_from) {
      return DataLoss(EntryName(entry) + ": key " + ToHex(k.public_key) + " is revoked already");
    }
    if (k.from < it->second.valid_from) {
      return DataLoss(EntryName(entry) + ": revokes key " + ToHex(k.public_key) +
                      " from before it was enrolled");
    }
    it->second.revoked_from = k.from;
  }
  return Status::Ok();
}

Status KeyHistory::CheckReplacement(const Entry& entry, const KeyEnrolledEvent& k) const {
  const std::string where =
      EntryName(entry) + ": the replacement key of " + SignerText(k.signer, k.signer_id) + ": ";
  const auto rep = representatives_.find(k.confirmed_by);
  if (rep == representatives_.end()) {
    return DataLoss(where + "confirmed by '" + k.confirmed_by +
                    "', whom no earlier representative_registered entry registered");
  }
  const std::vector<KeyPeriod> earlier = PeriodsOf(k.signer, k.signer_id);
  if (earlier.empty()) {
    return DataLoss(where + "replaces no key: the signer had none enrolled before");
  }
  const Result<std::string> message = consent::StatementMessage(
      consent::StatementKind::kKeyReplacement,
      KeyReplacementFields(k.signer, k.signer_id, k.performer_id, earlier.back().public_key,
                           k.public_key, k.code_sha256));
  if (!message.ok()) return DataLoss(where + message.status().message());
  if (!VerifyDetached(*message, k.confirmation.data(), k.confirmation.size(), rep->second.data(),
                      rep->second.size())) {
    return DataLoss(where + "the confirmation does not verify under representative " +
                    k.confirmed_by + "'s key over the key_replacement statement (docs/keys.md)");
  }
  return Status::Ok();
}

const KeyPeriod* KeyHistory::Find(const Ed25519Key& key) const {
  const auto it = periods_.find(key);
  return it == periods_.end() ? nullptr : &it->second;
}

const KeyPeriod* KeyHistory::Current(consent::Signer signer, const std::string& signer_id) const {
  for (const auto& [key, p] : periods_) {
    if (p.signer == signer && p.signer_id == signer_id && !p.revoked_from) return &p;
  }
  return nullptr;
}

std::vector<KeyPeriod> KeyHistory::PeriodsOf(consent::Signer signer,
                                             const std::string& signer_id) const {
  std::vector<KeyPeriod> out;
  for (const auto& [key, p] : periods_) {
    if (p.signer == signer && p.signer_id == signer_id) out.push_back(p);
  }
  std::sort(out.begin(), out.end(),
            [](const KeyPeriod& a, const KeyPeriod& b) { return a.enrolled_seq < b.enrolled_seq; });
  return out;
}

Status KeyHistory::CheckValidAt(consent::Signer signer, const std::string& signer_id,
                                const Ed25519Key& key, int64_t at) const {
  const KeyPeriod* p = Find(key);
  const std::string who = SignerText(signer, signer_id);
  if (p == nullptr) {
    return PermissionDenied("key " + ToHex(key) + " was never enrolled (no key_enrolled entry)");
  }
  if (p->signer != signer || p->signer_id != signer_id) {
    return PermissionDenied("key " + ToHex(key) + " is enrolled for " +
                            SignerText(p->signer, p->signer_id) + ", not " + who);
  }
  if (at < p->valid_from) {
    return PermissionDenied("key " + ToHex(key) + " of " + who + " was enrolled at " +
                            FormatTimestamp(p->valid_from) + ", after the signing time " +
                            FormatTimestamp(at));
  }
  if (p->revoked_from && at >= *p->revoked_from) {
    return PermissionDenied("key " + ToHex(key) + " of " + who + " was revoked from " +
                            FormatTimestamp(*p->revoked_from) + ", before the signing time " +
                            FormatTimestamp(at));
  }
  return Status::Ok();
}

consent::ConsentRecord RecordOf(const LicenceSignedEvent& e) {
  const SignedConsent& c = *e.consent;
  consent::ConsentRecord r;
  r.version = c.version;
  r.licence_id = e.licence_id;
  r.performer_id = e.performer_id;
  r.studio_id = e.studio_id;
  r.terms_sha256 = c.terms_sha256;
  r.disclosure_sha256 = c.disclosure_sha256;
  r.language = c.language;
  r.signed_at = e.signed_at;
  r.signer = c.signer;
  r.signer_id = c.signer_id;
  r.public_key.assign(c.public_key.begin(), c.public_key.end());
  if (c.passkey) {
    r.passkey = c.passkey;
  } else {
    r.signature.assign(c.signature.begin(), c.signature.end());
  }
  r.representation = c.representation;
  return r;
}

Status ConsentAuditor::Add(const Entry& entry) {
  FIGURANT_RETURN_IF_ERROR(keys_.Add(entry));
  FIGURANT_RETURN_IF_ERROR(statements_.Add(entry, keys_));
  report_.statements = statements_.statements();
  switch (entry.type) {
    case EntryType::kKeyEnrolled:
      ++report_.keys_enrolled;
      report_.keys_replaced = keys_.replacements();
      return Status::Ok();
    case EntryType::kKeyRevoked:
      ++report_.keys_revoked;
      return Status::Ok();
    case EntryType::kLicenceSigned:
      return AuditSigned(entry);
    default:
      return Status::Ok();
  }
}

Status ConsentAuditor::AuditSigned(const Entry& entry) {
  FIGURANT_ASSIGN_OR_RETURN(const LicenceSignedEvent e, ParseLicenceSigned(entry));
  ++report_.consents;
  if (!e.consent || e.consent->custodial) {
    ++report_.custodial;
    report_.custodial_licences.push_back(e.licence_id);
    return Status::Ok();
  }
  const std::string where = EntryName(entry) + ": licence " + e.licence_id + ": ";
  const SignedConsent& c = *e.consent;
  if (Sha256Hex(e.terms.dump()) != c.terms_sha256) {
    return DataLoss(where + "the terms in the entry do not hash to the signed terms_sha256");
  }
  const Status valid = keys_.CheckValidAt(c.signer, c.signer_id, c.public_key, e.signed_at);
  if (!valid.ok()) {
    return DataLoss(where +
                    "consent signed with a key not valid for its signer then: " + valid.message());
  }
  const KeyPeriod& period = *keys_.Find(c.public_key);
  if (period.passkey.has_value() != c.passkey.has_value()) {
    return DataLoss(where + (period.passkey ? "the signer's key is a passkey, but the consent "
                                              "carries no passkey_assertion"
                                            : "the consent carries a passkey_assertion, but the "
                                              "signer's key is not a passkey"));
  }
  if (period.passkey) return AuditPasskey(where, e, period);
  const consent::ConsentRecord record = RecordOf(e);
  if (!VerifyDetached(consent::ConsentMessage(record), c.signature.data(), c.signature.size(),
                      c.public_key.data(), c.public_key.size())) {
    return DataLoss(where + "the consent signature does not verify");
  }
  ++report_.verified;
  return Status::Ok();
}

Status ConsentAuditor::AuditPasskey(const std::string& where, const LicenceSignedEvent& e,
                                    const KeyPeriod& period) {
  webauthn::Passkey passkey = *period.passkey;
  const auto last = sign_counts_.find(period.public_key);
  if (last != sign_counts_.end()) passkey.credential.sign_count = last->second;
  const auto verified = consent::VerifyPasskeyConsentByHash(RecordOf(e), e.terms.dump(), passkey);
  if (!verified.ok()) {
    return DataLoss(where + "the passkey consent does not verify: " + verified.status().message());
  }
  sign_counts_[period.public_key] = verified->sign_count;
  ++report_.verified;
  ++report_.passkey_verified;
  return Status::Ok();
}

Result<ConsentAuditReport> AuditConsents(std::string_view log_bytes,
                                         const std::array<uint8_t, 32>& bank_public_key) {
  ConsentAuditor auditor;
  FIGURANT_RETURN_IF_ERROR(
      ReadLog(log_bytes, bank_public_key, [&](const Entry& e) { return auditor.Add(e); }).status());
  return auditor.report();
}

}  // namespace figurant::ledger
