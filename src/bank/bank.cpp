#include "bank/bank.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "bank/internal/consent_row.h"
#include "bank/internal/key_records.h"
#include "bank/internal/ledger_facts.h"
#include "core/file.h"
#include "core/ids.h"
#include "core/key_seal.h"
#include "core/text.h"
#include "ledger/payloads.h"
#include "ledger/statements.h"
#include "registry/appearance_crops.h"

namespace figurant::bank {
namespace fs = std::filesystem;
using internal::CurrentKey;
using internal::EnrolledEventOf;
using internal::NewKeyFor;
using internal::RevokedEventOf;
using internal::SignedEventOf;
using nlohmann::json;

namespace {

constexpr std::string_view kKeyFileMagic = "figurant-ed25519-v1";
constexpr unsigned kSecretFileMode = 0600;
constexpr unsigned kSecretDirMode = 0700;
constexpr int64_t kSecondsPerDay = 24 * 3600;
// Ids of representatives: "rep_<16 hex>" (core/ids.h has no prefix for them yet).
constexpr std::string_view kRepresentativePrefix = "rep";

Status ValidateEmail(const std::optional<std::string>& email) {
  if (!email) return Status::Ok();
  const auto at = email->find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= email->size() ||
      email->find('.', at) == std::string::npos || email->find(' ') != std::string::npos) {
    return InvalidArgument("performer email '" + *email + "' is not an email address");
  }
  return Status::Ok();
}

}  // namespace

BankPaths BankPaths::For(const fs::path& dir, const fs::path& keys_dir) {
  BankPaths p;
  p.dir = dir;
  p.db = dir / "figurant.db";
  p.store = dir / "store";
  p.keys = keys_dir.empty() ? DefaultKeysDir(dir) : keys_dir;
  p.bank_key = p.keys / "bank.ed25519";
  p.master_key = p.keys / "master.key";
  p.performer_keys = p.keys / "performers";
  p.estate_keys = p.keys / "estates";
  return p;
}

fs::path DefaultKeysDir(const fs::path& dir) {
  fs::path d = dir.lexically_normal();
  if (!d.has_filename()) d = d.parent_path();  // "bank/" → "bank"
  return d.parent_path() / (d.filename().string() + ".keys");
}

fs::path LegacyKeysDir(const fs::path& dir) { return dir / "keys"; }

namespace {

// The keys must live outside the bank directory: refuses the old layout (BANK/keys) with the one
// command that fixes it, and a keys directory configured inside the bank.
Status CheckKeysOutside(const BankPaths& paths) {
  std::error_code ec;
  const fs::path legacy = LegacyKeysDir(paths.dir);
  if (fs::exists(legacy, ec)) {
    return FailedPrecondition("bank " + paths.dir.string() +
                              " keeps its keys inside its data directory (" + legacy.string() +
                              "), where whoever copies the bank copies its keys; move them out "
                              "with `figurant keys move` (docs/keys.md)");
  }
  if (PathIsWithin(paths.keys, paths.dir)) {
    return InvalidArgument("keys directory " + paths.keys.string() +
                           " is inside the bank directory " + paths.dir.string() +
                           "; keys must live outside it (docs/keys.md)");
  }
  return Status::Ok();
}

// The registry holds names and emails: it and its -wal and -shm files must be private (SQLite
// gives the -wal and -shm the mode of the database file).
Status CheckRegistryPrivate(const fs::path& db) {
  for (const fs::path& f : {db, fs::path(db.string() + "-wal"), fs::path(db.string() + "-shm")}) {
    Status s = CheckPrivate(f);
    if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
  }
  return Status::Ok();
}

// Creates an empty (valid) registry file of mode 0600 before SQLite creates it with 0644.
Status CreatePrivateRegistry(const fs::path& db) {
  const Status s = CreateFileExclusive(db, "", kSecretFileMode);
  return s.code() == StatusCode::kAlreadyExists ? Status::Ok() : s;
}

// Creates (Init) or checks the keys directory and its subdirectories: each 0700 and owned.
Status PrepareKeyDirectories(const BankPaths& paths) {
  for (const fs::path& d : {paths.keys, paths.performer_keys, paths.estate_keys}) {
    FIGURANT_RETURN_IF_ERROR(EnsurePrivateDirectory(d));
  }
  return Status::Ok();
}

}  // namespace

Status MoveKeysOut(const fs::path& dir, const fs::path& keys_dir) {
  const BankPaths paths = BankPaths::For(dir, keys_dir);
  const fs::path legacy = LegacyKeysDir(dir);
  std::error_code ec;
  if (!fs::is_directory(legacy, ec)) {
    return NotFound("bank " + dir.string() + " has no keys inside it (" + legacy.string() + ")");
  }
  if (PathIsWithin(paths.keys, dir)) {
    return InvalidArgument("keys directory " + paths.keys.string() +
                           " is inside the bank directory " + dir.string());
  }
  if (fs::exists(paths.keys, ec)) {
    return AlreadyExists("keys directory " + paths.keys.string() +
                         " already exists; move the keys by hand or choose another one");
  }
  if (!paths.keys.parent_path().empty()) {
    FIGURANT_RETURN_IF_ERROR(EnsureDirectory(paths.keys.parent_path()));
  }
  if (::rename(legacy.c_str(), paths.keys.c_str()) != 0) {
    return Unavailable("cannot move " + legacy.string() + " to " + paths.keys.string() + ": " +
                       std::strerror(errno) + "; move it with: mv " + legacy.string() + " " +
                       paths.keys.string());
  }
  FIGURANT_RETURN_IF_ERROR(SyncDirectory(dir));
  if (!paths.keys.parent_path().empty()) {
    FIGURANT_RETURN_IF_ERROR(SyncDirectory(paths.keys.parent_path()));
  }
  return CheckPrivate(paths.keys);
}

Result<SigningKeyPair> ReadSigningKey(const fs::path& file, const KeyPassphrase& passphrase) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadKeyFileText(file, passphrase));
  const auto nl = text.find('\n');
  if (nl == std::string::npos || text.substr(0, nl) != kKeyFileMagic) {
    SecureZero(text.data(), text.size());
    return DataLoss("key file " + file.string() + " is not a Figurant Ed25519 key");
  }
  auto raw = FromHex(TrimSpace(text.substr(nl + 1)));
  SecureZero(text.data(), text.size());
  if (!raw.ok() || raw->size() != kEd25519SecretKeyBytes) {
    return DataLoss("key file " + file.string() + " is damaged");
  }
  SigningKeyPair kp;
  std::copy(raw->begin(), raw->end(), kp.secret_key.begin());
  // libsodium's secret key is seed || public key.
  std::copy(raw->begin() + kEd25519SecretKeyBytes - kEd25519PublicKeyBytes, raw->end(),
            kp.public_key.begin());
  SecureZero(raw->data(), raw->size());
  return kp;
}

Status WriteSigningKey(const fs::path& file, const SigningKeyPair& key,
                       const KeyPassphrase& passphrase) {
  std::string text = std::string(kKeyFileMagic) + "\n" + ToHex(key.secret_key) + "\n";
  Result<std::string> stored = KeyFileTextToStore(text, passphrase);
  SecureZero(text.data(), text.size());
  if (!stored.ok()) return stored.status();
  return WriteFileAtomic(file, *stored, kSecretFileMode);
}

Bank::Bank(BankPaths paths, const Clock& clock, std::unique_ptr<registry::Registry> registry,
           std::unique_ptr<store::KeyRing> keys)
    : paths_(std::move(paths)),
      clock_(clock),
      registry_(std::move(registry)),
      keys_(std::move(keys)),
      blobs_(std::make_unique<store::BlobStore>(paths_.store, *keys_)) {
  // Personal data in the registry is sealed under each performer's data key (docs/store.md).
  store::KeyRing& ring = *keys_;
  registry_->SetPersonalDataCipher(
      {[&ring](const std::string& id, const std::string& context, std::string_view plain) {
         return ring.Seal(id, context, plain);
       },
       [&ring](const std::string& id, const std::string& context, std::string_view sealed) {
         return ring.Unseal(id, context, sealed);
       },
       store::IsSealed});
}

Bank::~Bank() = default;

Result<std::unique_ptr<Bank>> Bank::Init(const fs::path& dir, const Clock& clock, bool* created,
                                         const BankOptions& options) {
  BankPaths paths = BankPaths::For(dir, options.keys_dir);
  std::error_code ec;
  const bool existed = fs::exists(paths.db, ec);
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    return InvalidArgument("bank path " + dir.string() + " exists and is not a directory");
  }
  FIGURANT_RETURN_IF_ERROR(CheckKeysOutside(paths));
  FIGURANT_RETURN_IF_ERROR(EnsureDirectory(dir));
  FIGURANT_RETURN_IF_ERROR(EnsureDirectory(paths.store, kSecretDirMode));
  FIGURANT_RETURN_IF_ERROR(PrepareKeyDirectories(paths));
  if (!fs::exists(paths.bank_key, ec)) {
    SigningKeyPair kp = GenerateSigningKeyPair();
    Status wrote = WriteSigningKey(paths.bank_key, kp, options.store.passphrase);
    SecureZero(kp.secret_key.data(), kp.secret_key.size());
    FIGURANT_RETURN_IF_ERROR(wrote);
  }
  FIGURANT_ASSIGN_OR_RETURN(auto keys,
                            store::KeyRing::Open(paths.keys, /*create=*/true, options.store));
  FIGURANT_RETURN_IF_ERROR(CreatePrivateRegistry(paths.db));
  FIGURANT_RETURN_IF_ERROR(CheckRegistryPrivate(paths.db));
  FIGURANT_ASSIGN_OR_RETURN(auto reg,
                            registry::Registry::Open(paths.db, true, clock, options.registry));
  if (created != nullptr) *created = !existed;
  std::unique_ptr<Bank> bank(new Bank(std::move(paths), clock, std::move(reg), std::move(keys)));
  bank->key_passphrase_ = options.store.passphrase;
  FIGURANT_RETURN_IF_ERROR(bank->DestroyCustodialKeys());
  return bank;
}

Result<std::unique_ptr<Bank>> Bank::Open(const fs::path& dir, const Clock& clock,
                                         const BankOptions& options) {
  BankPaths paths = BankPaths::For(dir, options.keys_dir);
  std::error_code ec;
  if (!fs::exists(paths.db, ec)) {
    return NotFound("no bank at " + dir.string() + " (it has no figurant.db)");
  }
  FIGURANT_RETURN_IF_ERROR(CheckKeysOutside(paths));
  if (!fs::exists(paths.keys, ec)) {
    return FailedPrecondition("the keys of bank " + dir.string() + " are not at " +
                              paths.keys.string() +
                              "; name their directory with --keys DIR or FIGURANT_KEYS "
                              "(docs/keys.md)");
  }
  FIGURANT_RETURN_IF_ERROR(PrepareKeyDirectories(paths));
  FIGURANT_RETURN_IF_ERROR(CheckRegistryPrivate(paths.db));
  FIGURANT_ASSIGN_OR_RETURN(auto reg,
                            registry::Registry::Open(paths.db, false, clock, options.registry));
  // Banks created before the store existed gain their master key on first open.
  FIGURANT_ASSIGN_OR_RETURN(auto keys,
                            store::KeyRing::Open(paths.keys, /*create=*/true, options.store));
  std::unique_ptr<Bank> bank(new Bank(std::move(paths), clock, std::move(reg), std::move(keys)));
  bank->key_passphrase_ = options.store.passphrase;
  FIGURANT_RETURN_IF_ERROR(bank->DestroyCustodialKeys());
  return bank;
}

Status Bank::DestroyCustodialKeys() {
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<UnixSeconds> done,
                            registry_->CustodialKeysDestroyedAt());
  if (done) return Status::Ok();
  // Destroyed first, recorded after: a crash in between destroys what is left on the next open.
  for (const fs::path& dir : {paths_.performer_keys, paths_.estate_keys}) {
    std::error_code ec;
    for (const fs::directory_entry& f : fs::directory_iterator(dir, ec)) {
      if (f.path().extension() != ".ed25519") continue;
      FIGURANT_RETURN_IF_ERROR(store::DestroyFile(f.path()));
      destroyed_custodial_keys_.push_back(f.path());
    }
    if (ec) return Unavailable("cannot list " + dir.string() + ": " + ec.message());
  }
  return registry_->SetCustodialKeysDestroyed(clock_.Now());
}

// ---- performers --------------------------------------------------------------------------------

Result<registry::Performer> Bank::AddPerformer(const NewPerformer& in) {
  registry::Performer p;
  p.name = TrimSpace(in.name);
  if (p.name.empty()) return InvalidArgument("performer name must not be empty");
  FIGURANT_RETURN_IF_ERROR(ValidateEmail(in.email));
  p.id = NewId(id_prefix::kPerformer);
  p.email = in.email;
  p.language = std::string(consent::LanguageCode(in.language));
  p.synthetic = in.synthetic;
  p.created_at = clock_.Now();
  // No key: the performer enrols one they hold (InviteSigner, EnrolKey).
  FIGURANT_RETURN_IF_ERROR(registry_->InsertPerformer(p));
  return p;
}

Status Bank::MarkDeceased(const std::string& performer_id, const Date& date) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(performer_id));
  if (date > clock_.Today()) {
    return InvalidArgument("date of death " + date.ToString() + " of performer " + performer_id +
                           " is in the future");
  }
  if (p.erased_at) return FailedPrecondition("performer " + performer_id + " has been erased");
  if (p.deceased_on && *p.deceased_on != date) {
    return FailedPrecondition("performer " + performer_id + " is recorded as deceased on " +
                              p.deceased_on->ToString() +
                              "; a recorded date of death never changes");
  }
  // The registry first, then the ledger, as for a revocation: opening the ledger catches up a
  // death a crash left out of it (Reconcile).
  if (!p.deceased_on) FIGURANT_RETURN_IF_ERROR(registry_->SetPerformerDeceased(performer_id, date));
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  if (facts->HasDeath(performer_id)) return Status::Ok();
  return AppendFacts({ledger::ToEntry(ledger::PerformerDeceasedEvent{performer_id, date})});
}

Result<registry::Estate> Bank::RegisterEstate(const std::string& performer_id,
                                              const std::string& name) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(performer_id));
  registry::Estate e;
  e.name = TrimSpace(name);
  if (e.name.empty()) return InvalidArgument("estate name must not be empty");
  FIGURANT_ASSIGN_OR_RETURN(auto existing, registry_->GetEstateOf(p.id));
  if (existing) {
    return AlreadyExists("performer " + p.id + " already has an estate: " + existing->id + " (" +
                         existing->name + ")");
  }
  e.id = NewId(id_prefix::kEstate);
  e.performer_id = p.id;
  e.created_at = clock_.Now();
  FIGURANT_RETURN_IF_ERROR(registry_->InsertEstate(e));
  return e;
}

Result<Retention> Bank::RetentionOf(const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(performer_id));
  Retention r;
  if (p.erased_at) {
    r.basis = "biometric data erased on " + DateOf(*p.erased_at).ToString();
    return r;
  }
  FIGURANT_ASSIGN_OR_RETURN(auto licences, registry_->ListLicences(performer_id));
  Date last_end = DateOf(p.created_at);
  std::string last_what = "registration";
  for (const registry::Licence& l : licences) {
    if (l.state == registry::LicenceState::kDraft || l.state == registry::LicenceState::kErased ||
        !l.signed_at) {
      continue;
    }
    std::optional<Date> end = l.valid_until;
    if (l.state == registry::LicenceState::kRevoked && l.revoked_from) {
      const Date revoked_end = l.revoked_from->AddDays(-1);
      if (!end || revoked_end < *end) end = revoked_end;
    }
    if (!end) {
      r.held_by = l.id;
      r.basis = "held by perpetual licence " + l.id + " until it is revoked";
      return r;
    }
    if (*end > last_end) {
      last_end = *end;
      last_what = "the end of licence " + l.id;
    }
  }
  r.erase_on = last_end.AddYears(kRetentionYears);
  r.basis = std::to_string(kRetentionYears) + " years after " + last_what + " (" +
            last_end.ToString() + ")";
  return r;
}

// ---- enrolment ---------------------------------------------------------------------------------

namespace {

registry::SignerKind RegistrySigner(consent::Signer signer) {
  return signer == consent::Signer::kEstate ? registry::SignerKind::kEstate
                                            : registry::SignerKind::kPerformer;
}

}  // namespace

Result<Invitation> Bank::InviteSigner(const std::string& performer_id, consent::Signer signer,
                                      std::optional<UnixSeconds> expires_at) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(performer_id));
  if (p.erased_at) return FailedPrecondition("performer " + p.id + " has been erased");
  Invitation inv;
  inv.performer_id = p.id;
  inv.signer = signer;
  inv.signer_id = p.id;
  if (signer == consent::Signer::kEstate) {
    FIGURANT_ASSIGN_OR_RETURN(auto estate, registry_->GetEstateOf(p.id));
    if (!estate) return FailedPrecondition("performer " + p.id + " has no registered estate");
    inv.signer_id = estate->id;
  }
  const UnixSeconds now = clock_.Now();
  inv.expires_at = expires_at.value_or(now + int64_t{kDefaultEnrolmentDays} * kSecondsPerDay);
  if (inv.expires_at <= now) {
    return InvalidArgument("the enrolment code would expire at " + FormatTimestamp(inv.expires_at) +
                           ", not after now (" + FormatTimestamp(now) + ")");
  }
  inv.code = NewEnrolmentCode();
  FIGURANT_ASSIGN_OR_RETURN(const std::string normalised, NormaliseEnrolmentCode(inv.code));
  FIGURANT_RETURN_IF_ERROR(
      registry_->InsertEnrolmentCode({EnrolmentCodeHash(normalised), p.id, RegistrySigner(signer),
                                      inv.signer_id, now, inv.expires_at, std::nullopt}));
  return inv;
}

Result<registry::EnrolmentCode> Bank::UsableCode(std::string_view typed) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string normalised, NormaliseEnrolmentCode(typed));
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<registry::EnrolmentCode> code,
                            registry_->GetEnrolmentCode(EnrolmentCodeHash(normalised)));
  if (!code) return PermissionDenied("enrolment code refused: no such code");
  if (code->used_at) return PermissionDenied("enrolment code refused: it was used already");
  if (clock_.Now() >= code->expires_at) {
    return PermissionDenied("enrolment code refused: it has expired");
  }
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(code->performer_id));
  if (p.erased_at) return PermissionDenied("enrolment code refused: it is no longer valid");
  return *code;
}

namespace {

// OK when `signed_statement` is `request`'s statement: its kind, then each field, in order.
Status SameStatement(const consent::SignedStatement& signed_statement,
                     const consent::StatementRequest& request) {
  if (signed_statement.kind != request.kind) {
    return InvalidArgument(
        "the confirmation is a '" + std::string(consent::StatementKindName(signed_statement.kind)) +
        "' statement; expected '" + std::string(consent::StatementKindName(request.kind)) + "'");
  }
  for (size_t i = 0; i < request.fields.size(); ++i) {
    const consent::StatementField& want = request.fields[i];
    if (i >= signed_statement.fields.size() || signed_statement.fields[i].name != want.name ||
        signed_statement.fields[i].value != want.value) {
      return InvalidArgument("the confirmation's field '" + want.name + "' is not '" + want.value +
                             "': it confirms another replacement");
    }
  }
  if (signed_statement.fields.size() != request.fields.size()) {
    return InvalidArgument("the confirmation has fields a key_replacement statement has not");
  }
  return Status::Ok();
}

}  // namespace

Result<registry::SignerKey> Bank::EnrolKey(std::string_view typed_code,
                                           const Ed25519PublicKey& public_key,
                                           const std::optional<Ed25519Signature>& proof) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string normalised, NormaliseEnrolmentCode(typed_code));
  const std::string hash = EnrolmentCodeHash(normalised);
  if (proof && !VerifyDetached(EnrolmentProofMessage(hash, public_key), proof->data(),
                               proof->size(), public_key.data(), public_key.size())) {
    return InvalidArgument(
        "the proof of possession does not verify: it must be the new key's signature over the "
        "enrolment message (docs/keys.md)");
  }
  FIGURANT_ASSIGN_OR_RETURN(const registry::EnrolmentCode code, UsableCode(typed_code));
  FIGURANT_ASSIGN_OR_RETURN(const auto keys,
                            registry_->ListSignerKeys(code.signer, code.signer_id));
  FIGURANT_RETURN_IF_ERROR(internal::CheckNoCurrentKey(keys));
  const UnixSeconds now = clock_.Now();
  registry::SignerKey key = NewKeyFor(code, public_key, now);
  key.how = registry::KeyOrigin::kEnrolmentCode;
  Status s = registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(registry_->MarkEnrolmentCodeUsed(hash, now));
    FIGURANT_ASSIGN_OR_RETURN(key.seq, registry_->InsertSignerKey(key));
    return Status::Ok();
  });
  FIGURANT_RETURN_IF_ERROR(s);
  // The registry first, then the ledger: opening the ledger catches up an enrolment a crash left
  // out of it (Reconcile).
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(EnrolledEventOf(key))));
  return key;
}

Result<registry::Representative> Bank::AddRepresentative(registry::RepresentativeKind kind,
                                                         const std::string& name,
                                                         const Ed25519PublicKey& public_key) {
  registry::Representative r{NewId(kRepresentativePrefix), kind, TrimSpace(name),
                             Bytes(public_key.begin(), public_key.end()), clock_.Now()};
  if (r.name.empty()) return InvalidArgument("representative name must not be empty");
  ledger::RepresentativeRegisteredEvent e;
  e.representative_id = r.id;
  e.name = r.name;
  e.kind = kind == registry::RepresentativeKind::kUnion ? consent::Representation::kUnion
                                                        : consent::Representation::kCounsel;
  e.public_key = public_key;
  // The ledger first, as for a studio: a crash leaves a registration no row uses.
  FIGURANT_RETURN_IF_ERROR(AppendFacts({ledger::ToEntry(e)}));
  FIGURANT_RETURN_IF_ERROR(registry_->InsertRepresentative(r));
  return r;
}

Result<Bank::ReplacementPlan> Bank::PlanReplacement(std::string_view typed_code,
                                                    const Ed25519PublicKey& new_key) {
  ReplacementPlan plan;
  FIGURANT_ASSIGN_OR_RETURN(plan.code, UsableCode(typed_code));
  FIGURANT_ASSIGN_OR_RETURN(const auto keys,
                            registry_->ListSignerKeys(plan.code.signer, plan.code.signer_id));
  const std::optional<registry::SignerKey> old = CurrentKey(keys);
  if (!old) {
    return FailedPrecondition(
        "this signer has no enrolled key to replace; enrol one with the code");
  }
  plan.old_key = *old;
  ledger::Ed25519Key old_key{};
  std::copy_n(old->public_key.begin(), old_key.size(), old_key.begin());
  FIGURANT_ASSIGN_OR_RETURN(const registry::Performer performer,
                            registry_->GetPerformer(plan.code.performer_id));
  plan.request.kind = consent::StatementKind::kKeyReplacement;
  plan.request.language =
      consent::ParseLanguage(performer.language).value_or(consent::Language::kEnglish);
  plan.request.fields =
      ledger::KeyReplacementFields(internal::ToConsent(plan.code.signer), plan.code.signer_id,
                                   plan.code.performer_id, old_key, new_key, plan.code.code_sha256);
  return plan;
}

Result<consent::StatementRequest> Bank::ReplacementRequest(std::string_view typed_code,
                                                           const Ed25519PublicKey& new_key) {
  FIGURANT_ASSIGN_OR_RETURN(ReplacementPlan plan, PlanReplacement(typed_code, new_key));
  return std::move(plan.request);
}

Result<registry::SignerKey> Bank::ReplaceKey(std::string_view typed_code,
                                             const Ed25519PublicKey& new_key,
                                             const std::string& representative_id,
                                             const consent::SignedStatement& confirmation) {
  FIGURANT_ASSIGN_OR_RETURN(const ReplacementPlan plan, PlanReplacement(typed_code, new_key));
  FIGURANT_ASSIGN_OR_RETURN(const registry::Representative rep,
                            registry_->GetRepresentative(representative_id));
  FIGURANT_RETURN_IF_ERROR(SameStatement(confirmation, plan.request));
  if (confirmation.public_key != rep.public_key ||
      !consent::VerifyStatement(confirmation, rep.public_key).ok()) {
    return PermissionDenied("the confirmation is not signed by representative " + rep.id +
                            "'s key over the key_replacement statement (docs/keys.md)");
  }
  const registry::EnrolmentCode& code = plan.code;
  const std::optional<registry::SignerKey> old = plan.old_key;
  const UnixSeconds now = clock_.Now();
  registry::SignerKey key = NewKeyFor(code, new_key, now);
  key.how = registry::KeyOrigin::kReplacement;
  key.confirmed_by = rep.id;
  key.code_sha256 = code.code_sha256;
  key.confirmation = confirmation.signature;
  const std::string reason = "lost; replaced, confirmed by " + rep.id;
  Status s = registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(registry_->MarkEnrolmentCodeUsed(code.code_sha256, now));
    FIGURANT_RETURN_IF_ERROR(registry_->RevokeSignerKey(old->seq, now, reason));
    FIGURANT_ASSIGN_OR_RETURN(key.seq, registry_->InsertSignerKey(key));
    return Status::Ok();
  });
  FIGURANT_RETURN_IF_ERROR(s);
  registry::SignerKey revoked = *old;
  revoked.revoked_from = now;
  revoked.revoked_reason = reason;
  // As for an enrolment; opening the ledger reconciles both from the registry.
  if (ledger_ == nullptr) {
    FIGURANT_RETURN_IF_ERROR(Ledger().status());
  } else {
    FIGURANT_RETURN_IF_ERROR(AppendFacts(
        {ledger::ToEntry(RevokedEventOf(revoked)), ledger::ToEntry(EnrolledEventOf(key))}));
  }
  return key;
}

Result<std::vector<registry::SignerKey>> Bank::KeysOf(consent::Signer signer,
                                                      const std::string& signer_id) {
  return registry_->ListSignerKeys(RegistrySigner(signer), signer_id);
}

// ---- doubles -----------------------------------------------------------------------------------

Result<registry::Double> Bank::AddDouble(const NewDouble& in, const scan::ImportedScan& imported) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(in.performer_id));
  if (p.erased_at) return FailedPrecondition("performer " + p.id + " has been erased");
  registry::Double d;
  d.id = NewId(id_prefix::kDouble);
  d.performer_id = p.id;
  d.name = TrimSpace(in.name).empty() ? d.id : TrimSpace(in.name);
  d.status = registry::DoubleStatus::kReady;
  d.created_at = clock_.Now();
  d.source_kind = in.source_kind;
  d.source_sha256 = imported.source_sha256;
  d.height_m = imported.height_m;
  d.footprint_radius_m = imported.footprint_radius_m;
  const auto& b = imported.bounds;
  d.bounds_json = json{{"lo", {b.lo.x, b.lo.y, b.lo.z}}, {"hi", {b.hi.x, b.hi.y, b.hi.z}}}.dump();
  d.units = std::string(scan::UnitsName(imported.units));
  d.units_guessed = imported.units_guessed;
  json lods = json::array();
  for (const scan::LodSummary& l : imported.lods) {
    lods.push_back({{"triangles", l.triangles}, {"error", l.error}});
  }
  d.lods_json = lods.dump();
  d.rigged = imported.rigged;
  d.has_wardrobe_regions = imported.asset.mesh.HasWardrobeRegions();
  d.look_tags = in.look_tags;
  std::string bytes = geom::EncodeDoubleAsset(imported.asset);
  auto blob = blobs_->Put(p.id, bytes);
  SecureZero(bytes.data(), bytes.size());
  FIGURANT_RETURN_IF_ERROR(blob.status());
  d.blob_id = *blob;
  FIGURANT_RETURN_IF_ERROR(registry_->InsertDouble(d));
  return d;
}

Result<geom::DoubleAsset> Bank::LoadDouble(const std::string& double_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Double d, registry_->GetDouble(double_id));
  if (d.status == registry::DoubleStatus::kErased) {
    return NotFound("double " + double_id + " was erased");
  }
  if (!d.blob_id) return NotFound("double " + double_id + " has no geometry (placeholder)");
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, blobs_->Get(d.performer_id, *d.blob_id));
  auto asset = geom::DecodeDoubleAsset(bytes);
  SecureZero(bytes.data(), bytes.size());
  if (!asset.ok()) return asset.status().WithContext("double " + double_id);
  const double standing = asset->mesh.StandingHeight();
  if (!(std::fabs(d.height_m - standing) <= kHeightToleranceM)) {
    char heights[96];
    std::snprintf(heights, sizeof heights, "%.4f m but its stored geometry stands %.4f m",
                  d.height_m, standing);
    return DataLoss("doubles row '" + d.id + "' column 'height_m': the registry holds " + heights +
                    "; the row was changed outside the bank");
  }
  return asset;
}

Result<ErasureReport> Bank::ErasePerformer(const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(performer_id));
  ErasureReport report;
  report.performer_id = p.id;
  FIGURANT_ASSIGN_OR_RETURN(auto doubles, registry_->ListDoubles(p.id));
  FIGURANT_ASSIGN_OR_RETURN(auto licences, registry_->ListLicences(p.id));
  const UnixSeconds now = clock_.Now();
  Status s = registry_->InTransaction([&]() -> Status {
    for (const registry::Double& d : doubles) {
      if (d.status != registry::DoubleStatus::kErased) ++report.doubles_erased;
    }
    for (const registry::Licence& l : licences) {
      if (l.state == registry::LicenceState::kErased) continue;
      ++report.licences_erased;
      const json detail = {{"previous_state", registry::LicenceStateName(l.state)}};
      FIGURANT_RETURN_IF_ERROR(registry_->AppendLicenceEvent(
          {0, l.id, registry::LicenceEventKind::kErased, now, detail.dump()}));
    }
    FIGURANT_RETURN_IF_ERROR(registry_->MarkDoublesErased(p.id));
    FIGURANT_RETURN_IF_ERROR(registry_->MarkLicencesErased(p.id));
    FIGURANT_RETURN_IF_ERROR(registry::DeleteAppearanceCrops(*registry_, p.id));
    if (!p.erased_at) FIGURANT_RETURN_IF_ERROR(registry_->SetPerformerErased(p.id, now));
    return Status::Ok();
  });
  FIGURANT_RETURN_IF_ERROR(s);
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(ledger::PerformerErasedEvent{p.id})));
  report.key_destroyed = keys_->HasDataKey(p.id);
  FIGURANT_RETURN_IF_ERROR(blobs_->ErasePerformer(p.id));
  // Their custodial signing keys sign nothing more; the public halves stay to verify the past.
  FIGURANT_RETURN_IF_ERROR(store::DestroyFile(paths_.performer_keys / (p.id + ".ed25519")));
  FIGURANT_ASSIGN_OR_RETURN(auto estate, registry_->GetEstateOf(p.id));
  if (estate) {
    FIGURANT_RETURN_IF_ERROR(store::DestroyFile(paths_.estate_keys / (estate->id + ".ed25519")));
  }
  // A backup of the keys taken before now must not unwrap the destroyed data key.
  FIGURANT_RETURN_IF_ERROR(keys_->RotateMaster());
  FIGURANT_RETURN_IF_ERROR(blobs_->CollectGarbage());
  FIGURANT_RETURN_IF_ERROR(registry_->Compact());
  return report;
}

Result<std::vector<RetentionCase>> Bank::RetentionDue() {
  FIGURANT_ASSIGN_OR_RETURN(auto performers, registry_->ListPerformers());
  std::vector<RetentionCase> out;
  const Date today = clock_.Today();
  for (registry::Performer& p : performers) {
    if (p.erased_at) continue;
    FIGURANT_ASSIGN_OR_RETURN(Retention r, RetentionOf(p.id));
    if (r.erase_on && *r.erase_on < today) out.push_back({std::move(p), std::move(r)});
  }
  return out;
}

// ---- studios and productions -------------------------------------------------------------------

Result<registry::Studio> Bank::AddStudio(const std::string& name,
                                         const Ed25519PublicKey& public_key) {
  registry::Studio s{NewId(id_prefix::kStudio), TrimSpace(name), clock_.Now(),
                     Bytes(public_key.begin(), public_key.end())};
  if (s.name.empty()) return InvalidArgument("studio name must not be empty");
  FIGURANT_ASSIGN_OR_RETURN(auto studios, registry_->ListStudios());
  for (const registry::Studio& other : studios) {
    if (other.name == s.name) {
      return AlreadyExists("studio '" + s.name + "' already exists (" + other.id + ")");
    }
  }
  // The ledger first: a crash before the row leaves a registration no row uses, never a row whose
  // key the ledger does not know.
  FIGURANT_RETURN_IF_ERROR(
      AppendFacts({ledger::ToEntry(ledger::StudioRegisteredEvent{s.id, s.name, public_key})}));
  FIGURANT_RETURN_IF_ERROR(registry_->InsertStudio(s));
  return s;
}

Result<registry::Studio> Bank::EnrolStudioKey(const std::string& studio_id,
                                              const Ed25519PublicKey& public_key) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Studio s, registry_->GetStudio(studio_id));
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  FIGURANT_RETURN_IF_ERROR(facts->CheckStudio(s));
  if (facts->StudioKey(s.id)) {
    return FailedPrecondition("studio " + s.id +
                              " already has a registered key; a studio's key never changes");
  }
  FIGURANT_RETURN_IF_ERROR(
      AppendFacts({ledger::ToEntry(ledger::StudioRegisteredEvent{s.id, s.name, public_key})}));
  s.public_key.assign(public_key.begin(), public_key.end());
  FIGURANT_RETURN_IF_ERROR(registry_->SetStudioPublicKey(s.id, s.public_key));
  return s;
}

Status Bank::CheckDeclaredByStudio(const consent::SignedProduction& declared) {
  const consent::ProductionDeclaration& d = declared.declaration;
  FIGURANT_RETURN_IF_ERROR(consent::ValidateDeclaration(d));
  FIGURANT_ASSIGN_OR_RETURN(registry::Studio studio, registry_->GetStudio(d.studio_id));
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  FIGURANT_RETURN_IF_ERROR(facts->CheckStudio(studio));
  const std::optional<Ed25519PublicKey> key = facts->StudioKey(studio.id);
  if (!key) {
    return FailedPrecondition("studio " + studio.id +
                              " has no registered key (it was registered before studios had "
                              "keys); register the public half of its key first");
  }
  if (*key != declared.public_key) {
    return InvalidArgument("production " + d.production_id +
                           ": the declaration is signed with a key that is not studio " +
                           studio.id + "'s registered key");
  }
  if (!consent::VerifyProduction(declared).ok()) {
    return InvalidArgument("production " + d.production_id +
                           ": the studio's signature does not verify over the declaration");
  }
  if (facts->HasDeclaration(d.production_id)) {
    return AlreadyExists("production " + d.production_id + " is already declared");
  }
  return Status::Ok();
}

namespace {

registry::Production RowOf(const consent::SignedProduction& declared, UnixSeconds created_at) {
  const consent::ProductionDeclaration& d = declared.declaration;
  return {d.production_id,
          d.studio_id,
          d.title,
          d.media,
          d.territories,
          d.content,
          created_at,
          d.frame_rate,
          Bytes(declared.public_key.begin(), declared.public_key.end()),
          Bytes(declared.signature.begin(), declared.signature.end())};
}

// FailedPrecondition naming the first registered fact a late declaration does not restate.
Status StatesRegisteredFacts(const consent::ProductionDeclaration& d,
                             const registry::Production& row) {
  std::string differs;
  if (d.studio_id != row.studio_id) differs = "studio";
  if (d.title != row.title) differs = "title";
  if (d.media != row.media) differs = "media";
  if (d.territories != row.territories) differs = "territories";
  if (d.content != row.content) differs = "content";
  if (differs.empty()) return Status::Ok();
  return FailedPrecondition("the declaration of production " + row.id + " states another " +
                            differs +
                            " than the one registered; a late declaration states the registered "
                            "facts (a production with other facts is a new production)");
}

}  // namespace

Result<registry::Production> Bank::AddProduction(const consent::SignedProduction& declared) {
  FIGURANT_RETURN_IF_ERROR(CheckDeclaredByStudio(declared));
  const std::string& id = declared.declaration.production_id;
  if (const auto existing = registry_->GetProduction(id); existing.ok()) {
    return AlreadyExists("production " + id + " already exists");
  } else if (existing.status().code() != StatusCode::kNotFound) {
    return existing.status();
  }
  registry::Production p = RowOf(declared, clock_.Now());
  // The ledger first, as for a studio: a crash leaves a declaration no row uses.
  FIGURANT_RETURN_IF_ERROR(
      AppendFacts({ledger::ToEntry(ledger::ProductionDeclaredEvent{declared})}));
  FIGURANT_RETURN_IF_ERROR(registry_->InsertProduction(p));
  return p;
}

Result<registry::Production> Bank::DeclareProduction(const consent::SignedProduction& declared) {
  const std::string& id = declared.declaration.production_id;
  FIGURANT_ASSIGN_OR_RETURN(registry::Production row, registry_->GetProduction(id));
  if (!row.signature.empty()) {
    return FailedPrecondition("production " + id + " is already declared by its studio");
  }
  FIGURANT_RETURN_IF_ERROR(StatesRegisteredFacts(declared.declaration, row));
  FIGURANT_RETURN_IF_ERROR(CheckDeclaredByStudio(declared));
  FIGURANT_RETURN_IF_ERROR(
      AppendFacts({ledger::ToEntry(ledger::ProductionDeclaredEvent{declared})}));
  registry::Production p = RowOf(declared, row.created_at);
  FIGURANT_RETURN_IF_ERROR(
      registry_->SetProductionDeclaration(id, *p.frame_rate, p.public_key, p.signature));
  return p;
}

// ---- licences
// ------------------------------------------------------------------------------------

namespace {

ledger::LicenceRevokedEvent RevokedEventOf(const registry::Licence& l, Date effective) {
  return {l.id, l.performer_id, effective};
}

}  // namespace

namespace {

std::string StandingOf(const registry::Licence& l, const consent::Terms& terms, const Date& today) {
  if (l.state == registry::LicenceState::kDraft || l.state == registry::LicenceState::kErased) {
    return std::string(registry::LicenceStateName(l.state));
  }
  if (l.revoked_from) return *l.revoked_from <= today ? "revoked" : "revoking";
  if (l.state == registry::LicenceState::kRevoked) return "revoked";
  if (terms.valid_until && *terms.valid_until < today) return "expired";
  if (today < terms.valid_from) return "not_yet_valid";
  return "in_force";
}

}  // namespace

namespace {

// The key a stored consent must verify under: for a custodial consent, the signer's registered
// (bank-held) key; otherwise the key the signer enrolled and held at `at`. Empty when none.
Bytes ExpectedKey(const std::vector<registry::SignerKey>& enrolled, const Bytes& custodial_key,
                  bool custodial, const Bytes& key, UnixSeconds at) {
  if (custodial) return custodial_key;
  for (const registry::SignerKey& k : enrolled) {
    if (k.public_key == key && k.valid_from <= at && (!k.revoked_from || at < *k.revoked_from)) {
      return k.public_key;
    }
  }
  return {};
}

// A stored passkey consent re-verified with the passkey whose fingerprint it names, among the
// signer's enrolled keys. The sign count is not checked again: it has advanced since.
Status VerifyStoredPasskeyConsent(const std::vector<registry::SignerKey>& enrolled,
                                  const consent::ConsentRecord& rec, std::string_view terms,
                                  bool disclosure_erased) {
  for (const registry::SignerKey& k : enrolled) {
    if (!k.passkey || k.public_key != rec.public_key) continue;
    webauthn::Passkey passkey = internal::PasskeyOf(*k.passkey);
    passkey.credential.sign_count = 0;
    return disclosure_erased ? consent::VerifyPasskeyConsentByHash(rec, terms, passkey).status()
                             : consent::VerifyPasskeyConsent(rec, terms, passkey).status();
  }
  return DataLoss("licence " + rec.licence_id +
                  ": signed with a passkey that is not one the signer enrolled");
}

// The version of the disclosure text a licence's consent signed (a draft: its own text); 0 when
// the text was erased with the performer. DataLoss naming the row when the text names a version
// this bank does not know.
Result<int> SignedDisclosureVersion(const registry::Licence& l,
                                    const std::optional<registry::Consent>& signed_consent) {
  const std::string& text = signed_consent ? signed_consent->disclosure_text : l.disclosure;
  if (text.empty()) return 0;
  auto version = consent::DisclosureVersionOf(text);
  if (!version.ok()) {
    return DataLoss((signed_consent ? "consents row '" : "licences row '") + l.id + "' column '" +
                    (signed_consent ? "disclosure_text" : "disclosure") +
                    "': " + version.status().message());
  }
  return *version;
}

}  // namespace

Result<Bank::ConsentCheck> Bank::CheckStoredConsent(const registry::Licence& l,
                                                    const registry::Performer& performer,
                                                    const registry::Consent& stored) {
  // Verify against the signer's registered or enrolled key, not merely the key in the record.
  Bytes custodial_key = performer.public_key;
  if (stored.signer == registry::SignerKind::kEstate) {
    FIGURANT_ASSIGN_OR_RETURN(auto estate, registry_->GetEstateOf(performer.id));
    custodial_key = estate ? estate->public_key : Bytes{};
  }
  FIGURANT_ASSIGN_OR_RETURN(const auto enrolled,
                            registry_->ListSignerKeys(stored.signer, stored.signer_id));
  FIGURANT_ASSIGN_OR_RETURN(consent::ConsentRecord rec, internal::RecordOf(l, stored));
  FIGURANT_ASSIGN_OR_RETURN(const auto confirmation, registry_->GetConsentConfirmation(l.id));
  ConsentCheck out;
  out.custodial = stored.custodial;
  if (confirmation) {
    // The signer's own signature over the same hashes replaces the custodial one.
    rec.signed_at = confirmation->signed_at;
    rec.public_key = confirmation->public_key;
    rec.signature = confirmation->signature;
    rec.representation = internal::ToConsent(confirmation->representation);
    rec.version = confirmation->version;
    out.custodial = false;
  }
  const Bytes expected =
      ExpectedKey(enrolled, custodial_key, out.custodial, rec.public_key, rec.signed_at);
  if (rec.passkey) {
    out.verified =
        expected.empty()
            ? DataLoss("licence " + l.id + ": signed with a passkey not valid then")
            : VerifyStoredPasskeyConsent(enrolled, rec, l.terms_json, stored.disclosure_erased);
    return out;
  }
  // After erasure only the disclosure's hash remains, and the signature covers the hash.
  out.verified = stored.disclosure_erased
                     ? consent::VerifyConsentByHash(rec, l.terms_json, expected)
                     : consent::VerifyConsent(rec, l.terms_json, expected);
  return out;
}

Result<LicenceView> Bank::MakeView(registry::Licence l) {
  LicenceView v;
  auto terms = consent::ParseTermsText(l.terms_json, "licence " + l.id, l.studio_id);
  if (!terms.ok()) {
    return DataLoss(
        "licences row '" + l.id +
        "' column 'terms_json': the stored terms do not parse: " + terms.status().message());
  }
  v.terms = *terms;
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer performer, registry_->GetPerformer(l.performer_id));
  FIGURANT_ASSIGN_OR_RETURN(registry::Studio studio, registry_->GetStudio(l.studio_id));
  v.performer_name = performer.name;
  v.studio_name = studio.name;
  FIGURANT_ASSIGN_OR_RETURN(v.consent, registry_->GetConsent(l.id));

  const bool by_estate = v.consent && v.consent->signer == registry::SignerKind::kEstate;
  bool custodial = false;
  if (v.consent) {
    FIGURANT_ASSIGN_OR_RETURN(const ConsentCheck check,
                              CheckStoredConsent(l, performer, *v.consent));
    v.signature_valid = check.verified.ok();
    if (!check.verified.ok()) v.signature_problem = check.verified.message();
    custodial = check.custodial;
  }

  if (v.terms.blanket()) v.flags.emplace_back(flag::kBlanket);
  if (v.terms.perpetual()) v.flags.emplace_back(flag::kPerpetual);
  if (!v.terms.revocable) v.flags.emplace_back(flag::kIrrevocable);
  if (v.terms.wider_than_engagement()) {
    if (!v.consent) {
      v.flags.emplace_back(flag::kWideGrant);
    } else if (v.consent->representation == registry::Representation::kNone) {
      v.flags.emplace_back(flag::kUnrepresentedWideGrant);
    }
  }
  if (by_estate) v.flags.emplace_back(flag::kEstate);
  if (custodial) v.flags.emplace_back(flag::kCustodialSignature);
  if (v.consent && !v.signature_valid) v.flags.emplace_back(flag::kSignatureInvalid);
  FIGURANT_ASSIGN_OR_RETURN(v.disclosure_version, SignedDisclosureVersion(l, v.consent));
  if (v.consent && l.state == registry::LicenceState::kActive &&
      consent::NeedsMovementReconfirmation(v.disclosure_version)) {
    v.flags.emplace_back(flag::kReconfirmForMovement);
  }
  v.standing = StandingOf(l, v.terms, clock_.Today());
  FIGURANT_ASSIGN_OR_RETURN(const auto declined, registry_->GetDeclinedOffer(l.id));
  if (declined) {
    if (l.state == registry::LicenceState::kDraft) v.standing = "declined";
    v.declined_at = declined->declined_at;
    v.decline_reason = declined->reason;
  }
  v.licence = std::move(l);
  return v;
}

Result<std::string> Bank::DisclosureFor(const consent::Terms& terms,
                                        const registry::Performer& performer,
                                        const registry::Studio& studio, bool for_estate,
                                        std::string_view source) {
  consent::DisclosureNames names;
  names.performer_name = performer.name;
  names.studio_name = studio.name;
  names.retention_years = kRetentionYears;
  std::vector<std::string> problems;
  for (const std::string& prd : terms.productions) {
    auto p = registry_->GetProduction(prd);
    if (!p.ok()) {
      problems.push_back(std::string(source) + ": field 'productions': no production '" + prd +
                         "' in this bank");
    } else if (p->studio_id != studio.id) {
      problems.push_back(std::string(source) + ": field 'productions': '" + prd +
                         "' belongs to another studio (" + p->studio_id + ")");
    } else {
      names.production_titles[prd] = p->title;
    }
  }
  if (!problems.empty()) {
    std::string m;
    for (const auto& line : problems) m += (m.empty() ? "" : "\n") + line;
    return InvalidArgument(m);
  }
  if (for_estate) {
    FIGURANT_ASSIGN_OR_RETURN(auto estate, registry_->GetEstateOf(performer.id));
    if (!estate) return FailedPrecondition("performer " + performer.id + " has no estate");
    names.signed_by_estate = true;
    names.estate_name = estate->name;
  }
  FIGURANT_ASSIGN_OR_RETURN(
      consent::Language language,
      internal::LanguageOf(performer.language, "performers row '" + performer.id + "'"));
  return consent::Disclosure(terms, names, language);
}

Result<registry::Licence> Bank::PrepareDraft(const std::string& performer_id,
                                             const std::string& studio_id,
                                             std::string_view terms_text, std::string_view source) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer performer, registry_->GetPerformer(performer_id));
  FIGURANT_ASSIGN_OR_RETURN(registry::Studio studio, registry_->GetStudio(studio_id));
  if (performer.erased_at) {
    return FailedPrecondition("performer " + performer_id + " has been erased");
  }
  FIGURANT_ASSIGN_OR_RETURN(consent::Terms terms,
                            consent::ParseTermsText(terms_text, source, studio_id));

  if (performer.deceased_on) {
    FIGURANT_ASSIGN_OR_RETURN(auto estate, registry_->GetEstateOf(performer.id));
    if (!estate) {
      return FailedPrecondition("performer " + performer.id + " died on " +
                                performer.deceased_on->ToString() +
                                " and has no registered estate; only their estate can grant a "
                                "licence now");
    }
  }
  FIGURANT_ASSIGN_OR_RETURN(
      std::string disclosure,
      DisclosureFor(terms, performer, studio, performer.deceased_on.has_value(), source));
  registry::Licence l;
  l.id = NewId(id_prefix::kLicence);
  l.performer_id = performer.id;
  l.studio_id = studio.id;
  l.terms_json = consent::CanonicalTermsText(terms);
  l.language = performer.language;
  l.disclosure = std::move(disclosure);
  l.state = registry::LicenceState::kDraft;
  l.valid_from = terms.valid_from;
  l.valid_until = terms.valid_until;
  l.blanket = terms.blanket();
  l.created_at = clock_.Now();
  return l;
}

Result<LicenceView> Bank::DraftLicence(const std::string& performer_id,
                                       const std::string& studio_id, std::string_view terms_text,
                                       std::string_view source) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Licence l,
                            PrepareDraft(performer_id, studio_id, terms_text, source));
  Status s = registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(registry_->InsertLicence(l));
    json detail = {{"terms_sha256", Sha256Hex(l.terms_json)},
                   {"disclosure_sha256", Sha256Hex(l.disclosure)}};
    return registry_->AppendLicenceEvent(
        {0, l.id, registry::LicenceEventKind::kDrafted, l.created_at, detail.dump()});
  });
  FIGURANT_RETURN_IF_ERROR(s);
  return MakeView(std::move(l));
}

Result<registry::Licence> Bank::DraftAwaitingSignature(const std::string& licence_id,
                                                       const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Licence l, registry_->GetLicence(licence_id));
  if (l.performer_id != performer_id) {
    return PermissionDenied("licence " + licence_id + " is a grant by performer " + l.performer_id +
                            ", not " + performer_id);
  }
  if (l.state != registry::LicenceState::kDraft) {
    return FailedPrecondition("licence " + licence_id + " is " +
                              std::string(registry::LicenceStateName(l.state)) +
                              ", not a draft; changed terms need a new draft");
  }
  return l;
}

Result<Bank::Signatory> Bank::SignatoryFor(const std::string& performer_id, bool as_estate) {
  Signatory signer;
  FIGURANT_ASSIGN_OR_RETURN(signer.performer, registry_->GetPerformer(performer_id));
  const registry::Performer& performer = signer.performer;
  if (performer.erased_at) {
    return FailedPrecondition("performer " + performer_id + " has been erased");
  }
  if (performer.deceased_on && !as_estate) {
    return FailedPrecondition("performer " + performer_id + " died on " +
                              performer.deceased_on->ToString() +
                              "; only their estate can sign, not the performer");
  }
  if (!as_estate) {
    signer.id = performer.id;
    return signer;
  }
  FIGURANT_ASSIGN_OR_RETURN(auto estate, registry_->GetEstateOf(performer.id));
  if (!estate || !performer.deceased_on) {
    return FailedPrecondition("performer " + performer_id +
                              " has no recorded date of death and registered estate; only the "
                              "performer can sign");
  }
  signer.kind = consent::Signer::kEstate;
  signer.id = estate->id;
  return signer;
}

// The signer signs exactly what they were shown. If names, titles or the signer changed since the
// draft, the disclosure would differ: refuse rather than sign a text nobody saw.
Status Bank::CheckDisclosureUnchanged(const registry::Licence& draft, const Signatory& signer) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Studio studio, registry_->GetStudio(draft.studio_id));
  FIGURANT_ASSIGN_OR_RETURN(
      consent::Terms terms,
      consent::ParseTermsText(draft.terms_json, "licence " + draft.id, draft.studio_id));
  FIGURANT_ASSIGN_OR_RETURN(
      std::string expected,
      DisclosureFor(terms, signer.performer, studio, signer.kind == consent::Signer::kEstate,
                    "licence " + draft.id));
  if (expected != draft.disclosure) {
    const auto drafted = consent::DisclosureVersionOf(draft.disclosure);
    if (drafted.ok() && *drafted != consent::kDisclosureVersion) {
      return FailedPrecondition("draft " + draft.id + " shows disclosure version " +
                                std::to_string(*drafted) + " and the bank now shows version " +
                                std::to_string(consent::kDisclosureVersion) +
                                " (docs/licence.md, \"Disclosure versions\"); draft the licence "
                                "again");
    }
    return FailedPrecondition("the disclosure of draft " + draft.id +
                              " no longer matches the registry (a name, title or the signer "
                              "changed since it was drafted); draft the licence again");
  }
  return Status::Ok();
}

// In one transaction: the consent row, the draft -> active transition and the `signed` event.
Status Bank::StoreSignedConsent(const consent::ConsentRecord& rec, bool custodial) {
  registry::Consent c = internal::RowOf(rec);
  c.custodial = custodial;
  return registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(registry_->InsertConsent(c));
    FIGURANT_RETURN_IF_ERROR(registry_->MarkLicenceSigned(c.licence_id, c.signed_at));
    json detail = {{"terms_sha256", c.terms_sha256},
                   {"disclosure_sha256", c.disclosure_sha256},
                   {"signer", std::string(registry::SignerKindName(c.signer)) + ":" + c.signer_id},
                   {"representation", registry::RepresentationName(c.representation)},
                   {"language", c.language}};
    return registry_->AppendLicenceEvent(
        {0, c.licence_id, registry::LicenceEventKind::kSigned, c.signed_at, detail.dump()});
  });
}

Result<consent::Offer> Bank::OfferFor(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Licence l, registry_->GetLicence(licence_id));
  FIGURANT_ASSIGN_OR_RETURN(registry::Performer performer, registry_->GetPerformer(l.performer_id));
  bool as_estate = performer.deceased_on.has_value();
  if (l.state == registry::LicenceState::kActive) {
    // A custodial consent is offered again to its signer, to re-confirm with their own key.
    FIGURANT_ASSIGN_OR_RETURN(const auto stored, registry_->GetConsent(l.id));
    FIGURANT_ASSIGN_OR_RETURN(const auto confirmed, registry_->GetConsentConfirmation(l.id));
    if (!stored || !stored->custodial || confirmed) {
      return FailedPrecondition("licence " + licence_id +
                                " is active and signed by its signer's own key: there is nothing "
                                "to offer");
    }
    as_estate = stored->signer == registry::SignerKind::kEstate;
  } else if (l.state != registry::LicenceState::kDraft) {
    return FailedPrecondition("licence " + licence_id + " is " +
                              std::string(registry::LicenceStateName(l.state)) +
                              ", not a draft: there is nothing to offer");
  }
  FIGURANT_ASSIGN_OR_RETURN(Signatory signer, SignatoryFor(l.performer_id, as_estate));
  if (l.state == registry::LicenceState::kDraft) {
    FIGURANT_RETURN_IF_ERROR(CheckNotDeclined(l));
    FIGURANT_RETURN_IF_ERROR(CheckDisclosureUnchanged(l, signer));
  }
  FIGURANT_ASSIGN_OR_RETURN(registry::Studio studio, registry_->GetStudio(l.studio_id));
  consent::Offer offer;
  offer.licence_id = l.id;
  offer.performer_id = l.performer_id;
  offer.studio_id = l.studio_id;
  offer.studio_name = studio.name;
  offer.signer = signer.kind;
  offer.signer_id = signer.id;
  FIGURANT_ASSIGN_OR_RETURN(offer.language,
                            internal::LanguageOf(l.language, "licences row '" + l.id + "'"));
  offer.terms_text = l.terms_json;
  offer.disclosure_text = l.disclosure;
  return offer;
}

namespace {

// InvalidArgument naming the signature field whose value is not the licence's.
Status FieldDiffers(std::string_view field, const std::string& licence_id, std::string_view what) {
  return InvalidArgument("signature: field '" + std::string(field) + "': " + std::string(what) +
                         " of licence " + licence_id);
}

// SignLicenceWith's rules on what the record says, before its key and signature are looked at.
Status CheckRecordNamesLicence(const registry::Licence& l, const consent::ConsentRecord& in,
                               UnixSeconds now) {
  if (in.performer_id != l.performer_id) {
    return FieldDiffers("performer", l.id, "not the performer");
  }
  if (in.studio_id != l.studio_id) return FieldDiffers("studio", l.id, "not the studio");
  if (in.terms_sha256 != Sha256Hex(l.terms_json)) {
    return FieldDiffers("terms_sha256", l.id, "not the SHA-256 of the terms");
  }
  if (in.disclosure_sha256 != Sha256Hex(l.disclosure)) {
    return FieldDiffers("disclosure_sha256", l.id, "not the SHA-256 of the disclosure");
  }
  if (consent::LanguageCode(in.language) != l.language) {
    return FieldDiffers("language", l.id, "not the language of the disclosure");
  }
  if (in.signed_at < l.created_at) {
    return FieldDiffers("signed_at", l.id, "before the draft");
  }
  if (in.signed_at > now + kSignatureMaxAheadS || in.signed_at < now - kSignatureMaxAgeS) {
    return InvalidArgument("signature: field 'signed_at': " + FormatTimestamp(in.signed_at) +
                           " is not within " + std::to_string(kSignatureMaxAgeS / 3600) +
                           " hours before or " + std::to_string(kSignatureMaxAheadS / 60) +
                           " minutes after now (" + FormatTimestamp(now) +
                           "); sign the offer again");
  }
  return Status::Ok();
}

}  // namespace

Status Bank::CheckRecordSigner(const registry::Licence& l, const Signatory& signer,
                               const consent::ConsentRecord& in) {
  if (in.signer != signer.kind || in.signer_id != signer.id) {
    return PermissionDenied("licence " + l.id + " is signed now by " +
                            std::string(consent::SignerName(signer.kind)) + " " + signer.id +
                            ", not by " + std::string(consent::SignerName(in.signer)) + " " +
                            in.signer_id);
  }
  FIGURANT_RETURN_IF_ERROR(CheckRecordNamesLicence(l, in, clock_.Now()));
  if (in.public_key.size() != kEd25519PublicKeyBytes) {
    return InvalidArgument("signature: field 'public_key': expected 32 bytes");
  }
  ledger::Ed25519Key key{};
  std::copy(in.public_key.begin(), in.public_key.end(), key.begin());
  FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
  const Status valid = facts->keys().CheckValidAt(in.signer, in.signer_id, key, in.signed_at);
  if (!valid.ok()) {
    return PermissionDenied("licence " + l.id + ": the signature's key is not " +
                            std::string(consent::SignerName(in.signer)) + " " + in.signer_id +
                            "'s enrolled key at the signing time: " + valid.message() +
                            " (enrol a key: figurant performer invite, performer enrol)");
  }
  return Status::Ok();
}

Result<consent::ConsentRecord> Bank::CheckSignedRecord(const registry::Licence& l,
                                                       const Signatory& signer,
                                                       const consent::ConsentRecord& in) {
  FIGURANT_RETURN_IF_ERROR(CheckRecordSigner(l, signer, in));
  consent::ConsentRecord rec = in;
  rec.disclosure_text = l.disclosure;
  const Status verified = consent::VerifyConsent(rec, l.terms_json, in.public_key);
  if (!verified.ok()) {
    return InvalidArgument("signature: " + verified.message());
  }
  return rec;
}

Result<LicenceView> Bank::SignLicenceWith(const consent::ConsentRecord& in) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Licence l, registry_->GetLicence(in.licence_id));
  if (l.state == registry::LicenceState::kActive) return ConfirmCustodialConsent(l, in);
  FIGURANT_RETURN_IF_ERROR(DraftAwaitingSignature(in.licence_id, in.performer_id).status());
  FIGURANT_RETURN_IF_ERROR(CheckNotDeclined(l));
  FIGURANT_ASSIGN_OR_RETURN(Signatory signer,
                            SignatoryFor(l.performer_id, in.signer == consent::Signer::kEstate));
  FIGURANT_RETURN_IF_ERROR(CheckDisclosureUnchanged(l, signer));
  FIGURANT_ASSIGN_OR_RETURN(consent::ConsentRecord rec, CheckSignedRecord(l, signer, in));
  FIGURANT_RETURN_IF_ERROR(StoreSignedConsent(rec, /*custodial=*/false));
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<registry::Consent> stored,
                            registry_->GetConsent(l.id));
  FIGURANT_ASSIGN_OR_RETURN(ledger::LicenceSignedEvent signed_event,
                            SignedEventOf(l, signer.performer.synthetic, rec.signed_at, stored));
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(signed_event)));
  return GetLicence(l.id);
}

Result<LicenceView> Bank::ConfirmCustodialConsent(const registry::Licence& l,
                                                  const consent::ConsentRecord& in) {
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<registry::Consent> stored,
                            registry_->GetConsent(l.id));
  FIGURANT_ASSIGN_OR_RETURN(const auto confirmed, registry_->GetConsentConfirmation(l.id));
  if (!stored || !stored->custodial || confirmed) {
    return FailedPrecondition("licence " + l.id +
                              " is active and its consent was signed by its signer's own key; "
                              "changed terms need a new draft");
  }
  FIGURANT_ASSIGN_OR_RETURN(
      Signatory signer,
      SignatoryFor(l.performer_id, stored->signer == registry::SignerKind::kEstate));
  consent::ConsentRecord rec = in;
  // Re-confirmation signs the consent as it stands: the draft's time rule does not apply.
  registry::Licence as_drafted = l;
  as_drafted.created_at = stored->signed_at;
  FIGURANT_ASSIGN_OR_RETURN(rec, CheckSignedRecord(as_drafted, signer, in));
  registry::ConsentConfirmation c{
      l.id,           rec.signed_at, internal::ToRegistry(rec.signer),         rec.signer_id,
      rec.public_key, rec.signature, internal::ToRegistry(rec.representation), rec.version};
  FIGURANT_RETURN_IF_ERROR(registry_->InsertConsentConfirmation(c));
  ledger::LicenceSignedEvent e;
  FIGURANT_ASSIGN_OR_RETURN(e, SignedEventOf(l, signer.performer.synthetic, rec.signed_at, {}));
  e.consent = internal::LedgerConsentOf(rec, /*custodial=*/false);
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(e)));
  return GetLicence(l.id);
}

Result<LicenceView> Bank::RevokeLicence(const std::string& licence_id,
                                        std::optional<Date> effective) {
  FIGURANT_ASSIGN_OR_RETURN(LicenceView v, GetLicence(licence_id));
  if (v.licence.state != registry::LicenceState::kActive) {
    return FailedPrecondition("licence " + licence_id + " is " +
                              std::string(registry::LicenceStateName(v.licence.state)) +
                              "; only an active licence can be revoked");
  }
  if (!v.terms.revocable) {
    return FailedPrecondition("licence " + licence_id + " is irrevocable under its signed terms");
  }
  const Date today = clock_.Today();
  const Date earliest = today.AddDays(v.terms.revocation_notice_days);
  const Date when = effective.value_or(earliest);
  if (when < earliest) {
    return InvalidArgument("revocation date " + when.ToString() + " is too early: licence " +
                           licence_id + " has a " + std::to_string(v.terms.revocation_notice_days) +
                           "-day notice period, so the earliest effective date is " +
                           earliest.ToString());
  }
  const UnixSeconds now = clock_.Now();
  Status s = registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(registry_->MarkLicenceRevoked(licence_id, now, when));
    json detail = {{"effective", when.ToString()}, {"notice_days", v.terms.revocation_notice_days}};
    return registry_->AppendLicenceEvent(
        {0, licence_id, registry::LicenceEventKind::kRevoked, now, detail.dump()});
  });
  FIGURANT_RETURN_IF_ERROR(s);
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(RevokedEventOf(v.licence, when))));
  return GetLicence(licence_id);
}

Result<LicenceView> Bank::GetLicence(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Licence l, registry_->GetLicence(licence_id));
  return MakeView(std::move(l));
}

Result<int> Bank::DisclosureVersionOf(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(registry::Licence l, registry_->GetLicence(licence_id));
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<registry::Consent> stored,
                            registry_->GetConsent(l.id));
  FIGURANT_ASSIGN_OR_RETURN(const int version, SignedDisclosureVersion(l, stored));
  if (version == 0) {
    return FailedPrecondition("licence " + licence_id +
                              ": its disclosure text was erased with its performer, so its "
                              "version is unknown");
  }
  return version;
}

Result<LicenceView> Bank::ReofferLicence(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(const LicenceView old, GetLicence(licence_id));
  const registry::Licence& l = old.licence;
  if (l.state != registry::LicenceState::kActive ||
      (old.standing != "in_force" && old.standing != "not_yet_valid")) {
    return FailedPrecondition("licence " + licence_id + " is " + old.standing +
                              ": only a licence in force (or not yet valid) is offered again");
  }
  if (!consent::NeedsMovementReconfirmation(old.disclosure_version)) {
    return FailedPrecondition("licence " + licence_id + " was signed under disclosure version " +
                              std::to_string(old.disclosure_version) +
                              ", which already says the double may be moved: there is nothing "
                              "to confirm again");
  }
  FIGURANT_ASSIGN_OR_RETURN(const auto held, ListLicences(l.performer_id, l.studio_id));
  for (const LicenceView& other : held) {
    if (other.standing == "draft" && other.licence.terms_json == l.terms_json) {
      return FailedPrecondition("licence " + licence_id + " was offered again already, as draft " +
                                other.licence.id + ", which its signer has not answered yet");
    }
  }
  return DraftLicence(l.performer_id, l.studio_id, l.terms_json, "licence " + licence_id);
}

Result<std::vector<LicenceView>> Bank::ListLicences(const std::optional<std::string>& performer_id,
                                                    const std::optional<std::string>& studio_id) {
  if (performer_id) FIGURANT_RETURN_IF_ERROR(registry_->GetPerformer(*performer_id).status());
  if (studio_id) FIGURANT_RETURN_IF_ERROR(registry_->GetStudio(*studio_id).status());
  FIGURANT_ASSIGN_OR_RETURN(auto licences, registry_->ListLicences(performer_id, studio_id));
  std::vector<LicenceView> out;
  for (registry::Licence& l : licences) {
    FIGURANT_ASSIGN_OR_RETURN(LicenceView v, MakeView(std::move(l)));
    out.push_back(std::move(v));
  }
  return out;
}

// ---- the check
// -----------------------------------------------------------------------------------

// Each reads the rows and the ledger's facts afresh until they agree (internal::UntilRowsAgree):
// another process writing a licence event, a death or a studio's key writes the registry and the
// ledger one after the other.

Result<std::vector<consent::LicenceFacts>> Bank::LicenceFactsOf(const std::string& performer_id) {
  using Out = std::vector<consent::LicenceFacts>;
  return internal::UntilRowsAgree<Out>([&]() -> Result<Out> {
    FIGURANT_ASSIGN_OR_RETURN(auto views, ListLicences(performer_id));
    FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
    Out out;
    for (const LicenceView& v : views) {
      // State, signing and revocation as the ledger records them: the row must say the same.
      FIGURANT_RETURN_IF_ERROR(facts->CheckLicence(v.licence));
      consent::LicenceFacts f;
      f.id = v.licence.id;
      f.studio_id = v.licence.studio_id;
      f.terms = v.terms;
      f.state = internal::ToConsent(v.licence.state);
      f.signature_valid = v.signature_valid;
      f.signer = v.consent ? internal::ToConsent(v.consent->signer) : consent::Signer::kPerformer;
      f.revoked_from = v.licence.revoked_from;
      f.suspensions = facts->statements().SuspensionsOf(f.id);
      f.disclosure_version = v.disclosure_version;
      out.push_back(std::move(f));
    }
    return out;
  });
}

Result<consent::PerformerFacts> Bank::PerformerFactsOf(const std::string& performer_id) {
  return internal::UntilRowsAgree<consent::PerformerFacts>(
      [&]() -> Result<consent::PerformerFacts> {
        FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(performer_id));
        FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
        FIGURANT_RETURN_IF_ERROR(facts->CheckPerformer(p));
        consent::PerformerFacts f;
        f.deceased_on = p.deceased_on;
        f.erased = p.erased_at.has_value();
        f.strikes = facts->statements().StrikesFor(performer_id);
        return f;
      });
}

Result<consent::ProductionFacts> Bank::ProductionFactsOf(const std::string& production_id) {
  return internal::UntilRowsAgree<consent::ProductionFacts>(
      [&]() -> Result<consent::ProductionFacts> {
        FIGURANT_ASSIGN_OR_RETURN(registry::Production p, registry_->GetProduction(production_id));
        FIGURANT_ASSIGN_OR_RETURN(registry::Studio studio, registry_->GetStudio(p.studio_id));
        FIGURANT_ASSIGN_OR_RETURN(const internal::LedgerFacts* facts, Facts());
        FIGURANT_RETURN_IF_ERROR(facts->CheckStudio(studio));
        FIGURANT_ASSIGN_OR_RETURN(const consent::SignedProduction declared,
                                  facts->CheckProduction(p));
        const consent::ProductionDeclaration& d = declared.declaration;
        return consent::ProductionFacts{d.production_id, d.studio_id, d.media,
                                        d.territories,   d.content,   d.frame_rate};
      });
}

Result<CheckOutcome> Bank::Check(const CheckRequest& req) {
  if (req.double_id.has_value() == req.performer_id.has_value()) {
    return InvalidArgument("check request: give exactly one of a double id or a performer id");
  }
  if (req.screen_height_fraction &&
      !(*req.screen_height_fraction >= 0 && *req.screen_height_fraction <= 1)) {
    return InvalidArgument("check request field 'screen_height_fraction': " +
                           std::to_string(*req.screen_height_fraction) + " is not in [0, 1]");
  }
  CheckOutcome out;
  if (req.double_id) {
    FIGURANT_ASSIGN_OR_RETURN(registry::Double d, registry_->GetDouble(*req.double_id));
    // The geometry is what decides the double's height and whose it is (its data key).
    if (d.blob_id && d.status != registry::DoubleStatus::kErased) {
      FIGURANT_RETURN_IF_ERROR(LoadDouble(d.id).status());
    }
    out.performer_id = d.performer_id;
    out.double_id = d.id;
  } else {
    FIGURANT_RETURN_IF_ERROR(registry_->GetPerformer(*req.performer_id).status());
    out.performer_id = *req.performer_id;
  }
  out.production_id = req.production_id;
  out.date = req.date.value_or(clock_.Today());
  consent::UseRequest use;
  FIGURANT_ASSIGN_OR_RETURN(use.production, ProductionFactsOf(req.production_id));
  use.use = req.use;
  use.date = out.date;
  use.screen_height_fraction = req.screen_height_fraction;
  use.alterations = req.alterations;
  FIGURANT_ASSIGN_OR_RETURN(auto licences, LicenceFactsOf(out.performer_id));
  FIGURANT_ASSIGN_OR_RETURN(auto performer, PerformerFactsOf(out.performer_id));
  out.decision = consent::Check(licences, performer, use);
  return out;
}

Result<std::vector<DoubleEligibility>> Bank::JudgeDoubles(
    const std::string& production_id, consent::Use use, const Date& date,
    const std::vector<consent::Alteration>& alterations) {
  consent::UseRequest request;
  FIGURANT_ASSIGN_OR_RETURN(request.production, ProductionFactsOf(production_id));
  request.use = use;
  request.date = date;
  request.alterations = alterations;
  FIGURANT_ASSIGN_OR_RETURN(auto doubles, registry_->ListDoubles(std::nullopt));
  std::map<std::string, std::pair<registry::Performer, consent::Decision>> by_performer;
  std::vector<DoubleEligibility> out;
  for (registry::Double& d : doubles) {
    if (d.status == registry::DoubleStatus::kErased) continue;
    auto it = by_performer.find(d.performer_id);
    if (it == by_performer.end()) {
      FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(d.performer_id));
      FIGURANT_ASSIGN_OR_RETURN(auto licences, LicenceFactsOf(p.id));
      FIGURANT_ASSIGN_OR_RETURN(auto facts, PerformerFactsOf(p.id));
      consent::Decision decision = consent::Check(licences, facts, request);
      const std::string key = p.id;
      it = by_performer.emplace(key, std::make_pair(std::move(p), std::move(decision))).first;
    }
    out.push_back({std::move(d), it->second.first, it->second.second});
  }
  return out;
}

// ---- the ledger
// ----------------------------------------------------------------------------------

Result<std::array<uint8_t, 32>> Bank::PublicKey() {
  FIGURANT_ASSIGN_OR_RETURN(SigningKeyPair kp, ReadSigningKey(paths_.bank_key, key_passphrase_));
  SecureZero(kp.secret_key.data(), kp.secret_key.size());
  return kp.public_key;
}

Result<ledger::Ledger*> Bank::Ledger() {
  if (ledger_ == nullptr) {
    FIGURANT_RETURN_IF_ERROR(CheckLedgerNotLost());
    FIGURANT_ASSIGN_OR_RETURN(SigningKeyPair kp, ReadSigningKey(paths_.bank_key, key_passphrase_));
    auto opened = ledger::Ledger::Open(paths_.dir / "ledger", kp, clock_);
    SecureZero(kp.secret_key.data(), kp.secret_key.size());
    FIGURANT_RETURN_IF_ERROR(opened.status());
    ledger_ = std::move(opened).value();
    FIGURANT_RETURN_IF_ERROR(Reconcile());
  } else {
    // Other processes append too (docs/ledger.md, "Several writers"): read what they added.
    FIGURANT_RETURN_IF_ERROR(ledger_->Refresh());
  }
  return ledger_.get();
}

Status Bank::CheckLedgerNotLost() {
  const fs::path file = paths_.dir / "ledger" / "ledger.log";
  std::error_code ec;
  if (fs::exists(file, ec) || ec) return Status::Ok();  // an I/O error is the ledger's to report
  FIGURANT_ASSIGN_OR_RETURN(const std::vector<registry::Studio> studios, registry_->ListStudios());
  FIGURANT_ASSIGN_OR_RETURN(const auto licences, registry_->ListLicences(std::nullopt));
  const auto keyed = std::count_if(studios.begin(), studios.end(),
                                   [](const registry::Studio& s) { return !s.public_key.empty(); });
  const auto signed_licences = std::count_if(
      licences.begin(), licences.end(), [](const registry::Licence& l) { return l.signed_at; });
  if (keyed == 0 && signed_licences == 0) return Status::Ok();  // no ledger yet: it starts now
  return DataLoss(file.string() + " is missing, but the registry records " + std::to_string(keyed) +
                  " studio key(s) and " + std::to_string(signed_licences) +
                  " signed licence(s) that the ledger holds: it was deleted. Restore it from a "
                  "backup (docs/ledger.md); the bank never starts a new ledger over one it had, "
                  "which would drop what productions owe");
}

void Bank::CloseLedger() {
  ledger_.reset();
  facts_.reset();
}

Result<const internal::LedgerFacts*> Bank::Facts() {
  FIGURANT_ASSIGN_OR_RETURN(const ledger::Ledger* ledger, Ledger());
  // A revocation another process appended since is honoured by this decision.
  FIGURANT_RETURN_IF_ERROR(facts_->CatchUp(*ledger));
  return facts_.get();
}

Status Bank::AppendFacts(const std::vector<std::pair<ledger::EntryType, std::string>>& entries) {
  if (entries.empty()) return Status::Ok();
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * ledger, Ledger());
  // Once, though the process that made a fact and another that found it missing (Reconcile) may
  // both append it: only what the ledger does not hold yet, decided under its writers' lock.
  FIGURANT_RETURN_IF_ERROR(
      ledger
          ->AppendSelected([&](const ledger::Ledger& l) { return facts_->Unrecorded(l, entries); })
          .status());
  // The append chained onto what other processes appended since: index theirs, then these.
  return facts_->CatchUp(*ledger);
}

Status Bank::RecordLicenceEvent(const std::pair<ledger::EntryType, std::string>& entry) {
  if (ledger_ == nullptr) {
    // Opening reconciles from the registry, which already holds this event.
    return Ledger().status();
  }
  return AppendFacts({entry});
}

Status Bank::Reconcile() {
  facts_ = std::make_unique<internal::LedgerFacts>();
  FIGURANT_RETURN_IF_ERROR(facts_->CatchUp(*ledger_));
  std::vector<std::pair<ledger::EntryType, std::string>> missing;
  // Keys before the consents they verify.
  FIGURANT_ASSIGN_OR_RETURN(const auto keys, registry_->ListAllSignerKeys());
  for (const registry::SignerKey& k : keys) {
    const ledger::KeyEnrolledEvent enrolled = EnrolledEventOf(k);
    const ledger::KeyPeriod* period = facts_->keys().Find(enrolled.public_key);
    if (period == nullptr) missing.push_back(ledger::ToEntry(enrolled));
    if (k.revoked_from && (period == nullptr || !period->revoked_from)) {
      missing.push_back(ledger::ToEntry(RevokedEventOf(k)));
    }
  }
  FIGURANT_ASSIGN_OR_RETURN(auto licences, registry_->ListLicences(std::nullopt));
  for (const registry::Licence& l : licences) {
    if (!l.signed_at) continue;
    if (!facts_->HasSignature(l.id)) {
      FIGURANT_ASSIGN_OR_RETURN(registry::Performer p, registry_->GetPerformer(l.performer_id));
      FIGURANT_ASSIGN_OR_RETURN(const auto consent, registry_->GetConsent(l.id));
      FIGURANT_ASSIGN_OR_RETURN(auto signed_event,
                                SignedEventOf(l, p.synthetic, *l.signed_at, consent));
      missing.push_back(ledger::ToEntry(signed_event));
    }
    if (l.revoked_from && !facts_->HasRevocation(l.id)) {
      missing.push_back(ledger::ToEntry(RevokedEventOf(l, *l.revoked_from)));
    }
  }
  FIGURANT_ASSIGN_OR_RETURN(auto performers, registry_->ListPerformers());
  for (const registry::Performer& p : performers) {
    if (p.deceased_on && !facts_->HasDeath(p.id)) {
      missing.push_back(ledger::ToEntry(ledger::PerformerDeceasedEvent{p.id, *p.deceased_on}));
    }
    if (p.erased_at && !facts_->HasErasure(p.id)) {
      missing.push_back(ledger::ToEntry(ledger::PerformerErasedEvent{p.id}));
    }
  }
  return AppendFacts(missing);
}

}  // namespace figurant::bank
