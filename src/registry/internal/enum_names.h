// The text each registry enum is stored as: one table per enum, the only place its SQL spelling is
// written. The public Name/Parse functions (registry.h) and the strict reader (row_reader.h) both
// read these tables; the CHECK constraints of migrations.cpp list the same sets, and
// docs/registry.md documents them.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "registry/registry.h"

namespace figurant::registry::internal {

template <typename E>
struct EnumName {
  E value;
  std::string_view name;
};

template <typename E, size_t N>
using EnumNames = std::array<EnumName<E>, N>;

inline constexpr EnumNames<LicenceState, 4> kLicenceStateNames = {{
    {LicenceState::kDraft, "draft"},
    {LicenceState::kActive, "active"},
    {LicenceState::kRevoked, "revoked"},
    {LicenceState::kErased, "erased"},
}};

inline constexpr EnumNames<DoubleStatus, 3> kDoubleStatusNames = {{
    {DoubleStatus::kPlaceholder, "placeholder"},
    {DoubleStatus::kReady, "ready"},
    {DoubleStatus::kErased, "erased"},
}};

inline constexpr EnumNames<SourceKind, 4> kSourceKindNames = {{
    {SourceKind::kPlaceholder, "placeholder"},
    {SourceKind::kScan, "scan"},
    {SourceKind::kMakeHuman, "makehuman"},
    {SourceKind::kSynthetic, "synthetic"},
}};

inline constexpr EnumNames<SignerKind, 2> kSignerKindNames = {{
    {SignerKind::kPerformer, "performer"},
    {SignerKind::kEstate, "estate"},
}};

inline constexpr EnumNames<Representation, 3> kRepresentationNames = {{
    {Representation::kUnion, "union"},
    {Representation::kCounsel, "counsel"},
    {Representation::kNone, "none"},
}};

inline constexpr EnumNames<LicenceEventKind, 4> kLicenceEventKindNames = {{
    {LicenceEventKind::kDrafted, "drafted"},
    {LicenceEventKind::kSigned, "signed"},
    {LicenceEventKind::kRevoked, "revoked"},
    {LicenceEventKind::kErased, "erased"},
}};

// The stored text of `value`; empty only for a value outside the enum (a programmer error, which
// the column's CHECK constraint then refuses).
template <typename E, size_t N>
constexpr std::string_view NameIn(const EnumNames<E, N>& names, E value) {
  for (const EnumName<E>& n : names) {
    if (n.value == value) return n.name;
  }
  return {};
}

template <typename E, size_t N>
constexpr std::optional<E> ParseIn(const EnumNames<E, N>& names, std::string_view text) {
  for (const EnumName<E>& n : names) {
    if (n.name == text) return n.value;
  }
  return std::nullopt;
}

// "draft|active|revoked|erased": the closed set, for error messages.
template <typename E, size_t N>
std::string Alternatives(const EnumNames<E, N>& names) {
  std::string out;
  for (const EnumName<E>& n : names) {
    if (!out.empty()) out += '|';
    out += n.name;
  }
  return out;
}

}  // namespace figurant::registry::internal
