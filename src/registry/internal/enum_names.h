// The text each registry enum is stored as: one table per enum (core/names.h), the only place its
// SQL spelling is written. The public Name/Parse functions (registry.h) and the strict reader
// (row_reader.h) both read these tables; the CHECK constraints of migrations.cpp list the same
// sets, and docs/registry.md documents them.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/names.h"
#include "registry/registry.h"

namespace figurant::registry::internal {

inline constexpr Entry<LicenceState, std::string_view> kLicenceStateNames[] = {
    {LicenceState::kDraft, "draft"},
    {LicenceState::kActive, "active"},
    {LicenceState::kRevoked, "revoked"},
    {LicenceState::kErased, "erased"},
};

inline constexpr Entry<DoubleStatus, std::string_view> kDoubleStatusNames[] = {
    {DoubleStatus::kPlaceholder, "placeholder"},
    {DoubleStatus::kReady, "ready"},
    {DoubleStatus::kErased, "erased"},
};

inline constexpr Entry<SourceKind, std::string_view> kSourceKindNames[] = {
    {SourceKind::kPlaceholder, "placeholder"},
    {SourceKind::kScan, "scan"},
    {SourceKind::kMakeHuman, "makehuman"},
    {SourceKind::kSynthetic, "synthetic"},
};

inline constexpr Entry<SignerKind, std::string_view> kSignerKindNames[] = {
    {SignerKind::kPerformer, "performer"},
    {SignerKind::kEstate, "estate"},
};

inline constexpr Entry<Representation, std::string_view> kRepresentationNames[] = {
    {Representation::kUnion, "union"},
    {Representation::kCounsel, "counsel"},
    {Representation::kNone, "none"},
};

inline constexpr Entry<LicenceEventKind, std::string_view> kLicenceEventKindNames[] = {
    {LicenceEventKind::kDrafted, "drafted"},
    {LicenceEventKind::kSigned, "signed"},
    {LicenceEventKind::kRevoked, "revoked"},
    {LicenceEventKind::kErased, "erased"},
};

inline constexpr Entry<KeyOrigin, std::string_view> kKeyOriginNames[] = {
    {KeyOrigin::kEnrolmentCode, "enrolment_code"},
    {KeyOrigin::kReplacement, "replacement"},
    {KeyOrigin::kCustodial, "custodial"},
};

inline constexpr Entry<RepresentativeKind, std::string_view> kRepresentativeKindNames[] = {
    {RepresentativeKind::kUnion, "union"},
    {RepresentativeKind::kCounsel, "counsel"},
};

}  // namespace figurant::registry::internal
