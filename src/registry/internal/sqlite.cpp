#include "registry/internal/sqlite.h"

#include <limits>

namespace figurant::registry::internal {

namespace {

// OK when the connection journals with WAL, which several processes need to share the file
// (readers never block the writer). SQLite keeps the old mode, without an error, where WAL cannot
// be used (a file system without shared memory); the bank then refuses to run on it.
Status CheckWal(Database& db) {
  FIGURANT_ASSIGN_OR_RETURN(Statement q, db.Prepare("PRAGMA journal_mode"));
  FIGURANT_ASSIGN_OR_RETURN(const bool row, q.Step());
  const std::string mode = row ? q.Text(0) : "";
  if (mode == "wal") return Status::Ok();
  return Unavailable("registry " + db.path() + " cannot use write-ahead logging (journal mode '" +
                     mode + "'); keep the bank on a local file system");
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool create,
                                                 int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if (rc == SQLITE_CANTOPEN) return NotFound("cannot open registry " + path + ": " + msg);
    return Unavailable("cannot open registry " + path + ": " + msg);
  }
  // Another process's lock is waited for (docs/registry.md, "Several processes").
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  auto out = std::unique_ptr<Database>(new Database(db, path, busy_timeout_ms));
  // WAL: readers never block the writer; synchronous=FULL: a committed command survives power loss.
  FIGURANT_RETURN_IF_ERROR(
      out->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                "PRAGMA secure_delete=ON;"));
  FIGURANT_RETURN_IF_ERROR(CheckWal(*out));
  return out;
}

Database::~Database() { sqlite3_close(db_); }

namespace {

// The primary result code is the low byte of an extended one (sqlite.org/rescode.html).
constexpr int kPrimaryCodeMask = 0xff;

StatusCode ConstraintCodeFor(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return StatusCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return StatusCode::kNotFound;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      return StatusCode::kInvalidArgument;
    default:  // SQLITE_CONSTRAINT_TRIGGER (RAISE(ABORT, ...)), _ROWID, _COMMITHOOK, ...
      return StatusCode::kFailedPrecondition;
  }
}

}  // namespace

StatusCode StatusCodeFor(int extended_code) {
  switch (extended_code & kPrimaryCodeMask) {
    case SQLITE_CONSTRAINT:
      return ConstraintCodeFor(extended_code);
    case SQLITE_TOOBIG:
      return StatusCode::kInvalidArgument;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInternal;
  }
}

Status Database::Error(std::string_view what) const {
  const int code = sqlite3_extended_errcode(db_);
  if ((code & kPrimaryCodeMask) == SQLITE_BUSY) {
    return Unavailable("registry " + path_ + " is busy: another process held its lock for over " +
                       std::to_string(busy_timeout_ms_) + " ms (" + std::string(what) + ": " +
                       sqlite3_errmsg(db_) + "); nothing was written, try again");
  }
  return {StatusCodeFor(code),
          std::string(what) + ": " + sqlite3_errmsg(db_) + " (registry " + path_ + ")"};
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    return Error("sql");
  }
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return Error("prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(stmt, this);
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::Checked(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = {StatusCodeFor(rc), "bind parameter " + std::to_string(index) + " of '" +
                                           std::string(sqlite3_sql(stmt_)).substr(0, 60) + "': " +
                                           sqlite3_errstr(rc) + " (registry " + db_->path() + ")"};
  }
  return *this;
}

// SQLite takes lengths as int; a longer value is refused (SQLITE_TOOBIG), never truncated.
Statement& Statement::Bind(int i, std::string_view text) {
  if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Checked(SQLITE_TOOBIG, i);
  }
  return Checked(
      sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT), i);
}
Statement& Statement::Bind(int i, int64_t v) { return Checked(sqlite3_bind_int64(stmt_, i, v), i); }
Statement& Statement::BindDouble(int i, double v) {
  return Checked(sqlite3_bind_double(stmt_, i, v), i);
}
Statement& Statement::BindBlob(int i, const std::vector<uint8_t>& blob) {
  if (blob.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Checked(SQLITE_TOOBIG, i);
  }
  return Checked(
      sqlite3_bind_blob(stmt_, i, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT), i);
}
Statement& Statement::BindNull(int i) { return Checked(sqlite3_bind_null(stmt_, i), i); }
Statement& Statement::BindOptional(int i, const std::optional<std::string>& text) {
  return text ? Bind(i, *text) : BindNull(i);
}

Result<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error("step");
}

Status Statement::Run() {
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Statement::Text(int c) const {
  const auto* p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}
std::optional<std::string> Statement::OptionalText(int c) const {
  if (IsNull(c)) return std::nullopt;
  return Text(c);
}
int64_t Statement::Int(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::Double(int c) const { return sqlite3_column_double(stmt_, c); }
std::vector<uint8_t> Statement::Blob(int c) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, c));
  const int n = sqlite3_column_bytes(stmt_, c);
  return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>{};
}
bool Statement::IsNull(int c) const { return Type(c) == SQLITE_NULL; }
int Statement::Type(int c) const { return sqlite3_column_type(stmt_, c); }
int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }
std::string_view Statement::ColumnName(int c) const {
  const char* name = sqlite3_column_name(stmt_, c);
  return name != nullptr ? std::string_view(name) : std::string_view("?");
}

}  // namespace figurant::registry::internal
