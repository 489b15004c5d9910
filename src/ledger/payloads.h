// The ledger's payloads (docs/ledger.md, "Entry types"): one struct per entry type, the builder
// that writes its canonical JSON and the strict parser that reads it back. This is the only place
// that knows a payload's fields; metering, statements, the bank and the CLI go through it.
//
// Builders are pure and never fail: they write compact JSON with sorted keys, byte-identical to
// nlohmann::json::dump() of the same object (invalid UTF-8 in a string is replaced, never thrown).
// Parsers take entries read from a verified log — which may still hold anything a writer put there
// — and accept only the documented fields with the documented types and limits: anything else is
// DataLoss naming the entry, its type and the field ("ledger entry 41 (usage): field \"fps\":
// expected a number in (0, 1000]"). A parser never substitutes a default for a missing or bad
// field. Fields a payload carries beyond the documented ones are ignored. Thread-safe (no state).
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "consent/check.h"
#include "consent/consent_record.h"
#include "consent/disclosure.h"
#include "consent/production_declaration.h"
#include "consent/statement.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "webauthn/assertion.h"

namespace figurant::ledger {

// One rendered frame of a shot in a production.
struct FrameKey {
  std::string production, shot;
  int frame = 0;  // the frame number in the shot [Limits: any int]
  // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
  auto operator<=>(const FrameKey&) const = default;
};

// Type 1, `usage`: one double visible in one rendered frame, its agents' coverage summed.
struct UsageEvent {
  static constexpr EntryType kType = EntryType::kUsage;
  std::string render_id;
  FrameKey key;
  double fps = 24;  // [Units: frames per second] [Limits: (0, 1000]]
  std::string double_id, performer_id, licence_id;  // licence empty only for synthetic performers
  // The agents showing this double, in coverage order; the payload's `agents` is their number.
  // Entries written before agent names were recorded carry only `agents`: the parser names them
  // "DOUBLE#0", "DOUBLE#1", … (docs/ledger.md).
  std::vector<std::string> agent_names;
  double pixels = 0;           // Σ Cryptomatte coverage of those agents [Units: pixels] [>= 0]
  double height_fraction = 0;  // the largest on-screen height / frame height [Limits: >= 0]
  bool altered = false;        // any of them altered (tint, scale)
  bool synthetic = false;      // the performer is synthetic (no real person)
};

// Type 2, `supersede`: a re-render of a frame replaces the previous render's plate. A record of
// which render replaced which; statements still bill what the earlier render showed.
struct SupersedeEvent {
  static constexpr EntryType kType = EntryType::kSupersede;
  std::string render_id;   // the new render
  std::string superseded;  // the render it replaces
  FrameKey key;
};

// The consent record as the ledger carries it: every field of consent::ConsentRecord except the
// disclosure text (bound by its hash) and the parties and time the entry states itself, so that
// whoever holds an export re-verifies the signature without the bank (ledger/consent_audit.h).
struct SignedConsent {
  consent::Signer signer = consent::Signer::kPerformer;
  std::string signer_id;  // the performer's id, or their estate's
  // The signer's Ed25519 key or, for a passkey consent, the passkey's fingerprint.
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};
  std::array<uint8_t, kEd25519SignatureBytes> signature{};  // all zero for a passkey consent
  // Set exactly for a consent signed with a passkey (payload `passkey_assertion`, no `signature`).
  std::optional<consent::PasskeyProof> passkey;
  std::string terms_sha256, disclosure_sha256;  // 64 lowercase hex digits each
  consent::Language language = consent::Language::kEnglish;
  consent::Representation representation = consent::Representation::kNone;
  int version = 1;         // the consent message version signed [Limits: 1 or 2]
  bool custodial = false;  // signed with a key the bank held (before performers enrolled keys)
};

// Type 3, `licence_signed`: a licence signed, with the terms as signed and (from registry schema
// v4) the consent record.
struct LicenceSignedEvent {
  static constexpr EntryType kType = EntryType::kLicenceSigned;
  std::string licence_id, performer_id, studio_id;
  bool synthetic = false;  // the performer is synthetic
  int64_t signed_at = 0;   // [Units: Unix seconds]
  // The signed canonical terms, a JSON object (consent::ParseTerms reads them; whether they still
  // parse as terms is the reader's question, not the payload's).
  nlohmann::json terms = nlohmann::json::object();
  // None in entries written before consent records were carried: those were signed with the
  // bank-held (custodial) key and cannot be re-verified from the ledger.
  std::optional<SignedConsent> consent;
};

// Type 4, `licence_revoked`: a licence revoked from a date on.
struct LicenceRevokedEvent {
  static constexpr EntryType kType = EntryType::kLicenceRevoked;
  std::string licence_id, performer_id;
  Date effective;  // the first day the licence no longer allows use
};

// Type 5, `performer_erased`: a performer's scans and key destroyed (right to erasure).
struct PerformerErasedEvent {
  static constexpr EntryType kType = EntryType::kPerformerErased;
  std::string performer_id;
};

// Type 6, `studio_registered`: a studio and the Ed25519 public key it signs its productions with
// (the private half stays with the studio). The first registration of a studio id is the one that
// counts; the bank never registers an id twice.
struct StudioRegisteredEvent {
  static constexpr EntryType kType = EntryType::kStudioRegistered;
  std::string studio_id, name;
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};
};

// Type 7, `production_declared`: a production as its studio declared and signed it
// (consent/production_declaration.h): media, territories, content, title and frame rate, with the
// studio's key and signature, so anyone can check it against the studio's registration.
struct ProductionDeclaredEvent {
  static constexpr EntryType kType = EntryType::kProductionDeclared;
  consent::SignedProduction production;
};

// Type 8, `performer_deceased`: a performer's date of death, as the bank recorded it.
struct PerformerDeceasedEvent {
  static constexpr EntryType kType = EntryType::kPerformerDeceased;
  std::string performer_id;
  Date died_on;
};

// How an enrolled key came to be (`how` in key_enrolled).
enum class KeyOrigin {
  kEnrolmentCode,  // with a one-time enrolment code handed to the signer
  kReplacement,    // replacing a lost key, confirmed by the signer's union or counsel
  kCustodial,      // the key the bank held for a signer added before enrolment existed
};
std::string_view KeyOriginName(KeyOrigin origin);  // "enrolment_code", "replacement", "custodial"

// Type 9, `key_enrolled`: a signer's public key and the start of its validity period. The private
// half never reaches the bank (except for `custodial` keys, destroyed since: docs/keys.md).
struct KeyEnrolledEvent {
  static constexpr EntryType kType = EntryType::kKeyEnrolled;
  consent::Signer signer = consent::Signer::kPerformer;
  std::string signer_id, performer_id;
  // The Ed25519 key or, for a passkey, its fingerprint (webauthn::Fingerprint of its SPKI).
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};
  // Set exactly for a passkey (payload `passkey`): the credential as registered and the origin
  // and relying-party id every assertion of it must state (docs/ledger.md, "Passkeys").
  std::optional<webauthn::Passkey> passkey;
  KeyOrigin how = KeyOrigin::kEnrolmentCode;
  int64_t valid_from = 0;  // [Units: Unix seconds]
  // For a replacement only (empty/zero otherwise): the representative who confirmed it, the
  // enrolment code's SHA-256 (hex) and the representative's Ed25519 signature over
  // the replacement message (docs/keys.md, "Lost keys").
  std::string confirmed_by, code_sha256;
  std::array<uint8_t, kEd25519SignatureBytes> confirmation{};
};

// Type 10, `key_revoked`: the end of an enrolled key's validity period.
struct KeyRevokedEvent {
  static constexpr EntryType kType = EntryType::kKeyRevoked;
  consent::Signer signer = consent::Signer::kPerformer;
  std::string signer_id, performer_id;
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};
  int64_t from = 0;    // the first second the key no longer signs [Units: Unix seconds]
  std::string reason;  // for people: "lost", "replaced by ..."
};

// Type 11, `representative_registered`: a union or counsel and the public half of its own key.
struct RepresentativeRegisteredEvent {
  static constexpr EntryType kType = EntryType::kRepresentativeRegistered;
  std::string representative_id, name;
  consent::Representation kind = consent::Representation::kUnion;  // union or counsel, never none
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};
};

// Who signs a statement: a performer with their enrolled key, or a representative (a union) with
// its registered key.
enum class StatementSigner { kPerformer, kRepresentative };
std::string_view StatementSignerName(StatementSigner s);  // "performer", "representative"

// Type 12, `statement`: a statement a party signed with its own key (consent/statement.h) — a
// performer suspending or resuming a licence, joining or leaving a union; a union declaring or
// ending a strike — with its signature, so an export re-verifies it with no registry.
struct StatementEvent {
  static constexpr EntryType kType = EntryType::kStatement;
  StatementSigner signer = StatementSigner::kPerformer;
  std::string signer_id;  // per_… or rep_…
  consent::SignedStatement statement;
};

// Canonical JSON payloads (docs/ledger.md). Usage payloads are written directly, without building
// a JSON tree: metering appends them at hundreds of thousands a second.
std::string Payload(const UsageEvent& event);
std::string Payload(const SupersedeEvent& event);
std::string Payload(const LicenceSignedEvent& event);
std::string Payload(const LicenceRevokedEvent& event);
std::string Payload(const PerformerErasedEvent& event);
std::string Payload(const StudioRegisteredEvent& event);
std::string Payload(const ProductionDeclaredEvent& event);
std::string Payload(const PerformerDeceasedEvent& event);
std::string Payload(const KeyEnrolledEvent& event);
std::string Payload(const KeyRevokedEvent& event);
std::string Payload(const RepresentativeRegisteredEvent& event);
std::string Payload(const StatementEvent& event);

// An event as Ledger::AppendPayloads takes it: its entry type and payload.
template <typename Event>
std::pair<EntryType, std::string> ToEntry(const Event& event) {
  return {Event::kType, Payload(event)};
}

// The payload of any entry as a JSON object (for display). DataLoss when it is not one.
Result<nlohmann::json> PayloadObject(const Entry& entry);

// Strict parsers. InvalidArgument when `entry` is of another type (a caller's mistake); DataLoss
// naming the entry and the field when the payload breaks its format.
Result<UsageEvent> ParseUsage(const Entry& entry);
Result<SupersedeEvent> ParseSupersede(const Entry& entry);
// The consent fields are read when the payload has `signature` or `passkey_assertion` (never
// both), and then all are required; an entry without them (written before schema v4) parses with
// `consent` unset.
Result<LicenceSignedEvent> ParseLicenceSigned(const Entry& entry);
Result<LicenceRevokedEvent> ParseLicenceRevoked(const Entry& entry);
Result<PerformerErasedEvent> ParsePerformerErased(const Entry& entry);
Result<StudioRegisteredEvent> ParseStudioRegistered(const Entry& entry);
// Also DataLoss when `fps` is not a standard rate's exact text.
Result<ProductionDeclaredEvent> ParseProductionDeclared(const Entry& entry);
Result<PerformerDeceasedEvent> ParsePerformerDeceased(const Entry& entry);
// A `passkey` member must hold a credential that webauthn::CheckCredential accepts, whose SPKI
// hashes to `public_key`, and a non-empty origin and rp_id (DataLoss naming the field otherwise).
Result<KeyEnrolledEvent> ParseKeyEnrolled(const Entry& entry);
Result<KeyRevokedEvent> ParseKeyRevoked(const Entry& entry);
Result<RepresentativeRegisteredEvent> ParseRepresentativeRegistered(const Entry& entry);
// Also DataLoss when the statement's kind is unknown or a field breaks consent/statement.h's rules.
Result<StatementEvent> ParseStatementEvent(const Entry& entry);

}  // namespace figurant::ledger
