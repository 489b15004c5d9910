// Offers and consent signature files (docs/licence.md, "Signing on your own device").
#include "consent/offer.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "consent/internal/lower_hex.h"
#include "consent/internal/strict_fields.h"
#include "consent/terms.h"
#include "core/crypto.h"
#include "core/ids.h"

namespace figurant::consent {
namespace {

using internal::FieldReader;
using internal::HasTerminalControl;
using internal::IsLowerHex;
using internal::ParseObject;
using nlohmann::json;

constexpr size_t kSha256HexDigits = 2 * kSha256Bytes;

// The signer's id has the form of its role's ids; a performer signs for themself.
void CheckSigner(FieldReader& r, Signer signer, const std::string& signer_id,
                 const std::string& performer_id) {
  const bool estate = signer == Signer::kEstate;
  if (!HasIdForm(signer_id, estate ? id_prefix::kEstate : id_prefix::kPerformer)) {
    r.Refuse("signer_id", estate ? "expected an estate id (est_ followed by 16 lowercase hex)"
                                 : "expected a performer id (per_ followed by 16 lowercase hex)");
  } else if (!estate && signer_id != performer_id) {
    r.Refuse("signer_id", "a performer signs for themself: expected performer_id");
  }
}

// The terms are the canonical text of valid terms for the offer's studio (what the bank signs
// and stores), so that the hash the signer signs is the hash the bank checks.
void CheckTerms(FieldReader& r, const std::string& terms_text, const std::string& studio_id,
                std::string_view file) {
  auto terms = ParseTermsText(terms_text, std::string(file) + " terms_text", studio_id);
  if (!terms.ok()) {
    r.Refuse("terms_text", terms.status().message());
  } else if (CanonicalTermsText(*terms) != terms_text) {
    r.Refuse("terms_text", "not canonical terms (consent::CanonicalTermsText)");
  }
}

void CheckShownText(FieldReader& r, const Offer& o) {
  if (o.studio_name.empty() || HasTerminalControl(o.studio_name, /*allow_newline=*/false)) {
    r.Refuse("studio_name", "expected a non-empty name without control characters");
  }
  if (o.disclosure_text.empty() || HasTerminalControl(o.disclosure_text, /*allow_newline=*/true)) {
    r.Refuse("disclosure_text",
             "expected non-empty text without control characters other than newlines");
  }
}

}  // namespace

std::string OfferJson(const Offer& offer) {
  const json j = {{"format", kOfferFormat},
                  {"licence_id", offer.licence_id},
                  {"performer_id", offer.performer_id},
                  {"studio_id", offer.studio_id},
                  {"studio_name", offer.studio_name},
                  {"signer", SignerName(offer.signer)},
                  {"signer_id", offer.signer_id},
                  {"language", LanguageCode(offer.language)},
                  {"terms_text", offer.terms_text},
                  {"disclosure_text", offer.disclosure_text}};
  return j.dump(2) + "\n";
}

Result<Offer> ParseOffer(std::string_view text, std::string_view file) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ParseObject(text, file));
  FieldReader r(doc, file);
  Offer o;
  r.Format(kOfferFormat);
  o.licence_id = r.Id("licence_id", id_prefix::kLicence);
  o.performer_id = r.Id("performer_id", id_prefix::kPerformer);
  o.studio_id = r.Id("studio_id", id_prefix::kStudio);
  o.studio_name = r.String("studio_name");
  o.signer = r.Enumerated<Signer>("signer", ParseSigner, "\"performer\" or \"estate\"");
  o.signer_id = r.String("signer_id");
  CheckSigner(r, o.signer, o.signer_id, o.performer_id);
  o.language = r.Enumerated<Language>("language", ParseLanguage, "\"en\" or \"fr\"");
  o.terms_text = r.String("terms_text");
  CheckTerms(r, o.terms_text, o.studio_id, file);
  o.disclosure_text = r.String("disclosure_text");
  CheckShownText(r, o);
  FIGURANT_RETURN_IF_ERROR(r.Finish());
  return o;
}

ConsentRecord RecordFor(const Offer& offer, Representation representation, UnixSeconds signed_at) {
  ConsentRecord r;
  r.version = kConsentMessageV2;
  r.licence_id = offer.licence_id;
  r.performer_id = offer.performer_id;
  r.studio_id = offer.studio_id;
  r.terms_sha256 = Sha256Hex(offer.terms_text);
  r.disclosure_text = offer.disclosure_text;
  r.disclosure_sha256 = Sha256Hex(offer.disclosure_text);
  r.language = offer.language;
  r.signed_at = signed_at;
  r.signer = offer.signer;
  r.signer_id = offer.signer_id;
  r.representation = representation;
  return r;
}

std::string_view ConfirmationWord(Language language) {
  return language == Language::kFrench ? "signer" : "sign";
}

std::string SigningRequestText(const Offer& o, std::string_view public_key_hex) {
  const bool fr = o.language == Language::kFrench;
  const bool estate = o.signer == Signer::kEstate;
  std::string t = (fr ? "Licence " + o.licence_id + " proposée par le studio "
                      : "Licence " + o.licence_id + " offered by the studio ") +
                  o.studio_name + " (" + o.studio_id + ")\n";
  if (estate) {
    t += (fr ? "à signer par la succession " : "to be signed by the estate ") + o.signer_id +
         (fr ? " de l'artiste " : " of the performer ") + o.performer_id + "\n";
  } else {
    t += (fr ? "à signer par l'artiste " : "to be signed by the performer ") + o.signer_id + "\n";
  }
  t += (fr ? "avec la clé " : "with the key ") + std::string(public_key_hex) +
       (fr ? " ; comparez-la à la clé que vous avez enregistrée.\n\n"
           : "; compare it with the key you enrolled.\n\n");
  t += fr ? "----- texte à lire, exactement tel qu'il sera signé -----\n"
          : "----- text to read, exactly as it will be signed -----\n";
  t += o.disclosure_text;
  if (!o.disclosure_text.ends_with('\n')) t += "\n";
  t += fr ? "----- fin du texte -----\n" : "----- end of the text -----\n";
  const std::string word(ConfirmationWord(o.language));
  t += fr ? "Tapez " + word + " puis Entrée pour signer ; toute autre réponse ne signe rien : "
          : "Type " + word + " and press Enter to sign; any other answer signs nothing: ";
  return t;
}

std::string ConsentSignatureJson(const ConsentRecord& r) {
  const json j = {{"format", kConsentSignatureFormat},
                  {"licence_id", r.licence_id},
                  {"performer_id", r.performer_id},
                  {"studio_id", r.studio_id},
                  {"terms_sha256", r.terms_sha256},
                  {"disclosure_sha256", r.disclosure_sha256},
                  {"language", LanguageCode(r.language)},
                  {"signed_at", FormatTimestamp(r.signed_at)},
                  {"representation", RepresentationName(r.representation)},
                  {"signer", SignerName(r.signer)},
                  {"signer_id", r.signer_id},
                  {"public_key", ToHex(r.public_key)},
                  {"signature", ToHex(r.signature)}};
  return j.dump(2) + "\n";
}

Result<ConsentRecord> ParseConsentSignature(std::string_view text, std::string_view file) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ParseObject(text, file));
  FieldReader r(doc, file);
  ConsentRecord c;
  c.version = kConsentMessageV2;
  r.Format(kConsentSignatureFormat);
  c.licence_id = r.Id("licence_id", id_prefix::kLicence);
  c.performer_id = r.Id("performer_id", id_prefix::kPerformer);
  c.studio_id = r.Id("studio_id", id_prefix::kStudio);
  const auto is_digest = [](const std::string& s) { return IsLowerHex(s, kSha256HexDigits); };
  c.terms_sha256 = r.Checked("terms_sha256", is_digest, "a SHA-256, 64 lowercase hex digits");
  c.disclosure_sha256 =
      r.Checked("disclosure_sha256", is_digest, "a SHA-256, 64 lowercase hex digits");
  c.language = r.Enumerated<Language>("language", ParseLanguage, "\"en\" or \"fr\"");
  const std::string at = r.Checked(
      "signed_at", [](const std::string& s) { return ParseTimestamp(s).ok(); },
      "a time YYYY-MM-DDTHH:MM:SSZ");
  const Result<UnixSeconds> signed_at = ParseTimestamp(at);
  c.signed_at = signed_at.ok() ? *signed_at : 0;
  c.representation = r.Enumerated<Representation>("representation", ParseRepresentation,
                                                  "\"union\", \"counsel\" or \"none\"");
  c.signer = r.Enumerated<Signer>("signer", ParseSigner, "\"performer\" or \"estate\"");
  c.signer_id = r.String("signer_id");
  CheckSigner(r, c.signer, c.signer_id, c.performer_id);
  c.public_key = r.HexBytes("public_key", kEd25519PublicKeyBytes, "an Ed25519 public key");
  c.signature = r.HexBytes("signature", kEd25519SignatureBytes, "an Ed25519 signature");
  FIGURANT_RETURN_IF_ERROR(r.Finish());
  return c;
}

}  // namespace figurant::consent
