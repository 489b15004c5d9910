#include "registry/registry.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "registry/internal/enum_names.h"
#include "registry/internal/passkey_columns.h"
#include "registry/internal/read_rows.h"
#include "registry/internal/row_reader.h"
#include "registry/internal/sqlite.h"
#include "registry/migrations.h"

namespace figurant::registry {

std::string_view LicenceStateName(LicenceState v) {
  return Lookup(internal::kLicenceStateNames, v, "");
}
std::optional<LicenceState> ParseLicenceState(std::string_view name) {
  return KeyOf(internal::kLicenceStateNames, name);
}
std::string_view DoubleStatusName(DoubleStatus v) {
  return Lookup(internal::kDoubleStatusNames, v, "");
}
std::optional<DoubleStatus> ParseDoubleStatus(std::string_view name) {
  return KeyOf(internal::kDoubleStatusNames, name);
}
std::string_view SourceKindName(SourceKind v) { return Lookup(internal::kSourceKindNames, v, ""); }
std::optional<SourceKind> ParseSourceKind(std::string_view name) {
  return KeyOf(internal::kSourceKindNames, name);
}
std::string_view SignerKindName(SignerKind v) { return Lookup(internal::kSignerKindNames, v, ""); }
std::optional<SignerKind> ParseSignerKind(std::string_view name) {
  return KeyOf(internal::kSignerKindNames, name);
}
std::string_view RepresentationName(Representation v) {
  return Lookup(internal::kRepresentationNames, v, "");
}
std::optional<Representation> ParseRepresentation(std::string_view name) {
  return KeyOf(internal::kRepresentationNames, name);
}
std::string_view KeyOriginName(KeyOrigin v) { return Lookup(internal::kKeyOriginNames, v, ""); }
std::optional<KeyOrigin> ParseKeyOrigin(std::string_view name) {
  return KeyOf(internal::kKeyOriginNames, name);
}
std::string_view RepresentativeKindName(RepresentativeKind v) {
  return Lookup(internal::kRepresentativeKindNames, v, "");
}
std::optional<RepresentativeKind> ParseRepresentativeKind(std::string_view name) {
  return KeyOf(internal::kRepresentativeKindNames, name);
}
std::string_view LicenceEventKindName(LicenceEventKind v) {
  return Lookup(internal::kLicenceEventKindNames, v, "");
}
std::optional<LicenceEventKind> ParseLicenceEventKind(std::string_view name) {
  return KeyOf(internal::kLicenceEventKindNames, name);
}

namespace {

using internal::Database;
using internal::ReadAll;
using internal::ReadOptional;
using internal::RowReader;
using internal::Statement;
using nlohmann::json;

std::string ToJsonList(const std::vector<std::string>& v) { return json(v).dump(); }

std::optional<std::string> OptionalDateText(const std::optional<Date>& d) {
  return d ? std::optional(d->ToString()) : std::nullopt;
}

// Ed25519 sizes as stored in the registry. [Units: bytes]
constexpr size_t kPublicKeyBytes = 32;
constexpr size_t kSignatureBytes = 64;
// SHA-256 as lowercase hex. [Units: characters]
constexpr size_t kSha256HexDigits = 64;

// What performers.public_key and estates.public_key hold for a performer or estate with no
// bank-held key (schema v4: the column is NOT NULL since v1). Not a valid Ed25519 key.
const Bytes kNoCustodialKey(kPublicKeyBytes, 0);

// The stored custodial key as the struct holds it: empty for none.
Bytes CustodialKey(const Bytes& stored) { return stored == kNoCustodialKey ? Bytes() : stored; }
const Bytes& StoredCustodialKey(const Bytes& key) { return key.empty() ? kNoCustodialKey : key; }

constexpr std::string_view kPerformerColumns =
    "id, name, email, language, public_key, synthetic, deceased_on, erased_at, created_at";

Result<Performer> ReadPerformer(const Statement& s) {
  RowReader r(s, "performers");
  Performer p;
  p.id = r.Text(0);
  p.name = r.Text(1);
  p.email = r.OptionalText(2);
  p.language = r.Code(3, kLanguageCodes);
  p.public_key = CustodialKey(r.FixedBlob(4, kPublicKeyBytes));
  p.synthetic = r.Flag(5);
  p.deceased_on = r.OptionalCalendarDate(6);
  p.erased_at = r.OptionalTimestamp(7);
  p.created_at = r.Timestamp(8);
  return r.Finish(std::move(p));
}

constexpr std::string_view kEstateColumns = "id, performer_id, name, public_key, created_at";

Result<Estate> ReadEstate(const Statement& s) {
  RowReader r(s, "estates");
  Estate e;
  e.id = r.Text(0);
  e.performer_id = r.Text(1);
  e.name = r.Text(2);
  e.public_key = CustodialKey(r.FixedBlob(3, kPublicKeyBytes));
  e.created_at = r.Timestamp(4);
  return r.Finish(std::move(e));
}

constexpr std::string_view kStudioColumns = "id, name, created_at, public_key";

Result<Studio> ReadStudio(const Statement& s) {
  RowReader r(s, "studios");
  Studio st;
  st.id = r.Text(0);
  st.name = r.Text(1);
  st.created_at = r.Timestamp(2);
  st.public_key = r.OptionalFixedBlob(3, kPublicKeyBytes);
  return r.Finish(std::move(st));
}

constexpr std::string_view kProductionColumns =
    "id, studio_id, title, media, territories, content, created_at, fps, public_key, signature";

Result<Production> ReadProduction(const Statement& s) {
  RowReader r(s, "productions");
  Production p;
  p.id = r.Text(0);
  p.studio_id = r.Text(1);
  p.title = r.Text(2);
  p.media = r.JsonStringList(3);
  p.territories = r.JsonStringList(4);
  p.content = r.JsonStringList(5);
  p.created_at = r.Timestamp(6);
  p.frame_rate = r.OptionalFrameRate(7);
  p.public_key = r.OptionalFixedBlob(8, kPublicKeyBytes);
  p.signature = r.OptionalFixedBlob(9, kSignatureBytes);
  return r.Finish(std::move(p));
}

constexpr std::string_view kLicenceColumns =
    "id, performer_id, studio_id, terms_json, language, disclosure, state, valid_from, "
    "valid_until, blanket, created_at, signed_at, revoked_at, revoked_from";

Result<Licence> ReadLicence(const Statement& s) {
  RowReader r(s, "licences");
  Licence l;
  l.id = r.Text(0);
  l.performer_id = r.Text(1);
  l.studio_id = r.Text(2);
  l.terms_json = r.JsonDocument(3);
  l.language = r.Code(4, kLanguageCodes);
  l.disclosure = r.Text(5);
  l.state = r.Enum(6, internal::kLicenceStateNames);
  l.valid_from = r.CalendarDate(7);
  l.valid_until = r.OptionalCalendarDate(8);
  l.blanket = r.Flag(9);
  l.created_at = r.Timestamp(10);
  l.signed_at = r.OptionalTimestamp(11);
  l.revoked_at = r.OptionalTimestamp(12);
  l.revoked_from = r.OptionalCalendarDate(13);
  return r.Finish(std::move(l));
}

// The consent message versions a record may carry (schema v4). [Limits: 1..2]
constexpr int kFirstConsentVersion = 1;
constexpr int kLastConsentVersion = 2;

constexpr std::string_view kConsentColumns =
    "licence_id, disclosure_text, disclosure_sha256, terms_sha256, language, signed_at, signer, "
    "signer_id, public_key, signature, representation, version, custodial, "
    "passkey_authenticator_data, passkey_client_data_json, passkey_signature";

// Bytes of a passkey assertion's parts as stored (schema v8). [Units: bytes]
constexpr size_t kMinAuthenticatorData = 37;
constexpr size_t kMaxAssertionPart = 64 << 10;

// The passkey proof of a consents row (columns first..first+2), all NULL or all set.
std::optional<ConsentPasskeyProof> ReadConsentProof(RowReader& r, int first) {
  if (r.IsNull(first) && r.IsNull(first + 1) && r.IsNull(first + 2)) return std::nullopt;
  ConsentPasskeyProof p;
  p.authenticator_data = r.Blob(first, kMinAuthenticatorData, kMaxAssertionPart);
  const Bytes client_data = r.Blob(first + 1, 1, kMaxAssertionPart);
  p.client_data_json.assign(client_data.begin(), client_data.end());
  p.signature = r.Blob(first + 2, 1, kMaxAssertionPart);
  return p;
}

Result<Consent> ReadConsent(const Statement& s) {
  RowReader r(s, "consents");
  Consent c;
  c.licence_id = r.Text(0);
  c.disclosure_text = r.Text(1);
  c.disclosure_sha256 = r.Hex(2, kSha256HexDigits);
  c.terms_sha256 = r.Hex(3, kSha256HexDigits);
  c.language = r.Code(4, kLanguageCodes);
  c.signed_at = r.Timestamp(5);
  c.signer = r.Enum(6, internal::kSignerKindNames);
  c.signer_id = r.Text(7);
  c.public_key = r.FixedBlob(8, kPublicKeyBytes);
  c.signature = r.FixedBlob(9, kSignatureBytes);
  c.representation = r.Enum(10, internal::kRepresentationNames);
  c.version = r.SmallInt(11, kFirstConsentVersion, kLastConsentVersion);
  c.custodial = r.Flag(12);
  c.passkey = ReadConsentProof(r, 13);
  if (c.passkey) c.signature.clear();  // 64 zero bytes stand in for it (the v1 column)
  return r.Finish(std::move(c));
}

constexpr std::string_view kLicenceEventColumns = "seq, licence_id, kind, at, detail_json";

Result<LicenceEvent> ReadLicenceEvent(const Statement& s) {
  RowReader r(s, "licence_events");
  LicenceEvent e;
  e.seq = s.Int(0);
  e.licence_id = r.Text(1);
  e.kind = r.Enum(2, internal::kLicenceEventKindNames);
  e.at = r.Timestamp(3);
  e.detail_json = r.JsonDocument(4);
  return r.Finish(std::move(e));
}

Status NotFoundUnless(bool found, std::string_view kind, const std::string& id) {
  if (found) return Status::Ok();
  return NotFound("no " + std::string(kind) + " with id '" + id + "'");
}

// Names the entity of a failed insert. The code already tells which constraint failed:
// internal::StatusCodeFor classified it by SQLite's extended result code.
Status InsertError(const Status& s, std::string_view what) {
  const std::string w(what);
  switch (s.code()) {
    case StatusCode::kAlreadyExists:
      return AlreadyExists(w + " already exists: " + s.message());
    case StatusCode::kNotFound:
      return NotFound(w + " refers to something that does not exist: " + s.message());
    case StatusCode::kInvalidArgument:
      return InvalidArgument(w + " violates a registry rule: " + s.message());
    default:
      return s.ok() ? s : s.WithContext(w);
  }
}

// The one row `select` (already bound) finds, read strictly; NotFound naming `kind` and `id`.
template <typename Row>
Result<Row> ReadOne(Statement& select, Result<Row> (*read)(const Statement&), std::string_view kind,
                    const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(bool row, select.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, kind, id));
  return read(select);
}

// Binds `blob`, or NULL when it is empty (a key or signature not recorded yet).
void BindOptionalBlob(Statement& s, int index, const Bytes& blob) {
  if (blob.empty()) {
    s.BindNull(index);
  } else {
    s.BindBlob(index, blob);
  }
}

// Binds a consent's passkey proof to `first`..`first`+2, or NULLs.
void BindConsentProof(Statement& s, int first, const std::optional<ConsentPasskeyProof>& p) {
  if (!p) {
    for (int i = 0; i < 3; ++i) s.BindNull(first + i);
    return;
  }
  s.BindBlob(first, p->authenticator_data);
  s.BindBlob(first + 1, Bytes(p->client_data_json.begin(), p->client_data_json.end()));
  s.BindBlob(first + 2, p->signature);
}

// Binds a signer key's passkey columns to `first`..`first`+5 (credential id, algorithm, SPKI,
// sign count, origin, rp id), or NULLs.
void BindSignerPasskey(Statement& s, int first, const std::optional<SignerPasskey>& p) {
  constexpr int kColumns = 6;
  if (!p) {
    for (int i = 0; i < kColumns; ++i) s.BindNull(first + i);
    return;
  }
  internal::BindPasskeyCredential(s, first, p->credential);
  s.Bind(first + 4, p->origin).Bind(first + 5, p->rp_id);
}

std::string Select(std::string_view columns, std::string_view rest) {
  return "SELECT " + std::string(columns) + " " + std::string(rest);
}

}  // namespace

Registry::Registry(std::unique_ptr<Database> db, const Clock& clock, RegistryOptions options)
    : db_(std::move(db)), clock_(clock), options_(options) {}

Registry::~Registry() = default;

Result<std::unique_ptr<Registry>> Registry::Open(const std::filesystem::path& db_file, bool create,
                                                 const Clock& clock, RegistryOptions options) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(db_file, ec)) {
    return NotFound("no registry at " + db_file.string());
  }
  FIGURANT_ASSIGN_OR_RETURN(auto db,
                            Database::Open(db_file.string(), create, options.busy_timeout_ms));
  auto reg = std::unique_ptr<Registry>(new Registry(std::move(db), clock, options));
  FIGURANT_RETURN_IF_ERROR(reg->Migrate());
  return reg;
}

void Registry::AfterWrite() const {
  if (options_.write_delay_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.write_delay_ms));
  }
}

// ---- personal data (PersonalDataCipher) --------------------------------------------------------

namespace {

// Where each sealed value lives: bound to it, so a value moved elsewhere fails to open.
constexpr std::string_view kPerformerNameContext = "performers.name";
constexpr std::string_view kPerformerEmailContext = "performers.email";
constexpr std::string_view kEstateNameContext = "estates.name";
std::string DisclosureContext(const std::string& licence_id) {
  return "licences.disclosure:" + licence_id;
}
std::string ConsentTextContext(const std::string& licence_id) {
  return "consents.disclosure_text:" + licence_id;
}
std::string DeclineReasonContext(const std::string& licence_id) {
  return "declined_offers.reason:" + licence_id;
}

}  // namespace

Result<std::string> Registry::Seal(const std::string& performer_id, const std::string& context,
                                   const std::string& value) {
  if (!cipher_.seal) return value;
  return cipher_.seal(performer_id, context, value);
}

Result<std::optional<std::string>> Registry::Open(const std::string& performer_id,
                                                  const std::string& context,
                                                  const std::string& stored, std::string_view table,
                                                  const std::string& row) {
  if (!cipher_.open || !cipher_.is_sealed(stored)) return std::optional<std::string>(stored);
  Result<std::string> plain = cipher_.open(performer_id, context, stored);
  if (plain.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
  if (!plain.ok()) {
    return DataLoss(std::string(table) + " row '" + row + "' (" + context +
                    "): " + plain.status().message());
  }
  return std::optional<std::string>(std::move(*plain));
}

Status Registry::OpenSealed(Performer& p) {
  FIGURANT_ASSIGN_OR_RETURN(
      auto name, Open(p.id, std::string(kPerformerNameContext), p.name, "performers", p.id));
  p.name = name.value_or("");
  if (p.email) {
    FIGURANT_ASSIGN_OR_RETURN(
        p.email, Open(p.id, std::string(kPerformerEmailContext), *p.email, "performers", p.id));
  }
  return Status::Ok();
}

Status Registry::OpenSealed(Estate& e) {
  FIGURANT_ASSIGN_OR_RETURN(
      auto name, Open(e.performer_id, std::string(kEstateNameContext), e.name, "estates", e.id));
  e.name = name.value_or("");
  return Status::Ok();
}

Status Registry::OpenSealed(Licence& l) {
  FIGURANT_ASSIGN_OR_RETURN(
      auto text, Open(l.performer_id, DisclosureContext(l.id), l.disclosure, "licences", l.id));
  l.disclosure = text.value_or("");
  return Status::Ok();
}

Status Registry::OpenSealed(Consent& c) {
  FIGURANT_ASSIGN_OR_RETURN(std::string performer_id, LicensorOf(c.licence_id));
  FIGURANT_ASSIGN_OR_RETURN(auto text, Open(performer_id, ConsentTextContext(c.licence_id),
                                            c.disclosure_text, "consents", c.licence_id));
  c.disclosure_erased = !text.has_value();
  c.disclosure_text = text.value_or("");
  return Status::Ok();
}

Result<std::string> Registry::LicensorOf(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare("SELECT performer_id FROM licences WHERE id = ?"));
  s.Bind(1, licence_id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, "licence", licence_id));
  return s.Text(0);
}

Status Registry::Migrate() {
  Status s = db_->Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "description TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  if (!s.ok()) {
    if (s.code() == StatusCode::kDataLoss) {
      return DataLoss(db_->path() + " is not a Figurant registry (" + s.message() + ")");
    }
    return s;
  }
  FIGURANT_ASSIGN_OR_RETURN(schema_version_, StoredSchemaVersion());
  const auto& all = Migrations();
  if (!all.empty() && schema_version_ > all.back().version) {
    return FailedPrecondition("registry " + db_->path() + " has schema version " +
                              std::to_string(schema_version_) + ", newer than this figurant (" +
                              std::to_string(all.back().version) + "); upgrade figurant");
  }
  for (const Migration& m : all) {
    if (m.version <= schema_version_) continue;
    Status applied = InTransaction([&]() -> Status {
      // Another process opening the bank at the same time may have applied it while this one
      // waited for the write lock.
      FIGURANT_ASSIGN_OR_RETURN(const int stored, StoredSchemaVersion());
      if (stored >= m.version) return Status::Ok();
      FIGURANT_RETURN_IF_ERROR(db_->Exec(m.sql));
      FIGURANT_ASSIGN_OR_RETURN(Statement ins,
                                db_->Prepare("INSERT INTO schema_migrations VALUES (?, ?, ?)"));
      return ins.Bind(1, static_cast<int64_t>(m.version))
          .Bind(2, m.description)
          .Bind(3, clock_.Now())
          .Run();
    });
    if (!applied.ok()) {
      return applied.WithContext("migration " + std::to_string(m.version));
    }
    schema_version_ = m.version;
  }
  return Status::Ok();
}

Result<int> Registry::StoredSchemaVersion() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  FIGURANT_ASSIGN_OR_RETURN(const bool row, q.Step());
  return row ? static_cast<int>(q.Int(0)) : 0;
}

Status Registry::InTransaction(const std::function<Status()>& body) {
  if (transaction_depth_ > 0) {
    ++transaction_depth_;
    Status s = body();
    --transaction_depth_;
    return s;
  }
  FIGURANT_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  ++transaction_depth_;
  Status s = body();
  --transaction_depth_;
  if (!s.ok()) {
    (void)db_->Exec("ROLLBACK");
    return s;
  }
  Status c = db_->Exec("COMMIT");
  if (!c.ok()) (void)db_->Exec("ROLLBACK");
  return c;
}

Status Registry::CheckIntegrity() {
  FIGURANT_ASSIGN_OR_RETURN(Statement q, db_->Prepare("PRAGMA integrity_check"));
  FIGURANT_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row || q.Text(0) != "ok") {
    return DataLoss("registry integrity check failed: " + (row ? q.Text(0) : std::string("?")));
  }
  FIGURANT_ASSIGN_OR_RETURN(Statement fk, db_->Prepare("PRAGMA foreign_key_check"));
  FIGURANT_ASSIGN_OR_RETURN(bool bad, fk.Step());
  if (bad) {
    return DataLoss("registry foreign key check failed in table " + fk.Text(0));
  }
  return Status::Ok();
}

// ---- performers and estates ------------------------------------------------------------------

Status Registry::InsertPerformer(const Performer& p) {
  FIGURANT_ASSIGN_OR_RETURN(std::string name,
                            Seal(p.id, std::string(kPerformerNameContext), p.name));
  std::optional<std::string> email;
  if (p.email) {
    FIGURANT_ASSIGN_OR_RETURN(email, Seal(p.id, std::string(kPerformerEmailContext), *p.email));
  }
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO performers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, p.id).Bind(2, name).BindOptional(3, email).Bind(4, p.language);
    s.BindBlob(5, StoredCustodialKey(p.public_key)).Bind(6, static_cast<int64_t>(p.synthetic));
    s.BindOptional(7, OptionalDateText(p.deceased_on));
    if (p.erased_at) {
      s.Bind(8, *p.erased_at);
    } else {
      s.BindNull(8);
    }
    s.Bind(9, p.created_at);
    Status r = s.Run();
    AfterWrite();
    return InsertError(r, "performer " + p.id);
  });
}

Result<Performer> Registry::GetPerformer(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kPerformerColumns, "FROM performers WHERE id = ?")));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(Performer p, ReadOne(s, ReadPerformer, "performer", id));
  FIGURANT_RETURN_IF_ERROR(OpenSealed(p));
  return p;
}

Result<std::vector<Performer>> Registry::ListPerformers() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(Select(kPerformerColumns, "FROM performers ORDER BY created_at, id")));
  FIGURANT_ASSIGN_OR_RETURN(std::vector<Performer> all, ReadAll(s, ReadPerformer));
  for (Performer& p : all) FIGURANT_RETURN_IF_ERROR(OpenSealed(p));
  return all;
}

Status Registry::SetPerformerDeceased(const std::string& id, const Date& date) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("UPDATE performers SET deceased_on = ? WHERE id = ?"));
    FIGURANT_RETURN_IF_ERROR(s.Bind(1, date.ToString()).Bind(2, id).Run());
    AfterWrite();
    return NotFoundUnless(sqlite3_changes(db_->handle()) == 1, "performer", id);
  });
}

Status Registry::SetPerformerErased(const std::string& id, UnixSeconds at) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("UPDATE performers SET erased_at = ? WHERE id = ?"));
    FIGURANT_RETURN_IF_ERROR(s.Bind(1, at).Bind(2, id).Run());
    AfterWrite();
    return NotFoundUnless(sqlite3_changes(db_->handle()) == 1, "performer", id);
  });
}

Status Registry::InsertEstate(const Estate& e) {
  FIGURANT_ASSIGN_OR_RETURN(std::string name,
                            Seal(e.performer_id, std::string(kEstateNameContext), e.name));
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO estates VALUES (?, ?, ?, ?, ?)"));
    Status r = s.Bind(1, e.id)
                   .Bind(2, e.performer_id)
                   .Bind(3, name)
                   .BindBlob(4, StoredCustodialKey(e.public_key))
                   .Bind(5, e.created_at)
                   .Run();
    AfterWrite();
    return InsertError(r, "estate for performer " + e.performer_id);
  });
}

Result<std::optional<Estate>> Registry::GetEstateOf(const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kEstateColumns, "FROM estates WHERE performer_id = ?")));
  s.Bind(1, performer_id);
  FIGURANT_ASSIGN_OR_RETURN(std::optional<Estate> e, ReadOptional(s, ReadEstate));
  if (e) FIGURANT_RETURN_IF_ERROR(OpenSealed(*e));
  return e;
}

// ---- studios and productions -------------------------------------------------------------------

Status Registry::InsertStudio(const Studio& st) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO studios (" + std::string(kStudioColumns) +
                                           ") VALUES (?, ?, ?, ?)"));
    s.Bind(1, st.id).Bind(2, st.name).Bind(3, st.created_at);
    BindOptionalBlob(s, 4, st.public_key);
    Status r = s.Run();
    AfterWrite();
    return InsertError(r, "studio '" + st.name + "'");
  });
}

Status Registry::SetStudioPublicKey(const std::string& id, const Bytes& public_key) {
  FIGURANT_RETURN_IF_ERROR(GetStudio(id).status());
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("UPDATE studios SET public_key = ? WHERE id = ? AND public_key IS NULL"));
    FIGURANT_RETURN_IF_ERROR(s.BindBlob(1, public_key).Bind(2, id).Run());
    AfterWrite();
    if (sqlite3_changes(db_->handle()) != 1) {
      return FailedPrecondition("studio " + id + " already has a registered key");
    }
    return Status::Ok();
  });
}

Result<Studio> Registry::GetStudio(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare(Select(kStudioColumns, "FROM studios WHERE id = ?")));
  s.Bind(1, id);
  return ReadOne(s, ReadStudio, "studio", id);
}

Result<std::vector<Studio>> Registry::ListStudios() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kStudioColumns, "FROM studios ORDER BY created_at, id")));
  return ReadAll(s, ReadStudio);
}

Status Registry::InsertProduction(const Production& p) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO productions (" + std::string(kProductionColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, p.id).Bind(2, p.studio_id).Bind(3, p.title).Bind(4, ToJsonList(p.media));
    s.Bind(5, ToJsonList(p.territories)).Bind(6, ToJsonList(p.content)).Bind(7, p.created_at);
    s.BindOptional(8, p.frame_rate ? std::optional(p.frame_rate->Text()) : std::nullopt);
    BindOptionalBlob(s, 9, p.public_key);
    BindOptionalBlob(s, 10, p.signature);
    Status r = s.Run();
    AfterWrite();
    return InsertError(r, "production '" + p.title + "'");
  });
}

Status Registry::SetProductionDeclaration(const std::string& id, const FrameRate& frame_rate,
                                          const Bytes& public_key, const Bytes& signature) {
  FIGURANT_RETURN_IF_ERROR(GetProduction(id).status());
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("UPDATE productions SET fps = ?, public_key = ?, signature = ? "
                                  "WHERE id = ? AND signature IS NULL"));
    s.Bind(1, frame_rate.Text()).BindBlob(2, public_key).BindBlob(3, signature).Bind(4, id);
    FIGURANT_RETURN_IF_ERROR(s.Run());
    AfterWrite();
    if (sqlite3_changes(db_->handle()) != 1) {
      return FailedPrecondition("production " + id + " is already declared by its studio");
    }
    return Status::Ok();
  });
}

Result<Production> Registry::GetProduction(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kProductionColumns, "FROM productions WHERE id = ?")));
  s.Bind(1, id);
  return ReadOne(s, ReadProduction, "production", id);
}

Result<std::vector<Production>> Registry::ListProductions() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(Select(kProductionColumns, "FROM productions ORDER BY created_at, id")));
  return ReadAll(s, ReadProduction);
}

// ---- doubles -----------------------------------------------------------------------------------

namespace {

constexpr std::string_view kDoubleColumns =
    "id, performer_id, name, status, created_at, source_kind, source_sha256, blob_id, height_m, "
    "footprint_radius_m, bounds_json, units, units_guessed, lods_json, rigged, "
    "has_wardrobe_regions, look_tags";

Result<Double> ReadDouble(const Statement& s) {
  RowReader r(s, "doubles");
  Double d;
  d.id = r.Text(0);
  d.performer_id = r.Text(1);
  d.name = r.Text(2);
  d.status = r.Enum(3, internal::kDoubleStatusNames);
  d.created_at = r.Timestamp(4);
  d.source_kind = r.Enum(5, internal::kSourceKindNames);
  d.source_sha256 = r.OptionalText(6);
  d.blob_id = r.OptionalText(7);
  d.height_m = r.Measure(8);
  d.footprint_radius_m = r.Measure(9);
  d.bounds_json = r.JsonDocumentOrEmpty(10);
  d.units = r.Text(11);
  d.units_guessed = r.Flag(12);
  d.lods_json = r.JsonDocumentOrEmpty(13);
  d.rigged = r.Flag(14);
  d.has_wardrobe_regions = r.Flag(15);
  d.look_tags = r.JsonStringList(16);
  return r.Finish(std::move(d));
}

}  // namespace

Status Registry::InsertDouble(const Double& d) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO doubles (" + std::string(kDoubleColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, d.id).Bind(2, d.performer_id).Bind(3, d.name).Bind(4, DoubleStatusName(d.status));
    s.Bind(5, d.created_at).Bind(6, SourceKindName(d.source_kind));
    s.BindOptional(7, d.source_sha256);
    s.BindOptional(8, d.blob_id).BindDouble(9, d.height_m).BindDouble(10, d.footprint_radius_m);
    s.Bind(11, d.bounds_json).Bind(12, d.units).Bind(13, static_cast<int64_t>(d.units_guessed));
    s.Bind(14, d.lods_json).Bind(15, static_cast<int64_t>(d.rigged));
    s.Bind(16, static_cast<int64_t>(d.has_wardrobe_regions)).Bind(17, ToJsonList(d.look_tags));
    Status r = s.Run();
    AfterWrite();
    return InsertError(r, "double " + d.id);
  });
}

Result<Double> Registry::GetDouble(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare(Select(kDoubleColumns, "FROM doubles WHERE id = ?")));
  s.Bind(1, id);
  return ReadOne(s, ReadDouble, "double", id);
}

Result<std::vector<Double>> Registry::ListDoubles(const std::optional<std::string>& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kDoubleColumns,
                                       "FROM doubles WHERE (?1 IS NULL OR performer_id = ?1) "
                                       "ORDER BY created_at, id")));
  s.BindOptional(1, performer_id);
  return ReadAll(s, ReadDouble);
}

Status Registry::MarkDoublesErased(const std::string& performer_id) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("UPDATE doubles SET status = ?1, source_sha256 = NULL, blob_id = NULL, "
                     "height_m = 0, footprint_radius_m = 0, bounds_json = '', lods_json = '', "
                     "look_tags = '[]' WHERE performer_id = ?2"));
    FIGURANT_RETURN_IF_ERROR(
        s.Bind(1, DoubleStatusName(DoubleStatus::kErased)).Bind(2, performer_id).Run());
    AfterWrite();
    return Status::Ok();
  });
}

Status Registry::Compact() {
  FIGURANT_RETURN_IF_ERROR(db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  FIGURANT_RETURN_IF_ERROR(db_->Exec("VACUUM"));
  return db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

// ---- licences ----------------------------------------------------------------------------------

Status Registry::InsertLicence(const Licence& l) {
  FIGURANT_ASSIGN_OR_RETURN(std::string disclosure,
                            Seal(l.performer_id, DisclosureContext(l.id), l.disclosure));
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO licences (" + std::string(kLicenceColumns) +
                                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, l.id).Bind(2, l.performer_id).Bind(3, l.studio_id).Bind(4, l.terms_json);
    s.Bind(5, l.language).Bind(6, disclosure).Bind(7, LicenceStateName(l.state));
    s.Bind(8, l.valid_from.ToString()).BindOptional(9, OptionalDateText(l.valid_until));
    s.Bind(10, static_cast<int64_t>(l.blanket)).Bind(11, l.created_at);
    if (l.signed_at) {
      s.Bind(12, *l.signed_at);
    } else {
      s.BindNull(12);
    }
    if (l.revoked_at) {
      s.Bind(13, *l.revoked_at);
    } else {
      s.BindNull(13);
    }
    s.BindOptional(14, OptionalDateText(l.revoked_from));
    Status r = s.Run();
    AfterWrite();
    return InsertError(r, "licence " + l.id);
  });
}

Result<Licence> Registry::GetLicence(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare(Select(kLicenceColumns, "FROM licences WHERE id = ?")));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(Licence l, ReadOne(s, ReadLicence, "licence", id));
  FIGURANT_RETURN_IF_ERROR(OpenSealed(l));
  return l;
}

Result<std::vector<Licence>> Registry::ListLicences(const std::optional<std::string>& performer_id,
                                                    const std::optional<std::string>& studio_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kLicenceColumns,
                                       "FROM licences WHERE (?1 IS NULL OR performer_id = ?1) AND "
                                       "(?2 IS NULL OR studio_id = ?2) ORDER BY created_at, id")));
  s.BindOptional(1, performer_id).BindOptional(2, studio_id);
  FIGURANT_ASSIGN_OR_RETURN(std::vector<Licence> all, ReadAll(s, ReadLicence));
  for (Licence& l : all) FIGURANT_RETURN_IF_ERROR(OpenSealed(l));
  return all;
}

Status Registry::MarkLicenceSigned(const std::string& id, UnixSeconds at) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("UPDATE licences SET state = ?1, signed_at = ?2 WHERE id = ?3 "
                                  "AND state = ?4"));
    s.Bind(1, LicenceStateName(LicenceState::kActive)).Bind(2, at).Bind(3, id);
    FIGURANT_RETURN_IF_ERROR(s.Bind(4, LicenceStateName(LicenceState::kDraft)).Run());
    AfterWrite();
    if (sqlite3_changes(db_->handle()) != 1) {
      return FailedPrecondition("licence " + id + " is not a draft awaiting signature");
    }
    return Status::Ok();
  });
}

Status Registry::MarkLicenceRevoked(const std::string& id, UnixSeconds at, const Date& effective) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("UPDATE licences SET state = ?1, revoked_at = ?2, "
                                           "revoked_from = ?3 WHERE id = ?4 AND state = ?5"));
    s.Bind(1, LicenceStateName(LicenceState::kRevoked)).Bind(2, at).Bind(3, effective.ToString());
    FIGURANT_RETURN_IF_ERROR(s.Bind(4, id).Bind(5, LicenceStateName(LicenceState::kActive)).Run());
    AfterWrite();
    if (sqlite3_changes(db_->handle()) != 1) {
      return FailedPrecondition("licence " + id + " is not active");
    }
    return Status::Ok();
  });
}

Status Registry::MarkLicencesErased(const std::string& performer_id) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("UPDATE licences SET state = ?1 WHERE performer_id = ?2 AND state <> ?1"));
    FIGURANT_RETURN_IF_ERROR(
        s.Bind(1, LicenceStateName(LicenceState::kErased)).Bind(2, performer_id).Run());
    AfterWrite();
    return Status::Ok();
  });
}

Status Registry::InsertConsent(const Consent& c) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(std::string performer_id, LicensorOf(c.licence_id));
    FIGURANT_ASSIGN_OR_RETURN(
        std::string text, Seal(performer_id, ConsentTextContext(c.licence_id), c.disclosure_text));
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO consents (" + std::string(kConsentColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    const Bytes signature = c.passkey ? Bytes(kSignatureBytes, 0) : c.signature;
    BindConsentProof(s, 14, c.passkey);
    Status r = s.Bind(1, c.licence_id)
                   .Bind(2, text)
                   .Bind(3, c.disclosure_sha256)
                   .Bind(4, c.terms_sha256)
                   .Bind(5, c.language)
                   .Bind(6, c.signed_at)
                   .Bind(7, SignerKindName(c.signer))
                   .Bind(8, c.signer_id)
                   .BindBlob(9, c.public_key)
                   .BindBlob(10, signature)
                   .Bind(11, RepresentationName(c.representation))
                   .Bind(12, static_cast<int64_t>(c.version))
                   .Bind(13, static_cast<int64_t>(c.custodial))
                   .Run();
    AfterWrite();
    return InsertError(r, "consent for licence " + c.licence_id);
  });
}

Result<std::optional<Consent>> Registry::GetConsent(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kConsentColumns, "FROM consents WHERE licence_id = ?")));
  s.Bind(1, licence_id);
  FIGURANT_ASSIGN_OR_RETURN(std::optional<Consent> c, ReadOptional(s, ReadConsent));
  if (c) FIGURANT_RETURN_IF_ERROR(OpenSealed(*c));
  return c;
}

Status Registry::AppendLicenceEvent(const LicenceEvent& e) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO licence_events (licence_id, kind, at, detail_json) "
                                  "VALUES (?, ?, ?, ?)"));
    Status r = s.Bind(1, e.licence_id)
                   .Bind(2, LicenceEventKindName(e.kind))
                   .Bind(3, e.at)
                   .Bind(4, e.detail_json.empty() ? std::string("{}") : e.detail_json)
                   .Run();
    AfterWrite();
    return InsertError(r, "event for licence " + e.licence_id);
  });
}

Result<std::vector<LicenceEvent>> Registry::ListLicenceEvents(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kLicenceEventColumns,
                                       "FROM licence_events WHERE licence_id = ? ORDER BY seq")));
  s.Bind(1, licence_id);
  return ReadAll(s, ReadLicenceEvent);
}

// ---- enrolment (schema v4) ---------------------------------------------------------------------

namespace {

constexpr std::string_view kEnrolmentCodeColumns =
    "code_sha256, performer_id, signer, signer_id, created_at, expires_at, used_at";

Result<EnrolmentCode> ReadEnrolmentCode(const Statement& s) {
  RowReader r(s, "enrolment_codes");
  EnrolmentCode c;
  c.code_sha256 = r.Hex(0, kSha256HexDigits);
  c.performer_id = r.Text(1);
  c.signer = r.Enum(2, internal::kSignerKindNames);
  c.signer_id = r.Text(3);
  c.created_at = r.Timestamp(4);
  c.expires_at = r.Timestamp(5);
  c.used_at = r.OptionalTimestamp(6);
  return r.Finish(std::move(c));
}

constexpr std::string_view kSignerKeyColumns =
    "seq, signer, signer_id, performer_id, public_key, how, confirmed_by, valid_from, "
    "revoked_from, revoked_reason, code_sha256, confirmation, passkey_credential_id, "
    "passkey_algorithm, passkey_spki, passkey_sign_count, passkey_origin, passkey_rp_id";
constexpr int kFirstPasskeyColumn = 12, kPasskeyColumns = 6;

// The passkey of a signer_keys row (its last six columns), all NULL or all set.
std::optional<SignerPasskey> ReadSignerPasskey(RowReader& r) {
  bool all_null = true;
  for (int i = 0; i < kPasskeyColumns; ++i)
    all_null = all_null && r.IsNull(kFirstPasskeyColumn + i);
  if (all_null) return std::nullopt;
  SignerPasskey p;
  p.credential = internal::ReadPasskeyCredential(r, kFirstPasskeyColumn);
  p.origin = r.Text(kFirstPasskeyColumn + 4);
  p.rp_id = r.Text(kFirstPasskeyColumn + 5);
  return p;
}

Result<SignerKey> ReadSignerKey(const Statement& s) {
  RowReader r(s, "signer_keys");
  SignerKey k;
  k.seq = s.Int(0);
  k.signer = r.Enum(1, internal::kSignerKindNames);
  k.signer_id = r.Text(2);
  k.performer_id = r.Text(3);
  k.public_key = r.FixedBlob(4, kPublicKeyBytes);
  k.how = r.Enum(5, internal::kKeyOriginNames);
  k.confirmed_by = r.OptionalText(6).value_or("");
  k.valid_from = r.Timestamp(7);
  k.revoked_from = r.OptionalTimestamp(8);
  k.revoked_reason = r.OptionalText(9).value_or("");
  k.code_sha256 = r.OptionalText(10).value_or("");
  k.confirmation = r.OptionalFixedBlob(11, kSignatureBytes);
  k.passkey = ReadSignerPasskey(r);
  return r.Finish(std::move(k));
}

constexpr std::string_view kRepresentativeColumns = "id, kind, name, public_key, created_at";

Result<Representative> ReadRepresentative(const Statement& s) {
  RowReader r(s, "representatives");
  Representative rep;
  rep.id = r.Text(0);
  rep.kind = r.Enum(1, internal::kRepresentativeKindNames);
  rep.name = r.Text(2);
  rep.public_key = r.FixedBlob(3, kPublicKeyBytes);
  rep.created_at = r.Timestamp(4);
  return r.Finish(std::move(rep));
}

constexpr std::string_view kConfirmationColumns =
    "licence_id, signed_at, signer, signer_id, public_key, signature, representation, version";

Result<ConsentConfirmation> ReadConfirmation(const Statement& s) {
  RowReader r(s, "consent_confirmations");
  ConsentConfirmation c;
  c.licence_id = r.Text(0);
  c.signed_at = r.Timestamp(1);
  c.signer = r.Enum(2, internal::kSignerKindNames);
  c.signer_id = r.Text(3);
  c.public_key = r.FixedBlob(4, kPublicKeyBytes);
  c.signature = r.FixedBlob(5, kSignatureBytes);
  c.representation = r.Enum(6, internal::kRepresentationNames);
  c.version = r.SmallInt(7, kFirstConsentVersion, kLastConsentVersion);
  return r.Finish(std::move(c));
}

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional(s);
}

}  // namespace

Status Registry::InsertEnrolmentCode(const EnrolmentCode& c) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO enrolment_codes VALUES (?, ?, ?, ?, ?, ?, NULL)"));
    Status r = s.Bind(1, c.code_sha256)
                   .Bind(2, c.performer_id)
                   .Bind(3, SignerKindName(c.signer))
                   .Bind(4, c.signer_id)
                   .Bind(5, c.created_at)
                   .Bind(6, c.expires_at)
                   .Run();
    AfterWrite();
    return InsertError(r, "enrolment code for performer " + c.performer_id);
  });
}

Result<std::optional<EnrolmentCode>> Registry::GetEnrolmentCode(const std::string& code_sha256) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(Select(kEnrolmentCodeColumns, "FROM enrolment_codes WHERE code_sha256 = ?")));
  s.Bind(1, code_sha256);
  return ReadOptional(s, ReadEnrolmentCode);
}

Result<std::vector<EnrolmentCode>> Registry::ListEnrolmentCodes() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kEnrolmentCodeColumns,
                                       "FROM enrolment_codes ORDER BY created_at, code_sha256")));
  return ReadAll(s, ReadEnrolmentCode);
}

Status Registry::MarkEnrolmentCodeUsed(const std::string& code_sha256, UnixSeconds at) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(std::optional<EnrolmentCode> code, GetEnrolmentCode(code_sha256));
    if (!code) return NotFound("no enrolment code with that hash");
    if (code->used_at) return FailedPrecondition("the enrolment code was used already");
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("UPDATE enrolment_codes SET used_at = ? WHERE code_sha256 = ?"));
    Status r = s.Bind(1, at).Bind(2, code_sha256).Run();
    AfterWrite();
    return r;
  });
}

Result<int64_t> Registry::InsertSignerKey(const SignerKey& k) {
  int64_t seq = 0;
  Status st = InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("INSERT INTO signer_keys (signer, signer_id, performer_id, public_key, how, "
                     "confirmed_by, valid_from, code_sha256, confirmation, passkey_credential_id, "
                     "passkey_algorithm, passkey_spki, passkey_sign_count, passkey_origin, "
                     "passkey_rp_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    Status r;
    s.Bind(1, SignerKindName(k.signer))
        .Bind(2, k.signer_id)
        .Bind(3, k.performer_id)
        .BindBlob(4, k.public_key)
        .Bind(5, KeyOriginName(k.how))
        .BindOptional(6, NonEmpty(k.confirmed_by))
        .Bind(7, k.valid_from)
        .BindOptional(8, NonEmpty(k.code_sha256));
    BindOptionalBlob(s, 9, k.confirmation);
    BindSignerPasskey(s, 10, k.passkey);
    r = s.Run();
    AfterWrite();
    FIGURANT_RETURN_IF_ERROR(InsertError(r, "key of " + k.signer_id));
    FIGURANT_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT last_insert_rowid()"));
    FIGURANT_ASSIGN_OR_RETURN(bool row, q.Step());
    seq = row ? q.Int(0) : 0;
    return Status::Ok();
  });
  FIGURANT_RETURN_IF_ERROR(st);
  return seq;
}

Result<SignerKey> Registry::GetSignerKey(int64_t seq) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare(Select(kSignerKeyColumns, "FROM signer_keys WHERE seq = ?")));
  q.Bind(1, seq);
  return ReadOne(q, ReadSignerKey, "enrolled key", std::to_string(seq));
}

Status Registry::RevokeSignerKey(int64_t seq, UnixSeconds from, const std::string& reason) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(const SignerKey k, GetSignerKey(seq));
    if (k.revoked_from) {
      return FailedPrecondition("enrolled key " + std::to_string(seq) + " is revoked already");
    }
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("UPDATE signer_keys SET revoked_from = ?, revoked_reason = ? "
                                  "WHERE seq = ?"));
    Status r = s.Bind(1, from).Bind(2, reason).Bind(3, seq).Run();
    AfterWrite();
    return r;
  });
}

Status Registry::SetSignerPasskeySignCount(int64_t seq, uint32_t count) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(const SignerKey k, GetSignerKey(seq));
    if (!k.passkey || k.revoked_from) {
      return FailedPrecondition("enrolled key " + std::to_string(seq) +
                                " is not a current passkey");
    }
    const uint32_t stored = k.passkey->credential.sign_count;
    if ((count != 0 || stored != 0) && count <= stored) {
      return FailedPrecondition("passkey sign count " + std::to_string(count) +
                                " does not advance past " + std::to_string(stored));
    }
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("UPDATE signer_keys SET passkey_sign_count = ? WHERE seq = ?"));
    Status r = s.Bind(1, int64_t{count}).Bind(2, seq).Run();
    AfterWrite();
    return r;
  });
}

Result<std::vector<SignerKey>> Registry::ListSignerKeys(SignerKind signer,
                                                        const std::string& signer_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(Select(kSignerKeyColumns,
                          "FROM signer_keys WHERE signer = ? AND signer_id = ? ORDER BY seq")));
  s.Bind(1, SignerKindName(signer)).Bind(2, signer_id);
  return ReadAll(s, ReadSignerKey);
}

Result<std::vector<SignerKey>> Registry::ListAllSignerKeys() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kSignerKeyColumns, "FROM signer_keys ORDER BY seq")));
  return ReadAll(s, ReadSignerKey);
}

Status Registry::InsertRepresentative(const Representative& rep) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO representatives VALUES (?, ?, ?, ?, ?)"));
    Status r = s.Bind(1, rep.id)
                   .Bind(2, RepresentativeKindName(rep.kind))
                   .Bind(3, rep.name)
                   .BindBlob(4, rep.public_key)
                   .Bind(5, rep.created_at)
                   .Run();
    AfterWrite();
    return InsertError(r, "representative " + rep.id);
  });
}

Result<Representative> Registry::GetRepresentative(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare(Select(kRepresentativeColumns,
                                                             "FROM representatives WHERE id = ?")));
  s.Bind(1, id);
  return ReadOne(s, ReadRepresentative, "representative", id);
}

Result<std::vector<Representative>> Registry::ListRepresentatives() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(Select(kRepresentativeColumns, "FROM representatives ORDER BY created_at, id")));
  return ReadAll(s, ReadRepresentative);
}

Status Registry::InsertConsentConfirmation(const ConsentConfirmation& c) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("INSERT INTO consent_confirmations VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    Status r = s.Bind(1, c.licence_id)
                   .Bind(2, c.signed_at)
                   .Bind(3, SignerKindName(c.signer))
                   .Bind(4, c.signer_id)
                   .BindBlob(5, c.public_key)
                   .BindBlob(6, c.signature)
                   .Bind(7, RepresentationName(c.representation))
                   .Bind(8, static_cast<int64_t>(c.version))
                   .Run();
    AfterWrite();
    return InsertError(r, "confirmation of the consent to licence " + c.licence_id);
  });
}

Result<std::optional<ConsentConfirmation>> Registry::GetConsentConfirmation(
    const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(Select(kConfirmationColumns,
                                       "FROM consent_confirmations WHERE licence_id = ?")));
  s.Bind(1, licence_id);
  return ReadOptional(s, ReadConfirmation);
}

Result<std::optional<UnixSeconds>> Registry::CustodialKeysDestroyedAt() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("SELECT destroyed_at FROM custodial_keys_destroyed WHERE id = 1"));
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<UnixSeconds>();
  return std::optional<UnixSeconds>(s.Int(0));
}

Status Registry::SetCustodialKeysDestroyed(UnixSeconds at) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT OR IGNORE INTO custodial_keys_destroyed VALUES (1, ?)"));
    Status r = s.Bind(1, at).Run();
    AfterWrite();
    return r;
  });
}

// ---- declined offers ---------------------------------------------------------------------------

Status Registry::InsertDeclinedOffer(const DeclinedOffer& d) {
  if (d.reason.size() > kMaxDeclineReasonBytes) {
    return InvalidArgument("declined offer of licence " + d.licence_id + ": the reason has " +
                           std::to_string(d.reason.size()) + " bytes, over the limit of " +
                           std::to_string(kMaxDeclineReasonBytes));
  }
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(std::string performer_id, LicensorOf(d.licence_id));
    std::optional<std::string> reason;
    if (!d.reason.empty()) {
      FIGURANT_ASSIGN_OR_RETURN(reason,
                                Seal(performer_id, DeclineReasonContext(d.licence_id), d.reason));
    }
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO declined_offers (licence_id, declined_at, "
                                           "reason) VALUES (?, ?, ?)"));
    Status r = s.Bind(1, d.licence_id).Bind(2, d.declined_at).BindOptional(3, reason).Run();
    AfterWrite();
    return InsertError(r, "declined offer of licence " + d.licence_id);
  });
}

Result<std::optional<DeclinedOffer>> Registry::GetDeclinedOffer(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT d.declined_at, d.reason, l.performer_id FROM declined_offers d JOIN "
                   "licences l ON l.id = d.licence_id WHERE d.licence_id = ?"));
  s.Bind(1, licence_id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<DeclinedOffer>();
  DeclinedOffer d;
  d.licence_id = licence_id;
  d.declined_at = s.Int(0);
  const std::optional<std::string> stored = s.OptionalText(1);
  if (stored) {
    FIGURANT_ASSIGN_OR_RETURN(auto reason, Open(s.Text(2), DeclineReasonContext(licence_id),
                                                *stored, "declined_offers", licence_id));
    d.reason_erased = !reason.has_value();
    d.reason = reason.value_or("");
  }
  return std::optional<DeclinedOffer>(std::move(d));
}

}  // namespace figurant::registry
