// Reading the rows of a bound SELECT with a strict row reader (row_reader.h): every row, or the
// one row if any. Shared by the registry's tables (registry.cpp, users.cpp). Private to the
// registry module.
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"
#include "registry/internal/sqlite.h"

namespace figurant::registry::internal {

// Runs `select` (already bound) and reads every row with `read`; the first bad row fails it all.
template <typename Row>
Result<std::vector<Row>> ReadAll(Statement& select, Result<Row> (*read)(const Statement&)) {
  std::vector<Row> out;
  while (true) {
    FIGURANT_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    FIGURANT_ASSIGN_OR_RETURN(Row value, read(select));
    out.push_back(std::move(value));
  }
}

// The row `select` (already bound) finds, if any, read strictly.
template <typename Row>
Result<std::optional<Row>> ReadOptional(Statement& select, Result<Row> (*read)(const Statement&)) {
  FIGURANT_ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return std::optional<Row>();
  FIGURANT_ASSIGN_OR_RETURN(Row value, read(select));
  return std::optional<Row>(std::move(value));
}

}  // namespace figurant::registry::internal
