// One table per vocabulary, read both ways: a value's name for the text formats (terms JSON,
// ledger payloads, CLI output) and the value a name stands for when parsing them. Writing the
// pairs once means the printer and the parser cannot disagree.
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>

namespace figurant::consent::internal {

template <typename Key, typename Value>
struct Entry {
  Key key;
  Value value;
};

// The value stored for `key`, or `fallback` when the table has no such key.
template <typename Key, typename Value, size_t N>
constexpr Value Lookup(const Entry<Key, Value> (&table)[N], const std::type_identity_t<Key>& key,
                       const std::type_identity_t<Value>& fallback) {
  for (const Entry<Key, Value>& e : table) {
    if (e.key == key) return e.value;
  }
  return fallback;
}

// The key stored with `value`, or nullopt: the reverse of Lookup for one-to-one tables.
template <typename Key, typename Value, size_t N>
constexpr std::optional<Key> KeyOf(const Entry<Key, Value> (&table)[N],
                                   const std::type_identity_t<Value>& value) {
  for (const Entry<Key, Value>& e : table) {
    if (e.value == value) return e.key;
  }
  return std::nullopt;
}

}  // namespace figurant::consent::internal
