// Identifiers for registry entities: a short type prefix and 16 random hex digits, e.g.
// "per_3f9a0c1d2e4b5a69". The prefix tells a reader (and the CLI) what kind of thing an id names.
#pragma once

#include <string>
#include <string_view>

namespace figurant {

namespace id_prefix {
inline constexpr std::string_view kPerformer = "per";
inline constexpr std::string_view kStudio = "stu";
inline constexpr std::string_view kProduction = "prd";
inline constexpr std::string_view kDouble = "dbl";
inline constexpr std::string_view kLicence = "lic";
inline constexpr std::string_view kEstate = "est";
inline constexpr std::string_view kRender = "rnd";
}  // namespace id_prefix

// A fresh random id "<prefix>_<16 hex>". Thread-safe. Requires InitCrypto().
std::string NewId(std::string_view prefix);

// True when `id` has the form "<prefix>_<16 lowercase hex>".
bool HasIdForm(std::string_view id, std::string_view prefix);

}  // namespace figurant
