// The bank: one directory holding a registry, an encrypted store and keys, and the operations a
// performer, a studio and an auditor perform on it — add performers, draft, sign and revoke
// licences, and decide whether a double may appear in a use. This is the layer the CLI and the
// HTTP API call; it composes registry/ (storage) with consent/ (the rules).
//
// Layout (docs/registry.md, docs/keys.md):
//   BANK/figurant.db          the SQLite registry (mode 0600, as are its -wal and -shm)
//   BANK/store/               encrypted content-addressed blobs (docs/store.md)
//   BANK/ledger/ledger.log    the tamper-evident usage and licence ledger (docs/ledger.md)
//   KEYS/                     the keys, OUTSIDE the bank directory (default: BANK.keys beside it)
//   KEYS/bank.ed25519         the bank's signing key (ledger batch heads)
//   KEYS/master.key           the master key wrapping performers' data keys (docs/store.md)
//   KEYS/data/                performers' wrapped data keys
//   KEYS/performers/          custodial Ed25519 keys of performers made before registry schema v4
//   KEYS/estates/             custodial Ed25519 keys of estates, likewise (both destroyed when such
//                             a bank is opened: docs/keys.md, "Banks made before enrolment")
//
// Keys the bank never holds (docs/keys.md): performers and estates enrol the public half of a key
// they keep on their own device (InviteSigner, EnrolKey) and sign consents there; the bank verifies
// and records them (SignLicenceWith).
//
// Every mutating method is one registry transaction: on failure nothing is written. Key files are
// written (atomically) before the transaction that references them, so a crash can leave at most
// an unreferenced key file, never a row without its key. Not thread-safe.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bank/enrolment.h"
#include "consent/check.h"
#include "consent/consent_record.h"
#include "consent/disclosure.h"
#include "consent/offer.h"
#include "consent/production_declaration.h"
#include "consent/statement.h"
#include "consent/terms.h"
#include "core/clock.h"
#include "core/key_seal.h"
#include "core/status.h"
#include "geom/mesh_codec.h"
#include "ledger/ledger.h"
#include "registry/registry.h"
#include "registry/users.h"
#include "scan/scan.h"
#include "store/store.h"
#include "webauthn/assertion.h"
#include "webauthn/registration.h"

namespace figurant::bank {

namespace internal {
class LedgerFacts;
}

// An Ed25519 public key (a studio's, a signer's). [Units: bytes]
using Ed25519PublicKey = std::array<uint8_t, kEd25519PublicKeyBytes>;
using Ed25519Signature = std::array<uint8_t, kEd25519SignatureBytes>;

// How far a consent's signed_at may be from the bank's clock when SignLicenceWith records it: a
// signer may sign offline and hand the signature file over later, but not days later, and a
// device clock may run a little fast. [Units: seconds]
inline constexpr int64_t kSignatureMaxAgeS = 2 * 24 * 3600;
inline constexpr int64_t kSignatureMaxAheadS = 5 * 60;

// A new enrolment code as handed to the signer. The code is shown once and never stored (the
// registry keeps its SHA-256).
struct Invitation {
  std::string code;  // NewEnrolmentCode's form
  std::string performer_id;
  consent::Signer signer = consent::Signer::kPerformer;
  std::string signer_id;  // the performer's id, or their estate's
  UnixSeconds expires_at = 0;
};

// How far ahead of the bank's clock a signer's device may date a statement, and how long a signed
// statement may wait before it is handed to the bank. [Units: s]
inline constexpr int64_t kStatementClockSkew = 5 * 60;
inline constexpr int64_t kStatementMaxAge = 7 * 24 * 3600;

// How far a double's registered height may be from its stored geometry's standing height
// (geom::Mesh::StandingHeight), for float rounding. [Units: metres]
inline constexpr double kHeightToleranceM = 1e-4;

// A passkey enrolled as a signer key (Bank::EnrolPasskey).
struct PasskeyEnrolment {
  registry::SignerKey key;  // key.passkey set; key.public_key its fingerprint
  // The performer's log-in user, added with the same passkey in the same transaction; none when
  // the signer is an estate (no role acts for an estate).
  std::optional<registry::User> user;
};

// What the browser signs for a draft with a passkey (Bank::PasskeyConsentChallenge).
struct PasskeyConsentRequest {
  consent::ConsentRecord record;  // as SignLicenceWithPasskey rebuilds it; no proof yet
  Bytes challenge;                // consent::ConsentChallenge(record): publicKey.challenge
  webauthn::Passkey passkey;      // the signer's current passkey: allowCredentials, origin, rp id
};

struct BankPaths {
  std::filesystem::path dir;
  std::filesystem::path db;              // dir/figurant.db
  std::filesystem::path store;           // dir/store
  std::filesystem::path keys;            // the keys directory, outside dir (docs/keys.md)
  std::filesystem::path bank_key;        // keys/bank.ed25519
  std::filesystem::path master_key;      // keys/master.key (store::KeyRing reads it)
  std::filesystem::path performer_keys;  // keys/performers
  std::filesystem::path estate_keys;     // keys/estates

  // `keys_dir` empty: DefaultKeysDir(dir).
  static BankPaths For(const std::filesystem::path& dir,
                       const std::filesystem::path& keys_dir = {});
};

// Where a bank's keys live when no keys directory is given: beside the bank directory, named after
// it with ".keys" appended (BANK → BANK.keys), so that copying the bank directory does not copy
// its keys. `dir` may end with a separator.
std::filesystem::path DefaultKeysDir(const std::filesystem::path& dir);

// The keys directory of banks made before keys moved out: BANK/keys. A bank that still has it is
// refused (FailedPrecondition) until MoveKeysOut moves it.
std::filesystem::path LegacyKeysDir(const std::filesystem::path& dir);

// Moves a bank's keys from LegacyKeysDir(dir) to `keys_dir` (empty: DefaultKeysDir(dir)) with one
// rename, then checks the moved directory is private. NotFound when the bank has no keys inside;
// AlreadyExists when `keys_dir` exists; InvalidArgument when `keys_dir` is inside the bank;
// Unavailable (naming the `mv` to run) when the rename fails, e.g. across file systems.
Status MoveKeysOut(const std::filesystem::path& dir, const std::filesystem::path& keys_dir);

struct BankOptions {
  registry::RegistryOptions registry;
  store::KeyRingOptions store;  // store.passphrase also seals and opens bank.ed25519
  // The keys directory; empty: DefaultKeysDir(dir). Must not be inside the bank directory.
  std::filesystem::path keys_dir;
};

// Biometric retention (Illinois BIPA): when a performer's scans and doubles must be erased.
struct Retention {
  std::optional<Date> erase_on;  // none while a perpetual licence holds the data, or once erased
  std::string held_by;           // licence id of the perpetual licence holding the data, if any
  std::string basis;             // one sentence explaining how the date was computed
};

// Years after the last licence ends that biometric data is kept (BIPA's three-year schedule).
inline constexpr int kRetentionYears = 3;

// Flags shown with a licence in every listing.
namespace flag {
inline constexpr std::string_view kBlanket = "blanket";      // productions: any
inline constexpr std::string_view kPerpetual = "perpetual";  // no end date
inline constexpr std::string_view kIrrevocable = "irrevocable";
// Wider than one production and signed without union or counsel (California AB 2602).
inline constexpr std::string_view kUnrepresentedWideGrant = "unrepresented_wide_grant";
// Wider than one production, not yet signed: sign with representation or it will be flagged.
inline constexpr std::string_view kWideGrant = "wide_grant";
inline constexpr std::string_view kEstate = "signed_by_estate";
inline constexpr std::string_view kSignatureInvalid = "signature_invalid";
// Signed with a key the bank held (a bank made before enrolment), not re-confirmed by the signer.
inline constexpr std::string_view kCustodialSignature = "custodial_signature";
// An active licence whose consent was signed under a disclosure before consent::kDisclosureV2,
// which did not say the double may be moved through a set (docs/licence.md, "Disclosure
// versions"). It stays valid; a scene that moves the double asks its signer to confirm again.
inline constexpr std::string_view kReconfirmForMovement = "reconfirm_for_movement";
}  // namespace flag

// A licence as people see it: stored row, parsed terms, consent record and derived flags.
struct LicenceView {
  registry::Licence licence;
  consent::Terms terms;
  std::optional<registry::Consent> consent;
  bool signature_valid = false;   // consent signature verified (false for drafts)
  std::string signature_problem;  // why it did not verify, when signed
  std::vector<std::string> flags;
  // Where the licence stands today (the bank's clock), in one word: "draft", "declined" (a
  // draft its performer declined), "in_force", "not_yet_valid" (valid_from ahead), "expired"
  // (valid_until passed), "revoking" (revoked, effective after a notice period), "revoked",
  // "erased". The stored `licence.state` is only the
  // lifecycle (draft/active/revoked/erased); dates do not change it.
  std::string standing;
  std::string performer_name;
  std::string studio_name;
  // When the performer declined this draft (Bank::DeclineLicence; standing "declined"), and why
  // in their words: empty when they gave no reason or once they are erased.
  std::optional<UnixSeconds> declined_at;
  std::string decline_reason;
  // The version of the disclosure the consent signed (a draft: of the text its signer would
  // sign), read from the stored text itself (consent::DisclosureVersionOf). 0 when the text was
  // erased with the performer. [Limits: 0, or 1 to consent::kDisclosureVersion]
  int disclosure_version = 0;
};

struct NewPerformer {
  std::string name;
  std::optional<std::string> email;
  consent::Language language = consent::Language::kEnglish;
  bool synthetic = false;
};

// A check request as the CLI receives it: a double or a performer, and the use.
struct CheckRequest {
  std::optional<std::string> double_id;
  std::optional<std::string> performer_id;
  std::string production_id;
  consent::Use use = consent::Use::kBackground;
  std::optional<Date> date;  // default: today
  std::optional<double> screen_height_fraction;
  std::vector<consent::Alteration> alterations;
};

// A double to add from an import.
struct NewDouble {
  std::string performer_id;
  std::string name;  // a label for people; never taken from the file's content
  registry::SourceKind source_kind = registry::SourceKind::kScan;  // scan, makehuman, synthetic
  std::vector<std::string> look_tags;  // e.g. winter_coats, formal, casual
};

struct ErasureReport {
  std::string performer_id;
  int doubles_erased = 0;
  int licences_erased = 0;
  bool key_destroyed = false;
};

// A render's crop of one performer's appearance in a shot (render/appearance_crop.h), offered to
// the bank to keep (Bank::KeepAppearanceCrop).
struct CropCandidate {
  std::string performer_id, production_id, shot;
  int64_t frame = 0;
  std::string render_id;
  std::string double_id;  // the double of the agent the crop is centred on
  double pixels = 0;      // that agent's coverage in the frame, as metered [Units: pixels]
  int width = 0, height = 0;
  std::string png;
};

struct RetentionCase {
  registry::Performer performer;
  Retention retention;
};

struct CheckOutcome {
  std::string performer_id;
  std::optional<std::string> double_id;
  std::string production_id;
  Date date;
  consent::Decision decision;
};

// One double's standing for a production: allowed (with the licence that bills it) or excluded
// (with every reason).
struct DoubleEligibility {
  registry::Double double_row;
  registry::Performer performer;
  consent::Decision decision;
};

class Bank {
 public:
  // Creates the bank directory (store/, the registry), its keys directory and the bank signing
  // key or, when they exist, opens them and applies pending migrations. `created` tells which
  // happened. Init and Open refuse (FailedPrecondition) a bank whose keys are still inside it
  // (LegacyKeysDir), a registry or key file group/other can read, and a keys directory that is
  // not 0700; InvalidArgument for a keys directory inside the bank directory.
  static Result<std::unique_ptr<Bank>> Init(const std::filesystem::path& dir, const Clock& clock,
                                            bool* created = nullptr,
                                            const BankOptions& options = {});
  // Both then destroy, once, the private keys a bank made before enrolment held for performers
  // and estates (KEYS/performers, KEYS/estates): overwritten, deleted and recorded as destroyed
  // (crypto-shredding, as erasure does; docs/keys.md "Banks made before enrolment"). Their public
  // keys stay in the registry, so consents signed with them still verify; those consents are
  // flagged custodial_signature until their signer re-confirms them (SignLicenceWith).
  //
  // Opens an existing bank. NotFound naming the directory when it holds no registry.
  static Result<std::unique_ptr<Bank>> Open(const std::filesystem::path& dir, const Clock& clock,
                                            const BankOptions& options = {});
  ~Bank();

  const BankPaths& paths() const { return paths_; }
  // The bank-held key files this Init or Open destroyed (empty but for the first opening of a bank
  // made before enrolment), for the caller to tell its user once.
  const std::vector<std::filesystem::path>& destroyed_custodial_keys() const {
    return destroyed_custodial_keys_;
  }
  registry::Registry& registry() { return *registry_; }
  const Clock& clock() const { return clock_; }

  // ---- performers
  // Records the performer (no key: they enrol their own, InviteSigner). InvalidArgument on an
  // empty name or a malformed email.
  Result<registry::Performer> AddPerformer(const NewPerformer& p);
  // Records a date of death, in the registry and then as a `performer_deceased` ledger event (a
  // crash between the two is caught up when the ledger is next opened). From that date only
  // estate-signed licences allow anything. Recording the same date again is a no-op;
  // FailedPrecondition for another date (a recorded death never changes), InvalidArgument for a
  // date in the future.
  Status MarkDeceased(const std::string& performer_id, const Date& date);
  // Registers the performer's estate (no key: it enrols its own). AlreadyExists when one exists.
  Result<registry::Estate> RegisterEstate(const std::string& performer_id, const std::string& name);
  Result<Retention> RetentionOf(const std::string& performer_id);

  // ---- enrolment: keys the bank never holds (docs/keys.md, "Enrolment")
  // Issues a one-time enrolment code with which the performer (or, with Signer::kEstate, their
  // registered estate) enrols a public key. Only the code's SHA-256 is stored. `expires_at`
  // defaults to now + kDefaultEnrolmentDays. NotFound for an unknown performer; FailedPrecondition
  // for an erased one or an estate not registered; InvalidArgument for an expiry not after now.
  Result<Invitation> InviteSigner(const std::string& performer_id, consent::Signer signer,
                                  std::optional<UnixSeconds> expires_at = std::nullopt);
  // Enrols `public_key` for the signer the code was issued to: in one transaction the code is
  // used and the key recorded, valid from now; then the `key_enrolled` ledger event is appended
  // (a crash between the two is caught up on the next ledger open). `code` as typed (untrusted:
  // NormaliseEnrolmentCode). `proof`, when given, must be the new key's signature over
  // EnrolmentProofMessage. Refused without naming the performer: InvalidArgument for a malformed
  // code or a proof that does not verify, PermissionDenied for an unknown, used or expired code.
  // FailedPrecondition (code left unused) when the signer already has a current key: a lost key
  // is replaced with ReplaceKey. AlreadyExists when the key is enrolled already.
  Result<registry::SignerKey> EnrolKey(std::string_view code, const Ed25519PublicKey& public_key,
                                       const std::optional<Ed25519Signature>& proof = {});
  // Enrols a WebAuthn passkey as the signer's key (docs/keys.md "Passkeys"): `registration` is
  // what navigator.credentials.create returned, checked by webauthn::VerifyRegistration against
  // `expected` (the challenge the server gave the page, its origin and relying-party id); then,
  // with EnrolKey's checks on the code, in one transaction the code is used, the key recorded
  // (public_key = the passkey's fingerprint, the credential, sign count, origin and rp id beside
  // it), valid from now, and — for a performer — a log-in user added (role performer, public key
  // the fingerprint) with the same passkey in `user_passkeys`; then `key_enrolled` carrying the
  // passkey is appended. Refusals: VerifyRegistration's (PermissionDenied, InvalidArgument naming
  // the step), EnrolKey's for the code and a current key, AlreadyExists for a credential enrolled
  // already. Nothing is written on failure.
  Result<PasskeyEnrolment> EnrolPasskey(std::string_view code,
                                        const webauthn::Registration& registration,
                                        const webauthn::Expected& expected);
  // Registers a union or counsel with the public half of its own key (it keeps the private half):
  // the `representative_registered` ledger event, then the row. InvalidArgument for an empty name.
  Result<registry::Representative> AddRepresentative(registry::RepresentativeKind kind,
                                                     const std::string& name,
                                                     const Ed25519PublicKey& public_key);
  // What the signer's representative is asked to sign to confirm a lost key's replacement
  // (docs/keys.md, "Lost keys"): a key_replacement statement (ledger::KeyReplacementFields) naming
  // the signer the new `code` was issued to, their current key, `new_key` and the code's hash —
  // never the code. The checks of EnrolKey on the code (left unused); FailedPrecondition when the
  // signer has no key to replace.
  Result<consent::StatementRequest> ReplacementRequest(std::string_view code,
                                                       const Ed25519PublicKey& new_key);
  // Replaces a signer's lost key: `code` is a new enrolment code issued to the signer (the checks
  // of EnrolKey), the signer must have a current key, and `confirmation` must be representative
  // `representative_id`'s signature over ReplacementRequest's statement: its kind and fields
  // exactly those (InvalidArgument naming the first field that differs), its key the
  // representative's registered key and its signature valid (PermissionDenied). In one
  // transaction the code is used, the old key's period ends now and the new key's begins; then
  // `key_revoked` and `key_enrolled` (how replacement, carrying the confirmation, which `ledger
  // verify` re-verifies from an export) are appended. Consents signed earlier with the old key
  // stay valid. NotFound for an unknown representative.
  Result<registry::SignerKey> ReplaceKey(std::string_view code, const Ed25519PublicKey& new_key,
                                         const std::string& representative_id,
                                         const consent::SignedStatement& confirmation);
  // Every key the signer enrolled, oldest first, with its period.
  Result<std::vector<registry::SignerKey>> KeysOf(consent::Signer signer,
                                                  const std::string& signer_id);

  // ---- doubles: scan ingest results, encrypted in the store
  // Encrypts the imported asset into the performer's store and records the double. The blob is
  // written (atomically) before the registry row, so a crash leaves at most an unreferenced
  // ciphertext file, never a double without its geometry.
  Result<registry::Double> AddDouble(const NewDouble& d, const scan::ImportedScan& scan);
  // Decrypts and decodes a double's geometry. NotFound for an erased double; DataLoss when the
  // blob fails verification, or when the registry's height_m is not the geometry's standing
  // height (within kHeightToleranceM): decisions use the geometry's height, never the row's.
  Result<geom::DoubleAsset> LoadDouble(const std::string& double_id);
  // The right to erasure: in one transaction marks the performer's doubles and licences erased
  // (licence events record it) and the performer erased; then destroys their data key (which
  // seals their name, email, estate name and disclosure texts in the registry), blobs and
  // custodial signing keys (theirs and their estate's), rotates the master key so no earlier
  // copy of the data key unwraps, and compacts the registry so no deleted page survives.
  // What remains is listed in docs/store.md ("What remains after erasure"). Idempotent.
  Result<ErasureReport> ErasePerformer(const std::string& performer_id);
  // ---- appearance crops (docs/portal.md, "Appearance crops"): for each (performer, production,
  // shot) the crop that shows them largest, encrypted in their store, for them alone to see.
  // The pixels of the crop kept for the performer's appearance in the shot; 0 when none is kept.
  // A render asks before cutting one, so it cuts only crops that would be kept.
  Result<double> KeptCropPixels(const std::string& performer_id, const std::string& production_id,
                                const std::string& shot);
  // Keeps `crop` when it shows the performer larger than the crop kept for the shot (or none is
  // kept): the PNG is encrypted into the performer's store, then the registry row points at it
  // (same id as before), then the replaced blob is deleted — a crash leaves at most an
  // unreferenced ciphertext file. True when kept. FailedPrecondition for an erased or synthetic
  // performer; the registry's InvalidArgument/NotFound for a malformed candidate.
  Result<bool> KeepAppearanceCrop(const CropCandidate& crop);
  // The PNG of a kept crop, decrypted. NotFound for an unknown id or an erased performer;
  // DataLoss when the blob fails verification.
  Result<std::string> AppearanceCropPng(const std::string& crop_id);

  // Performers not yet erased whose retention date is before today, with their retention.
  Result<std::vector<RetentionCase>> RetentionDue();

  // ---- the ledger
  // Opens the ledger (once per Bank) and reconciles it with the registry: every signed licence has
  // its licence_signed entry, every revocation and erasure its entry (appending any a crash between
  // the registry commit and the ledger append left out).
  Result<ledger::Ledger*> Ledger();
  // Closes the ledger (releasing its lock) so another Bank in this process may open it.
  void CloseLedger();
  // The bank's public signing key (what verifies the ledger's heads).
  Result<std::array<uint8_t, 32>> PublicKey();

  // ---- studios and productions (docs/registry.md, "Studios sign their productions")
  // Registers a studio with the public half of its own Ed25519 key (the studio keeps the private
  // half; the bank never sees it). The `studio_registered` ledger event is appended before the
  // registry row. InvalidArgument for an empty name, AlreadyExists for a name in use.
  Result<registry::Studio> AddStudio(const std::string& name, const Ed25519PublicKey& public_key);
  // Registers the key of a studio created before studios had keys. FailedPrecondition when it has
  // one already: a studio's key never changes.
  Result<registry::Studio> EnrolStudioKey(const std::string& studio_id,
                                          const Ed25519PublicKey& key);
  // Registers a production as its studio declared and signed it (consent::SignProduction, on the
  // studio's side). The `production_declared` ledger event is appended before the registry row.
  // InvalidArgument for a bad field, a key that is not the studio's registered key or a signature
  // that does not verify; FailedPrecondition when the studio has no key yet; AlreadyExists for an
  // id in use; NotFound for an unknown studio.
  Result<registry::Production> AddProduction(const consent::SignedProduction& declared);
  // Records the studio's declaration of a production registered before productions were signed
  // (registry schema v3): it must state the production's registered studio, title, media,
  // territories and content (FailedPrecondition naming the first that differs) and adds its frame
  // rate. The other errors of AddProduction.
  Result<registry::Production> DeclareProduction(const consent::SignedProduction& declared);

  // ---- licences
  // Validates the terms (every bad field reported) and stores a draft with its disclosure in the
  // performer's language. Nothing is written on failure.
  Result<LicenceView> DraftLicence(const std::string& performer_id, const std::string& studio_id,
                                   std::string_view terms_text, std::string_view source);
  // The draft DraftLicence would store for the same arguments — its canonical terms, language and
  // exact disclosure — without storing anything or touching the ledger (it reads the registry
  // only), so a studio can preview the disclosure its performer will be shown. The id is not
  // reserved (DraftLicence draws a new one). The same failures as DraftLicence.
  Result<registry::Licence> PrepareDraft(const std::string& performer_id,
                                         const std::string& studio_id, std::string_view terms_text,
                                         std::string_view source);
  // What the signer of a draft is asked to sign on their own device (consent::OfferJson): the
  // draft's canonical terms and exact disclosure, addressed to the performer or, once they are
  // deceased, their estate. FailedPrecondition when the licence is not a draft or nobody can sign
  // it now.
  Result<consent::Offer> OfferFor(const std::string& licence_id);
  // Records a consent the signer made on their own device (a ConsentSignature file, or a test
  // playing the device). For a draft: the record must name the draft's licence, performer, studio,
  // terms and disclosure SHA-256 and language, the signer who may sign now (the performer, or
  // their estate once they are deceased), and a signed_at not before the draft was made and
  // within kSignatureMaxAgeS before / kSignatureMaxAheadS after now (InvalidArgument naming the
  // field otherwise); its key must be the signer's key enrolled and valid at signed_at in the
  // ledger (PermissionDenied saying why otherwise) and the signature must verify
  // (InvalidArgument). The consent is stored (custodial: no) with the draft's disclosure text,
  // the licence becomes active, and `licence_signed` carrying the consent is appended.
  // For an active licence whose consent is custodial, the same checks re-confirm it: the
  // confirmation is stored and a `licence_signed` entry with the new consent appended; the flag
  // custodial_signature goes. FailedPrecondition for any other licence.
  Result<LicenceView> SignLicenceWith(const consent::ConsentRecord& signed_record);
  // What the signer's passkey signs to consent to draft `licence_id` at `signed_at` with
  // `representation`: the consent record built from the draft exactly as SignLicenceWithPasskey
  // builds it (version 2, the draft's parties, hashes, language and disclosure, the signer who may
  // sign now, public_key = their current passkey's fingerprint), its ConsentChallenge, and the
  // passkey. The refusals of SignLicenceWith on the draft, the signer and signed_at;
  // FailedPrecondition when the signer's current key is not a passkey (or they have none).
  Result<PasskeyConsentRequest> PasskeyConsentChallenge(const std::string& licence_id,
                                                        UnixSeconds signed_at,
                                                        consent::Representation representation);
  // Records a consent signed with a passkey: the record is rebuilt as PasskeyConsentChallenge
  // builds it, and `assertion` (what navigator.credentials.get returned) must verify as
  // consent::VerifyPasskeyConsent says with the signer's current passkey as stored — its
  // credential, last sign count, origin and rp id (PermissionDenied or InvalidArgument naming the
  // step otherwise). In one transaction the consent is stored with the assertion, the licence
  // becomes active and the passkey's sign count advances; then `licence_signed` carrying the
  // passkey assertion is appended. Only drafts: a custodial consent is re-confirmed with a key
  // file (SignLicenceWith); FailedPrecondition for any licence but a draft.
  Result<LicenceView> SignLicenceWithPasskey(const std::string& licence_id, UnixSeconds signed_at,
                                             consent::Representation representation,
                                             const webauthn::Assertion& assertion);
  // Revokes an active, revocable licence. The revocation applies from `effective`, which must be
  // at least the notice period after today; default: today + notice. InvalidArgument naming the
  // earliest allowed date when `effective` is too early; FailedPrecondition when irrevocable.
  Result<LicenceView> RevokeLicence(const std::string& licence_id, std::optional<Date> effective);
  // The performer declines a draft offered to them (docs/licence.md, "Declining an offer"):
  // recorded with the bank's time and `reason` (their words, optional: empty for none; sealed
  // under their data key, so erasure destroys it). From then on the draft is never offered
  // (OfferFor) or signed (SignLicenceWith): both answer FailedPrecondition "declined on DATE".
  // FailedPrecondition when the licence is not a draft or was declined already; InvalidArgument
  // naming field 'reason' for one over registry::kMaxDeclineReasonBytes bytes. Not a ledger
  // event: the ledger records consent and its withdrawal, and a draft was never consent.
  Result<LicenceView> DeclineLicence(const std::string& licence_id, const std::string& reason);
  Result<LicenceView> GetLicence(const std::string& licence_id);
  // The disclosure version a licence's consent was signed under (for a draft, the version its
  // signer would sign): LicenceView::disclosure_version, read from the stored text. A render that
  // moves a double asks consent::NeedsMovementReconfirmation of it for each licence it bills
  // (LicenceFactsOf carries the same number, without a second read). NotFound for an unknown
  // licence; FailedPrecondition for one whose text was erased with its performer; DataLoss naming
  // the row when the stored text names a version this bank does not know.
  Result<int> DisclosureVersionOf(const std::string& licence_id);
  // Re-confirmation (docs/licence.md, "Disclosure versions"): drafts, for the studio, a new licence
  // of exactly the terms of `licence_id` (the same canonical text, so the same terms hash), whose
  // disclosure is the current version, and offers it to the same signer as any draft. The old
  // licence is left as it is, its consent and hashes untouched; once the signer signs the new
  // draft, the studio holds both, and the new one's fees are its own (its scan fee is billed
  // again, as its disclosure says). FailedPrecondition when `licence_id` is not active and in force
  // (or not yet valid), when its consent was signed under the current version already, or when a
  // re-offer of it waits unanswered (the message names that draft). NotFound for an unknown
  // licence. The other failures of DraftLicence.
  Result<LicenceView> ReofferLicence(const std::string& licence_id);
  Result<std::vector<LicenceView>> ListLicences(const std::optional<std::string>& performer_id,
                                                const std::optional<std::string>& studio_id = {});

  // ---- statements signed with the signer's own key (docs/licence.md, "Suspensions and strikes")
  // The request a signer's device signs (figurant key sign-statement), dated now. `from` (the
  // first day it applies; default today) may not be before today.
  //   suspend/resume: an active licence, signed by its performer.
  //   strike/end_strike: a union registered in the bank, against a registered studio.
  //   join_union/leave_union: a performer not erased, and a registered union.
  // NotFound for an unknown licence, performer, studio or union; InvalidArgument for a `from`
  // before today; FailedPrecondition when the statement would make no sense now (suspending a
  // suspended licence, resuming one that is not, a revoked or draft licence, ending a strike that
  // is not on, joining twice).
  Result<consent::StatementRequest> SuspensionRequest(const std::string& licence_id, bool suspend,
                                                      std::optional<Date> from);
  Result<consent::StatementRequest> StrikeRequest(const std::string& union_id,
                                                  const std::string& studio_id, bool declare,
                                                  std::optional<Date> from);
  Result<consent::StatementRequest> MembershipRequest(const std::string& performer_id,
                                                      const std::string& union_id, bool join);
  // Records a signed statement as a `statement` ledger entry, after checking: its fields are its
  // kind's (InvalidArgument naming the field); it names objects that exist and it makes sense now
  // (as for the requests); it was signed at most kStatementClockSkew in the future and at most
  // kStatementMaxAge ago (InvalidArgument); and its key is the signer's — the performer's key
  // enrolled and valid at signed_at, or the union's registered key — and the signature verifies
  // (PermissionDenied). Nothing is written on failure. From then on `check` and `render` honour
  // it (consent::Check reasons `suspended` and `strike`).
  Status RecordStatement(const consent::SignedStatement& statement);
  // The licence's suspensions as its performer signed them, oldest first (`until` empty while one
  // holds), and whether the latest still holds, from the ledger (opened once per Bank).
  struct Suspensions {
    std::vector<consent::Suspension> periods;
    bool suspended = false;
  };
  Result<Suspensions> SuspensionsOf(const std::string& licence_id);

  // ---- the check: what a decision reads (docs/licence.md, "What a decision reads")
  // Each opens the ledger (once per Bank) and checks the registry rows it reads against it: a row
  // that disagrees with the signed record is DataLoss naming its table, row and column, and no
  // fact of it is returned.
  // The performer's licences: state, signing and revocation date as the ledger records them.
  Result<std::vector<consent::LicenceFacts>> LicenceFactsOf(const std::string& performer_id);
  // Date of death and erasure as the ledger records them.
  Result<consent::PerformerFacts> PerformerFactsOf(const std::string& performer_id);
  // The production as its studio declared and signed it (the signature verified under the key the
  // ledger registered for the studio). FailedPrecondition for a production never declared.
  Result<consent::ProductionFacts> ProductionFactsOf(const std::string& production_id);
  // With a double, its geometry is loaded and its height checked (LoadDouble).
  Result<CheckOutcome> Check(const CheckRequest& request);
  // Every double in the bank (except erased ones) judged for `production_id` on `date` with the
  // given use and alterations, screen height unknown. Casting draws its pool from the allowed
  // ones and reports the excluded ones with their reasons. Licences are loaded once per performer.
  Result<std::vector<DoubleEligibility>> JudgeDoubles(
      const std::string& production_id, consent::Use use, const Date& date,
      const std::vector<consent::Alteration>& alterations);

 private:
  Bank(BankPaths paths, const Clock& clock, std::unique_ptr<registry::Registry> registry,
       std::unique_ptr<store::KeyRing> keys);
  Result<LicenceView> MakeView(registry::Licence licence);
  // A stored consent (or its re-confirmation) verified, and whether it is custodial.
  struct ConsentCheck {
    Status verified;
    bool custodial = false;
  };
  Result<ConsentCheck> CheckStoredConsent(const registry::Licence& licence,
                                          const registry::Performer& performer,
                                          const registry::Consent& stored);
  // The ledger's facts, opening (and reconciling) the ledger when it is not open yet.
  Result<const internal::LedgerFacts*> Facts();
  // OK when `declared` is well formed, signed with its studio's registered key, verifies and
  // declares a production the ledger has no declaration of.
  Status CheckDeclaredByStudio(const consent::SignedProduction& declared);
  // The disclosure for `terms` as the performer (or their estate) would be shown it now.
  Result<std::string> DisclosureFor(const consent::Terms& terms,
                                    const registry::Performer& performer,
                                    const registry::Studio& studio, bool for_estate,
                                    std::string_view source);

  // SignLicenceWith's stages, in order. Nothing is written before StoreSignedConsent.
  // Who signs a licence.
  struct Signatory {
    registry::Performer performer;  // the grantor
    consent::Signer kind = consent::Signer::kPerformer;
    std::string id;  // the performer's id, or their estate's
  };
  // CheckSignedRecord's first stage, also SignLicenceWithPasskey's: the record's signer is
  // `signer`, it names the licence (CheckRecordNamesLicence) and its key is the signer's enrolled
  // and valid at signed_at in the ledger.
  Status CheckRecordSigner(const registry::Licence& licence, const Signatory& signer,
                           const consent::ConsentRecord& in);
  // PasskeyConsentChallenge's and SignLicenceWithPasskey's first stage (passkeys.cpp).
  struct PasskeyDraft;
  Result<PasskeyDraft> PrepareForPasskey(const std::string& licence_id, UnixSeconds signed_at,
                                         consent::Representation representation);
  // The record checked against the draft and the signer (SignLicenceWith's rules), with the
  // draft's disclosure text filled in.
  Result<consent::ConsentRecord> CheckSignedRecord(const registry::Licence& licence,
                                                   const Signatory& signer,
                                                   const consent::ConsentRecord& in);
  Result<LicenceView> ConfirmCustodialConsent(const registry::Licence& licence,
                                              const consent::ConsentRecord& in);
  // FailedPrecondition "licence L was declined on DATE ..." when the performer declined it.
  Status CheckNotDeclined(const registry::Licence& licence);
  // The licence, when it is a draft granted by `performer_id`.
  Result<registry::Licence> DraftAwaitingSignature(const std::string& licence_id,
                                                   const std::string& performer_id);
  // The performer, or their estate when `as_estate`, allowed to sign now.
  Result<Signatory> SignatoryFor(const std::string& performer_id, bool as_estate);
  // FailedPrecondition when the disclosure the signer would now be shown differs from the draft's.
  Status CheckDisclosureUnchanged(const registry::Licence& draft, const Signatory& signer);
  // Stores the consent, marks the licence active and appends its `signed` event, atomically.
  // `custodial`: signed with a key the bank held.
  Status StoreSignedConsent(const consent::ConsentRecord& record, bool custodial);
  // The passkey enrolment's writes, in one transaction (passkeys.cpp).
  Status StorePasskeyEnrolment(const std::string& code_sha256, PasskeyEnrolment& enrolment,
                               const webauthn::Credential& credential);

  // The enrolment code behind `typed`, unused and unexpired (EnrolKey's refusals otherwise).
  Result<registry::EnrolmentCode> UsableCode(std::string_view typed);
  // ReplacementRequest's and ReplaceKey's first stage: the usable code, the key it replaces and
  // the statement the representative signs (their refusals).
  struct ReplacementPlan {
    registry::EnrolmentCode code;
    registry::SignerKey old_key;
    consent::StatementRequest request;
  };
  Result<ReplacementPlan> PlanReplacement(std::string_view typed_code,
                                          const Ed25519PublicKey& new_key);
  // The custodial migration (Init, Open): destroys the key files and records it, once.
  Status DestroyCustodialKeys();

  BankPaths paths_;
  std::vector<std::filesystem::path> destroyed_custodial_keys_;
  const Clock& clock_;
  KeyPassphrase key_passphrase_;  // seals and opens bank.ed25519 (BankOptions::store.passphrase)
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<store::KeyRing> keys_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<internal::LedgerFacts> facts_;  // indexed from ledger_ while it is open
  Status Reconcile();
  // OK unless the ledger file is missing while the registry records facts that only the ledger
  // made (a studio's registered key, a signed licence): then DataLoss naming the file. The ledger
  // was deleted, and starting a new one would drop every usage entry (docs/ledger.md).
  Status CheckLedgerNotLost();
  // Appends the events (opening the ledger if needed) and indexes them.
  Status AppendFacts(const std::vector<std::pair<ledger::EntryType, std::string>>& entries);
  // RecordStatement's and the requests' checks of what a statement names, against the registry
  // and the ledger's facts; `now` dates the request.
  Status CheckStatementObjects(const consent::SignedStatement& statement);
  Result<consent::StatementRequest> StatementRequestFor(consent::StatementKind kind,
                                                        std::vector<consent::StatementField> fields,
                                                        std::string_view language);
  // Appends licence events to the ledger if it is open or can be opened; failures are reported
  // but do not undo the registry change (Reconcile catches up on the next open).
  // `entry` comes from ledger::ToEntry (ledger/payloads.h).
  Status RecordLicenceEvent(const std::pair<ledger::EntryType, std::string>& entry);
};

// Reads an Ed25519 key file written by the bank (64-byte secret key), which must be private
// (mode 0600 or stricter, owned, regular: FailedPrecondition otherwise); a sealed file is opened
// with `passphrase` (docs/keys.md).
Result<SigningKeyPair> ReadSigningKey(const std::filesystem::path& file,
                                      const KeyPassphrase& passphrase = std::nullopt);
// Writes it (mode 0600, atomically), sealed when `passphrase` is set.
Status WriteSigningKey(const std::filesystem::path& file, const SigningKeyPair& key,
                       const KeyPassphrase& passphrase = std::nullopt);

}  // namespace figurant::bank
