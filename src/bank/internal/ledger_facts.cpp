#include "bank/internal/ledger_facts.h"

#include <nlohmann/json.hpp>

namespace figurant::bank::internal {
namespace {

using nlohmann::json;

std::string EntryRef(uint64_t seq) { return "ledger entry " + std::to_string(seq); }

// DataLoss for a registry cell that disagrees with what the ledger (or a signature) establishes.
Status Altered(std::string_view table, const std::string& id, std::string_view column,
               const std::string& holds, const std::string& truth) {
  return DataLoss(std::string(table) + " row '" + id + "' column '" + std::string(column) +
                  "': the registry holds " + holds + " but " + truth +
                  "; the row was changed outside the bank");
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }
std::string ListText(const std::vector<std::string>& v) { return json(v).dump(); }
std::string KeyText(const Bytes& key) {
  return key.empty() ? std::string("no key") : "key " + ToHex(key).substr(0, 16) + "…";
}
std::string DateText(const std::optional<Date>& d) {
  return d ? d->ToString() : std::string("no date");
}
template <size_t N>
Bytes BytesOf(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

// The declaration a production row states, as its studio would have signed it.
consent::SignedProduction DeclarationOf(const registry::Production& row) {
  consent::SignedProduction p;
  p.declaration = {row.id,
                   row.studio_id,
                   row.title,
                   row.media,
                   row.territories,
                   row.content,
                   row.frame_rate.value_or(FrameRate{})};
  std::copy_n(row.public_key.begin(), std::min(row.public_key.size(), p.public_key.size()),
              p.public_key.begin());
  std::copy_n(row.signature.begin(), std::min(row.signature.size(), p.signature.size()),
              p.signature.begin());
  return p;
}

// The first column of a declared production row that differs from its studio's declaration.
Status CompareDeclaration(const registry::Production& row,
                          const consent::SignedProduction& signed_p, uint64_t seq) {
  const consent::ProductionDeclaration& d = signed_p.declaration;
  const std::string truth = "its studio declared ";
  const std::string where = " (" + EntryRef(seq) + ")";
  auto differs = [&](std::string_view column, const std::string& holds,
                     const std::string& declared) {
    return Altered("productions", row.id, column, holds, truth + declared + where);
  };
  if (row.studio_id != d.studio_id) {
    return differs("studio_id", Quoted(row.studio_id), Quoted(d.studio_id));
  }
  if (row.title != d.title) return differs("title", Quoted(row.title), Quoted(d.title));
  if (row.media != d.media) return differs("media", ListText(row.media), ListText(d.media));
  if (row.territories != d.territories) {
    return differs("territories", ListText(row.territories), ListText(d.territories));
  }
  if (row.content != d.content) {
    return differs("content", ListText(row.content), ListText(d.content));
  }
  if (row.frame_rate != d.frame_rate) {
    return differs("fps", row.frame_rate ? Quoted(row.frame_rate->Text()) : "NULL",
                   Quoted(d.frame_rate.Text()));
  }
  if (row.public_key != BytesOf(signed_p.public_key)) {
    return differs("public_key", KeyText(row.public_key), KeyText(BytesOf(signed_p.public_key)));
  }
  if (row.signature != BytesOf(signed_p.signature)) {
    return differs("signature", "another signature", "the signature recorded");
  }
  return Status::Ok();
}

}  // namespace

Status LedgerFacts::CatchUp(const ledger::Ledger& ledger) {
  return ledger.ForEachSince(next_seq_, [&](const ledger::Entry& e) { return Add(e); });
}

Result<ledger::Ledger::Events> LedgerFacts::Unrecorded(const ledger::Ledger& ledger,
                                                       const ledger::Ledger::Events& events) {
  FIGURANT_RETURN_IF_ERROR(CatchUp(ledger));
  ledger::Ledger::Events out;
  for (const auto& event : events) {
    if (!recorded_.contains(event)) out.push_back(event);
  }
  return out;
}

Status LedgerFacts::Add(const ledger::Entry& e) {
  next_seq_ = std::max(next_seq_, e.seq + 1);
  if (e.type != ledger::EntryType::kUsage && e.type != ledger::EntryType::kSupersede) {
    recorded_.emplace(e.type, e.payload);
  }
  // Suspensions, strikes and memberships; statements are checked under keys_ as it stands.
  FIGURANT_RETURN_IF_ERROR(statements_.Add(e, keys_));
  switch (e.type) {
    case ledger::EntryType::kLicenceSigned: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::LicenceSignedEvent s, ledger::ParseLicenceSigned(e));
      Licence& l = licences_[s.licence_id];  // a later signature of the same licence replaces it
      const bool custodial_before =
          l.signed_seq > 0 && (!l.signed_event.consent || l.signed_event.consent->custodial);
      if (custodial_before && s.consent && !s.consent->custodial) {
        // The signer re-confirmed a custodial consent: the licence was signed when it was.
        l.confirmed_seq = e.seq;
        return Status::Ok();
      }
      l.signed_seq = e.seq;
      l.signed_event = std::move(s);
      return Status::Ok();
    }
    case ledger::EntryType::kLicenceRevoked: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::LicenceRevokedEvent r, ledger::ParseLicenceRevoked(e));
      Licence& l = licences_[r.licence_id];
      if (!l.revoked_seq) {  // the first revocation recorded is the one that counts
        l.revoked_seq = e.seq;
        l.revoked_from = r.effective;
      }
      return Status::Ok();
    }
    case ledger::EntryType::kPerformerErased: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::PerformerErasedEvent p, ledger::ParsePerformerErased(e));
      Performer& performer = performers_[p.performer_id];
      if (!performer.erased_seq) performer.erased_seq = e.seq;
      return Status::Ok();
    }
    case ledger::EntryType::kPerformerDeceased: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::PerformerDeceasedEvent d,
                                ledger::ParsePerformerDeceased(e));
      Performer& performer = performers_[d.performer_id];
      if (!performer.death_seq) {
        performer.death_seq = e.seq;
        performer.died_on = d.died_on;
      }
      return Status::Ok();
    }
    case ledger::EntryType::kStudioRegistered: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::StudioRegisteredEvent s, ledger::ParseStudioRegistered(e));
      const std::string id = s.studio_id;
      studios_.try_emplace(id, Recorded<ledger::StudioRegisteredEvent>{e.seq, std::move(s)});
      return Status::Ok();
    }
    case ledger::EntryType::kProductionDeclared: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::ProductionDeclaredEvent p,
                                ledger::ParseProductionDeclared(e));
      const std::string id = p.production.declaration.production_id;
      productions_.try_emplace(id,
                               Recorded<consent::SignedProduction>{e.seq, std::move(p.production)});
      return Status::Ok();
    }
    case ledger::EntryType::kRepresentativeRegistered: {
      FIGURANT_ASSIGN_OR_RETURN(ledger::RepresentativeRegisteredEvent r,
                                ledger::ParseRepresentativeRegistered(e));
      FIGURANT_RETURN_IF_ERROR(keys_.Add(e));  // replacements are checked against its key
      const std::string id = r.representative_id;
      representatives_.try_emplace(id, std::move(r));
      return Status::Ok();
    }
    default:
      return keys_.Add(e);  // key_enrolled, key_revoked; others are ignored
  }
}

const ledger::RepresentativeRegisteredEvent* LedgerFacts::Representative(
    const std::string& id) const {
  const auto it = representatives_.find(id);
  return it == representatives_.end() ? nullptr : &it->second;
}

bool LedgerFacts::HasSignature(const std::string& licence_id) const {
  const auto it = licences_.find(licence_id);
  return it != licences_.end() && it->second.signed_seq > 0;
}

bool LedgerFacts::HasConfirmation(const std::string& licence_id) const {
  const auto it = licences_.find(licence_id);
  return it != licences_.end() && it->second.confirmed_seq.has_value();
}

bool LedgerFacts::HasRevocation(const std::string& licence_id) const {
  const auto it = licences_.find(licence_id);
  return it != licences_.end() && it->second.revoked_seq.has_value();
}

bool LedgerFacts::HasErasure(const std::string& performer_id) const {
  const auto it = performers_.find(performer_id);
  return it != performers_.end() && it->second.erased_seq.has_value();
}

bool LedgerFacts::HasDeath(const std::string& performer_id) const {
  const auto it = performers_.find(performer_id);
  return it != performers_.end() && it->second.death_seq.has_value();
}

std::optional<std::array<uint8_t, kEd25519PublicKeyBytes>> LedgerFacts::StudioKey(
    const std::string& studio_id) const {
  const auto it = studios_.find(studio_id);
  if (it == studios_.end()) return std::nullopt;
  return it->second.event.public_key;
}

bool LedgerFacts::HasDeclaration(const std::string& production_id) const {
  return productions_.contains(production_id);
}

Status LedgerFacts::CheckLicenceState(const registry::Licence& row,
                                      const Licence* signed_licence) const {
  const auto performer = performers_.find(row.performer_id);
  registry::LicenceState expected = registry::LicenceState::kDraft;
  std::string truth = "the ledger records no signature of it";
  if (performer != performers_.end() && performer->second.erased_seq) {
    expected = registry::LicenceState::kErased;
    truth =
        "the ledger records its performer erased (" + EntryRef(*performer->second.erased_seq) + ")";
  } else if (signed_licence != nullptr && signed_licence->revoked_seq) {
    expected = registry::LicenceState::kRevoked;
    truth = "the ledger records it revoked from " + signed_licence->revoked_from.ToString() + " (" +
            EntryRef(*signed_licence->revoked_seq) + ")";
  } else if (signed_licence != nullptr && signed_licence->signed_seq > 0) {
    expected = registry::LicenceState::kActive;
    truth = "the ledger records it signed and never revoked (" +
            EntryRef(signed_licence->signed_seq) + ")";
  }
  if (row.state != expected) {
    return Altered("licences", row.id, "state",
                   Quoted(std::string(registry::LicenceStateName(row.state))), truth);
  }
  return Status::Ok();
}

Status LedgerFacts::CheckLicence(const registry::Licence& row) const {
  const auto it = licences_.find(row.id);
  const Licence* l = it == licences_.end() ? nullptr : &it->second;
  const bool is_signed = l != nullptr && l->signed_seq > 0;
  FIGURANT_RETURN_IF_ERROR(CheckLicenceState(row, l));
  const std::optional<Date> revoked_from =
      l != nullptr && l->revoked_seq ? std::optional(l->revoked_from) : std::nullopt;
  if (row.revoked_from != revoked_from) {
    return Altered("licences", row.id, "revoked_from", DateText(row.revoked_from),
                   revoked_from
                       ? "the ledger records the revocation effective " + revoked_from->ToString() +
                             " (" + EntryRef(*l->revoked_seq) + ")"
                       : std::string("the ledger records no revocation"));
  }
  if (!is_signed) return Status::Ok();
  const ledger::LicenceSignedEvent& s = l->signed_event;
  const std::string where = " (" + EntryRef(l->signed_seq) + ")";
  if (row.signed_at != s.signed_at) {
    return Altered("licences", row.id, "signed_at",
                   row.signed_at ? FormatTimestamp(*row.signed_at) : "NULL",
                   "the ledger records it signed at " + FormatTimestamp(s.signed_at) + where);
  }
  if (row.performer_id != s.performer_id || row.studio_id != s.studio_id) {
    return Altered(
        "licences", row.id, row.performer_id != s.performer_id ? "performer_id" : "studio_id",
        Quoted(row.performer_id) + " → " + Quoted(row.studio_id),
        "the ledger records a grant by " + s.performer_id + " to " + s.studio_id + where);
  }
  if (json::parse(row.terms_json, nullptr, false) != s.terms) {
    return Altered("licences", row.id, "terms_json", "other terms",
                   "the ledger records the terms as signed" + where);
  }
  return Status::Ok();
}

Status LedgerFacts::CheckPerformer(const registry::Performer& row) const {
  const auto it = performers_.find(row.id);
  const Performer* p = it == performers_.end() ? nullptr : &it->second;
  const std::optional<Date> died_on =
      p != nullptr && p->death_seq ? std::optional(p->died_on) : std::nullopt;
  if (row.deceased_on != died_on) {
    return Altered("performers", row.id, "deceased_on", DateText(row.deceased_on),
                   died_on ? "the ledger records their death on " + died_on->ToString() + " (" +
                                 EntryRef(*p->death_seq) + ")"
                           : std::string("the ledger records no death"));
  }
  const bool erased = p != nullptr && p->erased_seq.has_value();
  if (row.erased_at.has_value() != erased) {
    return Altered("performers", row.id, "erased_at",
                   row.erased_at ? FormatTimestamp(*row.erased_at) : "NULL",
                   erased ? "the ledger records their erasure (" + EntryRef(*p->erased_seq) + ")"
                          : std::string("the ledger records no erasure"));
  }
  return Status::Ok();
}

Status LedgerFacts::CheckStudio(const registry::Studio& row) const {
  const auto it = studios_.find(row.id);
  if (it == studios_.end()) {
    if (row.public_key.empty()) return Status::Ok();
    return Altered("studios", row.id, "public_key", KeyText(row.public_key),
                   "the ledger registers no key for this studio");
  }
  const ledger::StudioRegisteredEvent& s = it->second.event;
  const std::string where = " (" + EntryRef(it->second.seq) + ")";
  if (row.public_key != BytesOf(s.public_key)) {
    return Altered("studios", row.id, "public_key", KeyText(row.public_key),
                   "the ledger registers " + KeyText(BytesOf(s.public_key)) + where);
  }
  if (row.name != s.name) {
    return Altered("studios", row.id, "name", Quoted(row.name),
                   "the ledger registers the studio as " + Quoted(s.name) + where);
  }
  return Status::Ok();
}

Result<consent::SignedProduction> LedgerFacts::CheckProduction(
    const registry::Production& row) const {
  const auto it = productions_.find(row.id);
  if (it == productions_.end()) {
    if (row.signature.empty() && row.public_key.empty() && !row.frame_rate) {
      return FailedPrecondition(
          "production " + row.id +
          " was registered before productions were signed by their studio and cannot be used "
          "until its studio declares it (figurant production declare " +
          row.id + " --studio-key FILE --fps RATE)");
    }
    return Altered("productions", row.id, "signature", "a declaration",
                   "the ledger records no declaration of this production");
  }
  const Recorded<consent::SignedProduction>& declared = it->second;
  FIGURANT_RETURN_IF_ERROR(CompareDeclaration(row, declared.event, declared.seq));
  const auto studio_key = StudioKey(row.studio_id);
  if (!studio_key || *studio_key != declared.event.public_key) {
    return DataLoss(EntryRef(declared.seq) + " declares production " + row.id +
                    " with a key studio " + row.studio_id + " never registered");
  }
  consent::SignedProduction from_row = DeclarationOf(row);
  FIGURANT_RETURN_IF_ERROR(consent::VerifyProduction(from_row));
  return from_row;
}

}  // namespace figurant::bank::internal
