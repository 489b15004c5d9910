// A minimal RAII layer over the SQLite C API: a connection and prepared statements that report
// failures as Status values. Private to the registry module.
//
// Failures are classified by SQLite's extended result codes (the connection runs with
// sqlite3_extended_result_codes on), never by the text of SQLite's message: see StatusCodeFor.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace figurant::registry::internal {

class Statement;

// The Status code for an SQLite (extended) result code:
//   SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY          -> kAlreadyExists (a row with that key exists)
//   SQLITE_CONSTRAINT_FOREIGNKEY                   -> kNotFound (it refers to a missing row)
//   SQLITE_CONSTRAINT_CHECK, _NOTNULL, _DATATYPE   -> kInvalidArgument (a value breaks a rule)
//   SQLITE_CONSTRAINT_TRIGGER and other constraint -> kFailedPrecondition (e.g. an immutable row)
//   SQLITE_TOOBIG                                  -> kInvalidArgument
//   SQLITE_CORRUPT, SQLITE_NOTADB                  -> kDataLoss
//   SQLITE_BUSY, _LOCKED, _IOERR, _FULL, _CANTOPEN -> kUnavailable
//   anything else                                  -> kInternal
StatusCode StatusCodeFor(int sqlite_extended_code);

class Database {
 public:
  // Opens (creating when `create`) the database file with foreign keys on and WAL journalling
  // (Unavailable when WAL cannot be used). A statement waits up to `busy_timeout_ms` for another
  // connection's lock, then fails with Unavailable saying the registry is busy.
  // [Units: ms]
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool create,
                                                int busy_timeout_ms);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements with no results.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }
  // The connection's last error as a Status (code from StatusCodeFor), prefixed with `what`.
  Status Error(std::string_view what) const;

 private:
  Database(sqlite3* db, std::string path, int busy_timeout_ms)
      : db_(db), path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms) {}
  sqlite3* db_;
  std::string path_;
  int busy_timeout_ms_;
};

class Statement {
 public:
  Statement(sqlite3_stmt* stmt, Database* db) : stmt_(stmt), db_(db) {}
  Statement(Statement&& o) noexcept
      : stmt_(o.stmt_), db_(o.db_), bind_status_(std::move(o.bind_status_)) {
    o.stmt_ = nullptr;
  }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, like SQLite. Chainable. A bind SQLite refuses (index out of range, value
  // too big) is not lost: the first such failure is kept and returned by Step() and Run(), which
  // then do not execute the statement.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindBlob(int index, const std::vector<uint8_t>& blob);
  Statement& BindNull(int index);
  Statement& BindOptional(int index, const std::optional<std::string>& text);

  // Steps once: true when a row is available, false when done; the first failed bind, if any.
  Result<bool> Step();
  // Steps to completion, expecting no rows.
  Status Run();

  std::string Text(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::vector<uint8_t> Blob(int column) const;
  bool IsNull(int column) const;
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL: the stored type. Only
  // meaningful before the column's value is read (reading converts it: sqlite3_column_type).
  int Type(int column) const;
  int ColumnCount() const;
  // The column's name as the SELECT names it.
  std::string_view ColumnName(int column) const;
  const Database& database() const { return *db_; }

 private:
  Statement& Checked(int rc, int index);

  sqlite3_stmt* stmt_;
  Database* db_;
  Status bind_status_;
};

}  // namespace figurant::registry::internal
