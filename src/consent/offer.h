// Offers and consent signatures: the two files that carry a licence between the bank and the
// device a performer (or their estate) holds, so that the private key that signs never exists on
// the bank's machines (docs/licence.md, "Signing on your own device", is the specification).
//
//   bank:    figurant licence offer DRAFT --out OFFER.json      writes an Offer
//   device:  figurant key sign OFFER.json --key FILE            shows the disclosure, asks, signs,
//                                                               writes a ConsentSignature file
//   bank:    figurant licence sign DRAFT --signature FILE       verifies it against the key the
//                                                               signer enrolled, records consent
//
// Both files are canonical JSON (sorted keys) with a `format` field naming their version. Parsers
// are strict (core/json_input.h): an unknown or missing field, a wrong type or a malformed id,
// hash or key is InvalidArgument naming the file and the field. Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>

#include "consent/consent_record.h"
#include "consent/disclosure.h"
#include "core/status.h"

namespace figurant::consent {

inline constexpr std::string_view kOfferFormat = "figurant-offer-v1";
inline constexpr std::string_view kConsentSignatureFormat = "figurant-consent-signature-v2";

// What the signer is asked to agree to: the exact canonical terms and the exact disclosure, in the
// language it was written in, addressed to one signer.
struct Offer {
  std::string licence_id, performer_id, studio_id;
  std::string studio_name;  // for people; not signed
  Signer signer = Signer::kPerformer;
  std::string signer_id;  // the performer's id, or their estate's
  Language language = Language::kEnglish;
  std::string terms_text;       // consent::CanonicalTermsText of the draft's terms
  std::string disclosure_text;  // exactly what the signer is shown
};

std::string OfferJson(const Offer& offer);
// `file` names the source in messages.
Result<Offer> ParseOffer(std::string_view text, std::string_view file);

// The unsigned consent record the signer of `offer` would sign now: hashes computed from the
// offer's terms and disclosure, version 2 message (ConsentMessage), no key or signature yet.
ConsentRecord RecordFor(const Offer& offer, Representation representation, UnixSeconds signed_at);

// The word a signer types to confirm that they sign, in the offer's language: "sign" in English,
// "signer" in French.
std::string_view ConfirmationWord(Language language);

// What the signer is shown before being asked, in the offer's language: who asks (the studio's
// name and id, the licence id), who signs (role and id) and with which public key
// (`public_key_hex`, to compare with the one they enrolled), the disclosure exactly as in the
// offer between two marker lines, and the question naming ConfirmationWord (no newline after it).
std::string SigningRequestText(const Offer& offer, std::string_view public_key_hex);

// A signed record as a signature file: every field of the record except the disclosure text
// (which the bank already holds and the signature binds by its hash).
std::string ConsentSignatureJson(const ConsentRecord& signed_record);
// The record back, disclosure_text empty. Checks form only; whether the signature verifies, and
// under whose key, is the bank's question (Bank::SignLicenceWith).
Result<ConsentRecord> ParseConsentSignature(std::string_view text, std::string_view file);

}  // namespace figurant::consent
