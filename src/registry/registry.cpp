#include "registry/registry.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "registry/internal/sqlite.h"
#include "registry/migrations.h"

namespace figurant::registry {
namespace {

using internal::Database;
using internal::Statement;
using nlohmann::json;

std::string ToJsonList(const std::vector<std::string>& v) { return json(v).dump(); }

std::vector<std::string> FromJsonList(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const json& x : j) {
    if (x.is_string()) out.push_back(x.get<std::string>());
  }
  return out;
}

std::optional<Date> OptionalDate(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  auto d = Date::Parse(*text);
  if (!d.ok()) return std::nullopt;
  return *d;
}

std::optional<UnixSeconds> OptionalInt(const Statement& s, int c) {
  if (s.IsNull(c)) return std::nullopt;
  return s.Int(c);
}

constexpr std::string_view kPerformerColumns =
    "id, name, email, language, public_key, synthetic, deceased_on, erased_at, created_at";

Performer ReadPerformer(const Statement& s) {
  Performer p;
  p.id = s.Text(0);
  p.name = s.Text(1);
  p.email = s.OptionalText(2);
  p.language = s.Text(3);
  p.public_key = s.Blob(4);
  p.synthetic = s.Int(5) != 0;
  p.deceased_on = OptionalDate(s.OptionalText(6));
  p.erased_at = OptionalInt(s, 7);
  p.created_at = s.Int(8);
  return p;
}

constexpr std::string_view kProductionColumns =
    "id, studio_id, title, media, territories, content, created_at";

Production ReadProduction(const Statement& s) {
  Production p;
  p.id = s.Text(0);
  p.studio_id = s.Text(1);
  p.title = s.Text(2);
  p.media = FromJsonList(s.Text(3));
  p.territories = FromJsonList(s.Text(4));
  p.content = FromJsonList(s.Text(5));
  p.created_at = s.Int(6);
  return p;
}

constexpr std::string_view kLicenceColumns =
    "id, performer_id, studio_id, terms_json, language, disclosure, state, valid_from, "
    "valid_until, blanket, created_at, signed_at, revoked_at, revoked_from";

Licence ReadLicence(const Statement& s) {
  Licence l;
  l.id = s.Text(0);
  l.performer_id = s.Text(1);
  l.studio_id = s.Text(2);
  l.terms_json = s.Text(3);
  l.language = s.Text(4);
  l.disclosure = s.Text(5);
  l.state = s.Text(6);
  l.valid_from = OptionalDate(s.Text(7)).value_or(Date{});
  l.valid_until = OptionalDate(s.OptionalText(8));
  l.blanket = s.Int(9) != 0;
  l.created_at = s.Int(10);
  l.signed_at = OptionalInt(s, 11);
  l.revoked_at = OptionalInt(s, 12);
  l.revoked_from = OptionalDate(s.OptionalText(13));
  return l;
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
  FIGURANT_ASSIGN_OR_RETURN(auto db, Database::Open(db_file.string(), create));
  auto reg = std::unique_ptr<Registry>(new Registry(std::move(db), clock, options));
  FIGURANT_RETURN_IF_ERROR(reg->Migrate());
  return reg;
}

void Registry::AfterWrite() const {
  if (options_.write_delay_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.write_delay_ms));
  }
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
  FIGURANT_ASSIGN_OR_RETURN(
      Statement q, db_->Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  FIGURANT_ASSIGN_OR_RETURN(bool row, q.Step());
  schema_version_ = row ? static_cast<int>(q.Int(0)) : 0;
  const auto& all = Migrations();
  if (!all.empty() && schema_version_ > all.back().version) {
    return FailedPrecondition("registry " + db_->path() + " has schema version " +
                              std::to_string(schema_version_) + ", newer than this figurant (" +
                              std::to_string(all.back().version) + "); upgrade figurant");
  }
  for (const Migration& m : all) {
    if (m.version <= schema_version_) continue;
    Status applied = InTransaction([&]() -> Status {
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
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO performers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, p.id).Bind(2, p.name).BindOptional(3, p.email).Bind(4, p.language);
    s.BindBlob(5, p.public_key).Bind(6, static_cast<int64_t>(p.synthetic));
    s.BindOptional(7, p.deceased_on ? std::optional(p.deceased_on->ToString()) : std::nullopt);
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
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT " + std::string(kPerformerColumns) +
                                                      " FROM performers WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, "performer", id));
  return ReadPerformer(s);
}

Result<std::vector<Performer>> Registry::ListPerformers() {
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT " + std::string(kPerformerColumns) +
                                                      " FROM performers ORDER BY created_at, id"));
  std::vector<Performer> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadPerformer(s));
  }
  return out;
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
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO estates VALUES (?, ?, ?, ?, ?)"));
    Status r = s.Bind(1, e.id)
                   .Bind(2, e.performer_id)
                   .Bind(3, e.name)
                   .BindBlob(4, e.public_key)
                   .Bind(5, e.created_at)
                   .Run();
    AfterWrite();
    return InsertError(r, "estate for performer " + e.performer_id);
  });
}

Result<std::optional<Estate>> Registry::GetEstateOf(const std::string& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("SELECT id, performer_id, name, public_key, created_at FROM "
                                "estates WHERE performer_id = ?"));
  s.Bind(1, performer_id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Estate>();
  Estate e{s.Text(0), s.Text(1), s.Text(2), s.Blob(3), s.Int(4)};
  return std::optional<Estate>(std::move(e));
}

// ---- studios and productions -------------------------------------------------------------------

Status Registry::InsertStudio(const Studio& st) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("INSERT INTO studios VALUES (?, ?, ?)"));
    Status r = s.Bind(1, st.id).Bind(2, st.name).Bind(3, st.created_at).Run();
    AfterWrite();
    return InsertError(r, "studio '" + st.name + "'");
  });
}

Result<Studio> Registry::GetStudio(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare("SELECT id, name, created_at FROM studios WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, "studio", id));
  return Studio{s.Text(0), s.Text(1), s.Int(2)};
}

Result<std::vector<Studio>> Registry::ListStudios() {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT id, name, created_at FROM studios ORDER BY created_at, id"));
  std::vector<Studio> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Int(2)});
  }
  return out;
}

Status Registry::InsertProduction(const Production& p) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO productions VALUES (?, ?, ?, ?, ?, ?, ?)"));
    Status r = s.Bind(1, p.id)
                   .Bind(2, p.studio_id)
                   .Bind(3, p.title)
                   .Bind(4, ToJsonList(p.media))
                   .Bind(5, ToJsonList(p.territories))
                   .Bind(6, ToJsonList(p.content))
                   .Bind(7, p.created_at)
                   .Run();
    AfterWrite();
    return InsertError(r, "production '" + p.title + "'");
  });
}

Result<Production> Registry::GetProduction(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT " + std::string(kProductionColumns) +
                                                      " FROM productions WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, "production", id));
  return ReadProduction(s);
}

Result<std::vector<Production>> Registry::ListProductions() {
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT " + std::string(kProductionColumns) +
                                                      " FROM productions ORDER BY created_at, id"));
  std::vector<Production> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadProduction(s));
  }
  return out;
}

// ---- doubles -----------------------------------------------------------------------------------

namespace {

constexpr std::string_view kDoubleColumns =
    "id, performer_id, name, status, created_at, source_kind, source_sha256, blob_id, height_m, "
    "footprint_radius_m, bounds_json, units, units_guessed, lods_json, rigged, "
    "has_wardrobe_regions, look_tags";

Double ReadDouble(const Statement& s) {
  Double d;
  d.id = s.Text(0);
  d.performer_id = s.Text(1);
  d.name = s.Text(2);
  d.status = s.Text(3);
  d.created_at = s.Int(4);
  d.source_kind = s.Text(5);
  d.source_sha256 = s.OptionalText(6);
  d.blob_id = s.OptionalText(7);
  d.height_m = s.Double(8);
  d.footprint_radius_m = s.Double(9);
  d.bounds_json = s.Text(10);
  d.units = s.Text(11);
  d.units_guessed = s.Int(12) != 0;
  d.lods_json = s.Text(13);
  d.rigged = s.Int(14) != 0;
  d.has_wardrobe_regions = s.Int(15) != 0;
  d.look_tags = FromJsonList(s.Text(16));
  return d;
}

}  // namespace

Status Registry::InsertDouble(const Double& d) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO doubles (" + std::string(kDoubleColumns) +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, d.id).Bind(2, d.performer_id).Bind(3, d.name).Bind(4, d.status);
    s.Bind(5, d.created_at).Bind(6, d.source_kind).BindOptional(7, d.source_sha256);
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
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT " + std::string(kDoubleColumns) +
                                                      " FROM doubles WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, "double", id));
  return ReadDouble(s);
}

Result<std::vector<Double>> Registry::ListDoubles(const std::optional<std::string>& performer_id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare("SELECT " + std::string(kDoubleColumns) +
                                         " FROM doubles WHERE (?1 IS NULL OR performer_id = ?1) "
                                         "ORDER BY created_at, id"));
  s.BindOptional(1, performer_id);
  std::vector<Double> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadDouble(s));
  }
  return out;
}

Status Registry::MarkDoublesErased(const std::string& performer_id) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("UPDATE doubles SET status = 'erased', source_sha256 = NULL, blob_id = NULL, "
                     "height_m = 0, footprint_radius_m = 0, bounds_json = '', lods_json = '', "
                     "look_tags = '[]' WHERE performer_id = ?"));
    FIGURANT_RETURN_IF_ERROR(s.Bind(1, performer_id).Run());
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
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(Statement s,
                              db_->Prepare("INSERT INTO licences (" + std::string(kLicenceColumns) +
                                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    s.Bind(1, l.id).Bind(2, l.performer_id).Bind(3, l.studio_id).Bind(4, l.terms_json);
    s.Bind(5, l.language).Bind(6, l.disclosure).Bind(7, l.state).Bind(8, l.valid_from.ToString());
    s.BindOptional(9, l.valid_until ? std::optional(l.valid_until->ToString()) : std::nullopt);
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
    s.BindOptional(14, l.revoked_from ? std::optional(l.revoked_from->ToString()) : std::nullopt);
    Status r = s.Run();
    AfterWrite();
    return InsertError(r, "licence " + l.id);
  });
}

Result<Licence> Registry::GetLicence(const std::string& id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT " + std::string(kLicenceColumns) +
                                                      " FROM licences WHERE id = ?"));
  s.Bind(1, id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  FIGURANT_RETURN_IF_ERROR(NotFoundUnless(row, "licence", id));
  return ReadLicence(s);
}

Result<std::vector<Licence>> Registry::ListLicences(const std::optional<std::string>& performer_id,
                                                    const std::optional<std::string>& studio_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare("SELECT " + std::string(kLicenceColumns) +
                                " FROM licences WHERE (?1 IS NULL OR performer_id = ?1) AND "
                                "(?2 IS NULL OR studio_id = ?2) ORDER BY created_at, id"));
  s.BindOptional(1, performer_id).BindOptional(2, studio_id);
  std::vector<Licence> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadLicence(s));
  }
  return out;
}

Status Registry::MarkLicenceSigned(const std::string& id, UnixSeconds at) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("UPDATE licences SET state = 'active', signed_at = ? WHERE id "
                                  "= ? AND state = 'draft'"));
    FIGURANT_RETURN_IF_ERROR(s.Bind(1, at).Bind(2, id).Run());
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
                              db_->Prepare("UPDATE licences SET state = 'revoked', revoked_at = ?, "
                                           "revoked_from = ? WHERE id = ? AND state = 'active'"));
    FIGURANT_RETURN_IF_ERROR(s.Bind(1, at).Bind(2, effective.ToString()).Bind(3, id).Run());
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
        db_->Prepare("UPDATE licences SET state = 'erased' WHERE performer_id = ? AND state <> "
                     "'erased'"));
    FIGURANT_RETURN_IF_ERROR(s.Bind(1, performer_id).Run());
    AfterWrite();
    return Status::Ok();
  });
}

Status Registry::InsertConsent(const Consent& c) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO consents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    Status r = s.Bind(1, c.licence_id)
                   .Bind(2, c.disclosure_text)
                   .Bind(3, c.disclosure_sha256)
                   .Bind(4, c.terms_sha256)
                   .Bind(5, c.language)
                   .Bind(6, c.signed_at)
                   .Bind(7, c.signer)
                   .Bind(8, c.signer_id)
                   .BindBlob(9, c.public_key)
                   .BindBlob(10, c.signature)
                   .Bind(11, c.representation)
                   .Run();
    AfterWrite();
    return InsertError(r, "consent for licence " + c.licence_id);
  });
}

Result<std::optional<Consent>> Registry::GetConsent(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT licence_id, disclosure_text, disclosure_sha256, terms_sha256, "
                   "language, signed_at, signer, signer_id, public_key, signature, "
                   "representation FROM consents WHERE licence_id = ?"));
  s.Bind(1, licence_id);
  FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Consent>();
  Consent c{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5),
            s.Text(6), s.Text(7), s.Blob(8), s.Blob(9), s.Text(10)};
  return std::optional<Consent>(std::move(c));
}

Status Registry::AppendLicenceEvent(const LicenceEvent& e) {
  return InTransaction([&]() -> Status {
    FIGURANT_ASSIGN_OR_RETURN(
        Statement s, db_->Prepare("INSERT INTO licence_events (licence_id, kind, at, detail_json) "
                                  "VALUES (?, ?, ?, ?)"));
    Status r = s.Bind(1, e.licence_id)
                   .Bind(2, e.kind)
                   .Bind(3, e.at)
                   .Bind(4, e.detail_json.empty() ? std::string("{}") : e.detail_json)
                   .Run();
    AfterWrite();
    return InsertError(r, "event for licence " + e.licence_id);
  });
}

Result<std::vector<LicenceEvent>> Registry::ListLicenceEvents(const std::string& licence_id) {
  FIGURANT_ASSIGN_OR_RETURN(Statement s,
                            db_->Prepare("SELECT seq, licence_id, kind, at, detail_json FROM "
                                         "licence_events WHERE licence_id = ? ORDER BY seq"));
  s.Bind(1, licence_id);
  std::vector<LicenceEvent> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Int(3), s.Text(4)});
  }
  return out;
}

}  // namespace figurant::registry
