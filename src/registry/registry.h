// The registry: the bank's record of performers, their estates, studios, productions, doubles,
// licences, consent records and licence events, in one SQLite file (WAL, foreign keys on).
// docs/registry.md documents every table and invariant.
//
// Storage only: the registry keeps values as given and enforces referential integrity and the
// invariants listed in docs/registry.md through SQL constraints; the rules of licensing (what may
// be signed, revoked, rendered) live in consent/ and bank/.
//
// Reads are strict: a stored value that is not what its column holds (a list that is not a JSON
// array of strings, a date that is not YYYY-MM-DD, a timestamp that is not an integer, a state
// outside its closed set, a key of the wrong length...) is never turned into a default. The read
// fails with DataLoss naming the table, the row's id, the column, what was expected and what was
// found. Every Get/List method below can return that DataLoss.
//
// Every mutating method runs inside the caller's transaction when one is open (InTransaction),
// else in its own. A crash at any point leaves the file as it was before the transaction.
// Not thread-safe: one Registry per thread. Several processes may share the file (a server and CLI
// commands): SQLite's WAL lets readers run beside the one writer, and a statement waits up to 10 s
// (RegistryOptions::busy_timeout_ms) for another process's lock (docs/registry.md, "Several
// processes"); past that it fails with Unavailable saying the registry is busy, having written
// nothing.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/frame_rate.h"
#include "core/status.h"

namespace figurant::registry {

namespace internal {
class Database;
}

// The closed sets of the registry's state columns. Each is stored as the text its Name function
// returns (docs/registry.md); its Parse function is the inverse, nullopt for any other text.

// `licences.state`: draft -> active (signed) -> revoked; any -> erased.
enum class LicenceState { kDraft, kActive, kRevoked, kErased };
std::string_view LicenceStateName(LicenceState state);  // "draft", "active", "revoked", "erased"
std::optional<LicenceState> ParseLicenceState(std::string_view name);

// `doubles.status`.
enum class DoubleStatus { kPlaceholder, kReady, kErased };
std::string_view DoubleStatusName(DoubleStatus status);  // "placeholder", "ready", "erased"
std::optional<DoubleStatus> ParseDoubleStatus(std::string_view name);

// `doubles.source_kind`: what the double was made from.
enum class SourceKind { kPlaceholder, kScan, kMakeHuman, kSynthetic };
// "placeholder", "scan", "makehuman", "synthetic"
std::string_view SourceKindName(SourceKind kind);
std::optional<SourceKind> ParseSourceKind(std::string_view name);

// `consents.signer`: who signed, the performer or (after their death) their estate.
enum class SignerKind { kPerformer, kEstate };
std::string_view SignerKindName(SignerKind kind);  // "performer", "estate"
std::optional<SignerKind> ParseSignerKind(std::string_view name);

// `consents.representation`: who advised the signer (California AB 2602).
enum class Representation { kUnion, kCounsel, kNone };
std::string_view RepresentationName(Representation representation);  // "union", "counsel", "none"
std::optional<Representation> ParseRepresentation(std::string_view name);

// `licence_events.kind`.
enum class LicenceEventKind { kDrafted, kSigned, kRevoked, kErased };
// "drafted", "signed", "revoked", "erased"
std::string_view LicenceEventKindName(LicenceEventKind kind);
std::optional<LicenceEventKind> ParseLicenceEventKind(std::string_view name);

// `signer_keys.how`: how a key came to be enrolled.
enum class KeyOrigin {
  kEnrolmentCode,  // with a one-time enrolment code
  kReplacement,    // replacing a lost key, confirmed by the signer's union or counsel
  kCustodial,      // the key the bank held for a performer or estate added before schema v4
};
std::string_view KeyOriginName(KeyOrigin origin);  // "enrolment_code", "replacement", "custodial"
std::optional<KeyOrigin> ParseKeyOrigin(std::string_view name);

// `representatives.kind`.
enum class RepresentativeKind { kUnion, kCounsel };
std::string_view RepresentativeKindName(RepresentativeKind kind);  // "union", "counsel"
std::optional<RepresentativeKind> ParseRepresentativeKind(std::string_view name);

// Language columns hold an ISO 639-1 code from this closed set (consent::Language is the typed
// form; the registry does not depend on consent/, so it keeps the code and checks it on read).
inline constexpr std::array<std::string_view, 2> kLanguageCodes = {"en", "fr"};

struct Performer {
  std::string id;
  std::string name;                  // personal data (sealed); empty once the performer is erased
  std::optional<std::string> email;  // personal data (sealed); none once erased
  std::string language = "en";       // one of kLanguageCodes: the language of their disclosures
  // Ed25519, 32 bytes: the key the bank held for a performer added before schema v4 (custodial);
  // empty for performers added since, who enrol keys of their own (SignerKey).
  Bytes public_key;
  bool synthetic = false;  // generated, no real person: never paid
  std::optional<Date> deceased_on;
  std::optional<UnixSeconds> erased_at;  // right to erasure exercised
  UnixSeconds created_at = 0;
};

struct Estate {
  std::string id;
  std::string performer_id;
  // e.g. "Estate of A. Diallo, c/o Maître Roux"; personal data (sealed under the performer's
  // key), empty once the performer is erased.
  std::string name;
  Bytes public_key;  // Ed25519, 32 bytes, custodial (before v4); empty since, as for performers
  UnixSeconds created_at = 0;
};

struct Studio {
  std::string id;
  std::string name;
  UnixSeconds created_at = 0;
  // Ed25519, 32 bytes: the public half of the key the studio signs its productions with (the
  // studio keeps the private half). Empty for a studio registered before schema v3 that has not
  // enrolled a key yet.
  Bytes public_key;
};

struct Production {
  std::string id;
  std::string studio_id;
  std::string title;
  std::vector<std::string> media;        // theatrical, streaming, ...
  std::vector<std::string> territories;  // ["worldwide"] or ISO 3166-1 alpha-2 codes
  std::vector<std::string> content;      // violence, nudity, political, advertising, ...
  UnixSeconds created_at = 0;
  // The studio's declaration (schema v3; consent/production_declaration.h): its frame rate, the
  // studio key that signed and the signature over id, studio, title, media, territories, content
  // and frame rate. All unset for a production registered before v3 and not yet declared.
  std::optional<FrameRate> frame_rate;
  Bytes public_key;  // Ed25519, 32 bytes
  Bytes signature;   // Ed25519, 64 bytes
};

struct Double {
  std::string id;
  std::string performer_id;
  std::string name;
  DoubleStatus status = DoubleStatus::kPlaceholder;
  UnixSeconds created_at = 0;
  // From scan ingest (schema v2); empty/zero for placeholders and after erasure.
  SourceKind source_kind = SourceKind::kPlaceholder;
  std::optional<std::string> source_sha256;  // hex, of the source file(s)
  std::optional<std::string> blob_id;        // store address of the encoded DoubleAsset
  double height_m = 0;                       // [Units: metres]
  double footprint_radius_m = 0;             // [Units: metres]
  std::string bounds_json;                   // {"lo": [x,y,z], "hi": [x,y,z]} in metres
  std::string units;                         // units the source was read in (m, cm, ...)
  bool units_guessed = false;
  std::string lods_json;  // [{"triangles": N, "error": e}, ...], full first
  bool rigged = false;
  bool has_wardrobe_regions = false;
  std::vector<std::string> look_tags;  // e.g. winter_coats, formal
};

struct Licence {
  std::string id;
  std::string performer_id;
  std::string studio_id;
  std::string terms_json;  // canonical terms text (consent::CanonicalTermsText)
  std::string language;    // one of kLanguageCodes: language of the disclosure
  // The disclosure text printed at draft time; personal data (sealed), empty once erased.
  std::string disclosure;
  LicenceState state = LicenceState::kDraft;
  Date valid_from;
  std::optional<Date> valid_until;  // none: perpetual
  bool blanket = false;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> signed_at;
  std::optional<UnixSeconds> revoked_at;  // when the revocation was requested
  std::optional<Date> revoked_from;       // first day it applies (after the notice period)
};

// A consent's passkey proof (schema v8): the WebAuthn assertion as the browser returned it
// (docs/passkeys.md). [Limits: each non-empty; authenticator_data >= 37 bytes]
struct ConsentPasskeyProof {
  Bytes authenticator_data;
  std::string client_data_json;  // stored as a BLOB, byte for byte
  Bytes signature;
};

struct Consent {
  std::string licence_id;
  // Exactly what was signed; personal data (sealed). Once the performer is erased it is empty,
  // `disclosure_erased` is set, and only disclosure_sha256 (which the signature covers) remains.
  std::string disclosure_text;
  std::string disclosure_sha256;  // 64 lowercase hex digits
  std::string terms_sha256;       // 64 lowercase hex digits
  std::string language;           // one of kLanguageCodes
  UnixSeconds signed_at = 0;
  SignerKind signer = SignerKind::kPerformer;
  std::string signer_id;  // performer or estate id
  Bytes public_key;       // Ed25519, 32 bytes; a passkey consent: the passkey's fingerprint
  // Ed25519, 64 bytes. Empty exactly for a passkey consent (stored as 64 zero bytes: the v1
  // column is NOT NULL).
  Bytes signature;
  Representation representation = Representation::kNone;
  std::optional<ConsentPasskeyProof> passkey;  // set exactly for a consent signed with a passkey
  bool disclosure_erased = false;              // set on read, never stored
  int version = 1;         // the consent message version signed [Limits: 1 or 2] (schema v4)
  bool custodial = false;  // signed with a key the bank held (every consent from before v4)
};

// A custodial consent confirmed again by its signer with their own enrolled key (schema v4): the
// same licence, terms and disclosure hashes and language, signed anew.
struct ConsentConfirmation {
  std::string licence_id;
  UnixSeconds signed_at = 0;
  SignerKind signer = SignerKind::kPerformer;
  std::string signer_id;
  Bytes public_key;  // Ed25519, 32 bytes
  Bytes signature;   // Ed25519, 64 bytes
  Representation representation = Representation::kNone;
  int version = 1;  // [Limits: 1 or 2]
};

// A draft its performer declined (schema v6). The licence stays a draft in `licences` (its state
// never changes again): a declined draft is never offered or signed, and the studio offers anew
// with a new draft. One row per licence, never changed or deleted (docs/registry.md, "Declined
// offers (version 6)").
struct DeclinedOffer {
  std::string licence_id;
  UnixSeconds declined_at = 0;
  // Why, in the performer's words; personal data (sealed). Empty when they gave no reason, and
  // once the performer is erased. [Limits: at most kMaxDeclineReasonBytes bytes]
  std::string reason;
  bool reason_erased = false;  // set on read when a reason was given but its key is destroyed
};
// [Units: bytes]
inline constexpr size_t kMaxDeclineReasonBytes = 500;

// A one-time enrolment code (schema v4). Only its SHA-256 is stored.
struct EnrolmentCode {
  std::string code_sha256;  // 64 lowercase hex digits of SHA-256 of the normalised code
  std::string performer_id;
  SignerKind signer = SignerKind::kPerformer;
  std::string signer_id;  // the performer's id, or their estate's
  UnixSeconds created_at = 0;
  UnixSeconds expires_at = 0;  // [Limits: > created_at]
  std::optional<UnixSeconds> used_at;
};

// A public key a performer or estate enrolled, and its validity period (schema v4).
// A WebAuthn credential as the registry stores it (schema v8; docs/passkeys.md "What is stored").
struct PasskeyCredential {
  Bytes id;                 // rawId [Limits: 16..1023 bytes]
  int algorithm = -7;       // COSE: -7 (ES256) or -8 (EdDSA)
  Bytes public_key_spki;    // DER SubjectPublicKeyInfo [Limits: 1..kMaxSpkiBytes bytes]
  uint32_t sign_count = 0;  // the last sign count the bank accepted
};
inline constexpr size_t kMinCredentialIdBytes = 16, kMaxCredentialIdBytes = 1023;
inline constexpr int kCoseEs256 = -7, kCoseEdDsa = -8;  // the COSE algorithms stored
inline constexpr size_t kMaxSpkiBytes = 1024;

// A passkey enrolled as a signer key: the credential and the origin and relying-party id its
// assertions must state.
struct SignerPasskey {
  PasskeyCredential credential;
  std::string origin;  // e.g. "https://bank.example" [Limits: non-empty]
  std::string rp_id;   // e.g. "bank.example" [Limits: non-empty]
};

struct SignerKey {
  int64_t seq = 0;  // assigned by the registry
  SignerKind signer = SignerKind::kPerformer;
  std::string signer_id;
  std::string performer_id;
  Bytes public_key;  // Ed25519, 32 bytes
  KeyOrigin how = KeyOrigin::kEnrolmentCode;
  // Set exactly when how is kReplacement: the representative who confirmed it, the enrolment
  // code's SHA-256 (hex) and the representative's Ed25519 signature (64 bytes) over the
  // replacement message (docs/keys.md, "Lost keys").
  std::string confirmed_by;
  std::string code_sha256;
  Bytes confirmation;
  UnixSeconds valid_from = 0;
  std::optional<UnixSeconds> revoked_from;  // the first second the key no longer signs
  std::string revoked_reason;               // set exactly when revoked_from is
  // Set for a passkey (schema v8): public_key is then SHA-256 of its public_key_spki.
  std::optional<SignerPasskey> passkey;
};

// A union or counsel registered with the public half of its own key (schema v4).
struct Representative {
  std::string id;  // rep_...
  RepresentativeKind kind = RepresentativeKind::kUnion;
  std::string name;
  Bytes public_key;  // Ed25519, 32 bytes
  UnixSeconds created_at = 0;
};

struct LicenceEvent {
  int64_t seq = 0;
  std::string licence_id;
  LicenceEventKind kind = LicenceEventKind::kDrafted;
  UnixSeconds at = 0;
  std::string detail_json;  // kind-specific, documented in docs/registry.md
};

struct RegistryOptions {
  // Test seam: a pause after every write statement, so crash tests can kill a process in the
  // middle of a transaction. Zero in production. [Units: ms] [Limits: >= 0]
  int write_delay_ms = 0;
  // How long a statement waits for another process's lock before failing with Unavailable.
  // [Units: ms] [Limits: >= 0]
  int busy_timeout_ms = 10000;
};

// Seals and opens the personal data the registry keeps — performers.name and .email,
// estates.name, licences.disclosure, consents.disclosure_text (docs/registry.md, "Personal
// data") — under the performer's own key, so that destroying that key erases the values wherever
// the database file, its WAL or a copy of it holds them. The bank supplies one backed by the
// store's data keys (store::KeyRing::Seal). Without one, values are stored as given.
struct PersonalDataCipher {
  // The sealed form of `plaintext`, bound to the performer and to `context` (where it is stored).
  std::function<Result<std::string>(const std::string& performer_id, const std::string& context,
                                    std::string_view plaintext)>
      seal;
  // The plaintext of a sealed value: NotFound once the performer's key is destroyed (erased),
  // DataLoss when the value does not authenticate.
  std::function<Result<std::string>(const std::string& performer_id, const std::string& context,
                                    std::string_view sealed)>
      open;
  // Whether a stored value is sealed; values written before sealing existed are plain text.
  std::function<bool(std::string_view stored)> is_sealed;
};

class Registry {
 public:
  // Opens the registry file, creating it when `create`, and applies pending schema migrations
  // (each once, however many processes open an old registry at the same time). NotFound when the
  // file is missing and !create; DataLoss when it is not a registry; Unavailable when it cannot
  // journal with WAL (a file system without shared memory).
  static Result<std::unique_ptr<Registry>> Open(const std::filesystem::path& db_file, bool create,
                                                const Clock& clock, RegistryOptions options = {});
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Runs `body` in one write transaction: committed when it returns OK, rolled back otherwise.
  // Nested calls join the outer transaction. BEGIN IMMEDIATE takes the write lock before `body`
  // reads anything, so two processes never deadlock upgrading a read to a write (which SQLite
  // would fail at once, without waiting).
  Status InTransaction(const std::function<Status()>& body);

  int SchemaVersion() const { return schema_version_; }
  // From now on personal data is sealed on write and opened on read with `cipher`.
  void SetPersonalDataCipher(PersonalDataCipher cipher) { cipher_ = std::move(cipher); }
  // PRAGMA integrity_check plus foreign_key_check; DataLoss describing the first problem.
  Status CheckIntegrity();

  // ---- performers and estates
  Status InsertPerformer(const Performer& p);
  Result<Performer> GetPerformer(const std::string& id);
  Result<std::vector<Performer>> ListPerformers();
  Status SetPerformerDeceased(const std::string& id, const Date& date);
  Status SetPerformerErased(const std::string& id, UnixSeconds at);
  Status InsertEstate(const Estate& e);
  Result<std::optional<Estate>> GetEstateOf(const std::string& performer_id);

  // ---- studios and productions
  Status InsertStudio(const Studio& s);
  Result<Studio> GetStudio(const std::string& id);
  Result<std::vector<Studio>> ListStudios();
  // Sets the key of a studio that has none (registered before v3). FailedPrecondition when it
  // already has one; NotFound for an unknown studio.
  Status SetStudioPublicKey(const std::string& id, const Bytes& public_key);
  Status InsertProduction(const Production& p);
  // Records the declaration of a production that has none (registered before v3): its frame
  // rate, key and signature. FailedPrecondition when it is already declared; NotFound for an
  // unknown production.
  Status SetProductionDeclaration(const std::string& id, const FrameRate& frame_rate,
                                  const Bytes& public_key, const Bytes& signature);
  Result<Production> GetProduction(const std::string& id);
  Result<std::vector<Production>> ListProductions();

  // ---- doubles
  Status InsertDouble(const Double& d);
  Result<Double> GetDouble(const std::string& id);
  Result<std::vector<Double>> ListDoubles(const std::optional<std::string>& performer_id);
  // Marks every double of the performer erased and clears what was derived from the scan.
  Status MarkDoublesErased(const std::string& performer_id);
  // Rewrites the database file so no free page or WAL frame still holds deleted content.
  Status Compact();

  // ---- licences, consent, events
  Status InsertLicence(const Licence& l);
  Result<Licence> GetLicence(const std::string& id);
  // All licences, or one performer's, or one studio's; oldest first.
  Result<std::vector<Licence>> ListLicences(const std::optional<std::string>& performer_id,
                                            const std::optional<std::string>& studio_id = {});
  // draft → active. FailedPrecondition when the licence is not a draft.
  Status MarkLicenceSigned(const std::string& id, UnixSeconds at);
  // active → revoked. FailedPrecondition when the licence is not active.
  Status MarkLicenceRevoked(const std::string& id, UnixSeconds at, const Date& effective);
  Status MarkLicencesErased(const std::string& performer_id);
  Status InsertConsent(const Consent& c);
  Result<std::optional<Consent>> GetConsent(const std::string& licence_id);
  Status AppendLicenceEvent(const LicenceEvent& e);  // seq assigned by the registry
  Result<std::vector<LicenceEvent>> ListLicenceEvents(const std::string& licence_id);

  // ---- enrolment (schema v4)
  Status InsertEnrolmentCode(const EnrolmentCode& code);
  // The code with this hash, if any.
  Result<std::optional<EnrolmentCode>> GetEnrolmentCode(const std::string& code_sha256);
  // Every code ever issued, used or not, oldest first (by created_at, then hash).
  Result<std::vector<EnrolmentCode>> ListEnrolmentCodes();
  // Marks an unused code used. FailedPrecondition when it was used already; NotFound when unknown.
  Status MarkEnrolmentCodeUsed(const std::string& code_sha256, UnixSeconds at);
  // Inserts an enrolled key; returns its seq. AlreadyExists when the signer has a current
  // (unrevoked) key or the key is enrolled already.
  Result<int64_t> InsertSignerKey(const SignerKey& key);
  // The enrolled key `seq`. NotFound for no such key.
  Result<SignerKey> GetSignerKey(int64_t seq);
  // Ends a current key's period. FailedPrecondition when it is revoked already.
  Status RevokeSignerKey(int64_t seq, UnixSeconds from, const std::string& reason);
  // Stores the sign count of the passkey of current key `seq` after an assertion the bank
  // accepted. FailedPrecondition when the key is not a current passkey or `count` does not
  // advance past the stored one (unless both are 0); NotFound for no such key.
  Status SetSignerPasskeySignCount(int64_t seq, uint32_t count);
  // The signer's keys, oldest first.
  Result<std::vector<SignerKey>> ListSignerKeys(SignerKind signer, const std::string& signer_id);
  // Every enrolled key, in enrolment order.
  Result<std::vector<SignerKey>> ListAllSignerKeys();
  Status InsertRepresentative(const Representative& r);
  Result<Representative> GetRepresentative(const std::string& id);
  Result<std::vector<Representative>> ListRepresentatives();
  Status InsertConsentConfirmation(const ConsentConfirmation& c);
  Result<std::optional<ConsentConfirmation>> GetConsentConfirmation(const std::string& licence_id);
  // ---- declined offers (schema v6)
  // Records that the performer declined draft `d.licence_id`, the reason sealed. AlreadyExists
  // when it was declined already; NotFound for an unknown licence; InvalidArgument for a reason
  // over kMaxDeclineReasonBytes. Whether the licence may be declined is the bank's question.
  Status InsertDeclinedOffer(const DeclinedOffer& d);
  Result<std::optional<DeclinedOffer>> GetDeclinedOffer(const std::string& licence_id);
  // When the bank-held private keys were destroyed (the custodial migration), if they were.
  Result<std::optional<UnixSeconds>> CustodialKeysDestroyedAt();
  Status SetCustodialKeysDestroyed(UnixSeconds at);

  // The SQLite connection, for modules that own their own tables (added by their migrations).
  internal::Database& database() { return *db_; }

 private:
  Registry(std::unique_ptr<internal::Database> db, const Clock& clock, RegistryOptions options);
  Status Migrate();
  // The highest migration applied to the file.
  Result<int> StoredSchemaVersion();
  void AfterWrite() const;
  // Personal data in and out (PersonalDataCipher); pass-through when no cipher is set.
  Result<std::string> Seal(const std::string& performer_id, const std::string& context,
                           const std::string& value);
  // The plaintext, nullopt when erased, DataLoss naming `table`, `row` and `context` when bad.
  Result<std::optional<std::string>> Open(const std::string& performer_id,
                                          const std::string& context, const std::string& stored,
                                          std::string_view table, const std::string& row);
  Status OpenSealed(Performer& p);
  Status OpenSealed(Estate& e);
  Status OpenSealed(Licence& l);
  Status OpenSealed(Consent& c);
  // The performer who grants licence `licence_id`.
  Result<std::string> LicensorOf(const std::string& licence_id);

  std::unique_ptr<internal::Database> db_;
  const Clock& clock_;
  RegistryOptions options_;
  PersonalDataCipher cipher_;
  int schema_version_ = 0;
  int transaction_depth_ = 0;
};

}  // namespace figurant::registry
