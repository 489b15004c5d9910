// One table per vocabulary, read both ways: a value's name for the text formats (terms JSON,
// ledger payloads, registry columns, CLI output) and the value a name stands for when parsing
// them. Writing the pairs once means the printer and the parser cannot disagree. Used by consent
// (terms and disclosure vocabularies) and registry (the text each enum column stores).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace figurant {

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

// The keys of a table of names, as "draft|active|revoked": a closed set, for error messages.
template <typename Key, size_t N>
std::string Alternatives(const Entry<Key, std::string_view> (&table)[N]) {
  std::string out;
  for (const Entry<Key, std::string_view>& e : table) {
    if (!out.empty()) out += '|';
    out += e.value;
  }
  return out;
}

}  // namespace figurant
