// Versioned schema migrations. Each migration moves the registry from version N-1 to N in one
// transaction and is never edited once released: a schema change is a new migration appended to
// the list. docs/registry.md describes the schema they produce.
#pragma once

#include <string_view>
#include <vector>

namespace figurant::registry {

struct Migration {
  int version;  // 1, 2, 3... contiguous
  std::string_view description;
  std::string_view sql;
};

const std::vector<Migration>& Migrations();

}  // namespace figurant::registry
