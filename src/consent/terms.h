// Licence terms: what a performer grants one studio, parsed from the terms JSON documented in
// docs/licence.md. Parsing is strict and reports every bad field at once, so a studio or a
// performer's agent can fix a terms file in one pass. Parsing is safe for untrusted input.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/file.h"
#include "core/status.h"

namespace figurant::consent {

// How a double may appear. `kPrincipal` exists only so that a terms file asking for it gets a
// precise refusal: a background licence never grants principal (speaking, identifiable) use.
enum class Use { kBackground, kFeaturedBackground, kPrincipal };

// Changes a render may make to a double's appearance.
enum class Alteration { kWardrobeTint, kBodyScale, kFace };

std::string_view UseName(Use use);  // "background"
std::optional<Use> ParseUse(std::string_view s);
std::string_view AlterationName(Alteration a);  // "wardrobe_tint"
std::optional<Alteration> ParseAlteration(std::string_view s);

// Vocabularies shared by licences and productions.
const std::vector<std::string_view>& KnownMedia();              // theatrical, streaming, ...
const std::vector<std::string_view>& KnownContentCategories();  // violence, nudity, ...
bool IsCountryCode(std::string_view code);                      // ISO 3166-1 alpha-2
inline constexpr std::string_view kWorldwide = "worldwide";

// Validates a production's media, territories and content lists against the same vocabularies;
// InvalidArgument naming the field and the offending value.
Status ValidateMedia(const std::vector<std::string>& media, std::string_view field);
Status ValidateTerritories(const std::vector<std::string>& territories, std::string_view field);
Status ValidateContent(const std::vector<std::string>& content, std::string_view field);

// Limits of a terms file (docs/licence.md): its size, and any one amount. [Units: currency]
inline constexpr FileLimit kTermsFile{"terms file", 1u << 20};  // 1 MiB
inline constexpr double kMaxAmount = 1e9;

struct Compensation {
  std::string currency = "EUR";   // ISO 4217 code
  double scan_fee = 0;            // paid once per licence [Units: currency] [Limits: 0..kMaxAmount]
  double per_production_fee = 0;  // per production the double appears in [0..kMaxAmount]
  double per_screen_second = 0;   // per second a double is on screen [0..kMaxAmount]
  double minimum_per_production = 0;  // floor per production appeared in [0..kMaxAmount]
};

struct Terms {
  std::string studio;                    // studio id; empty until bound by a draft
  bool all_productions = false;          // "productions": "any" — a blanket grant
  std::vector<std::string> productions;  // production ids when not blanket; non-empty
  std::vector<Use> uses;                 // non-empty; never kPrincipal
  std::vector<std::string> media;        // non-empty, from KnownMedia()
  std::vector<std::string> territories;  // ["worldwide"] or ISO 3166-1 alpha-2 codes
  Date valid_from;
  std::optional<Date> valid_until;            // nullopt: perpetual (flagged everywhere)
  double max_screen_height_fraction = 0;      // tallest on-screen height allowed, as a fraction of
                                              // frame height [Limits: (0, 1]]
  std::vector<Alteration> alterations;        // default {kWardrobeTint}
  std::vector<std::string> excluded_content;  // from KnownContentCategories()
  Compensation compensation;
  bool revocable = true;
  int revocation_notice_days = 0;  // [Units: days] [Limits: 0..3650]

  bool blanket() const { return all_productions; }
  bool perpetual() const { return !valid_until.has_value(); }
  // Wider than one production: blanket, or more than one named production (AB 2602 flag when
  // signed without representation).
  bool wider_than_engagement() const { return all_productions || productions.size() > 1; }
};

// Parses and validates a terms document. `source` names it in messages (a file path). On failure
// the InvalidArgument message lists every bad field, one per line, as "source: field 'x': why".
// When `studio_id` is non-empty the terms are bound to it; a "studio" field naming another studio
// is an error.
Result<Terms> ParseTerms(const nlohmann::json& doc, std::string_view source,
                         std::string_view studio_id = {});
// The text of a terms document, parsed by the strict reader (core/json_input.h: a number a double
// cannot hold, nesting past its limit or a key given twice is refused naming the field), then
// ParseTerms.
Result<Terms> ParseTermsText(std::string_view text, std::string_view source,
                             std::string_view studio_id = {});

// The canonical JSON form (all fields, fixed key order via nlohmann's sorted object). Its dump()
// is what a signature covers, so two Terms are the same grant iff their canonical dumps match.
nlohmann::json TermsToJson(const Terms& terms);
std::string CanonicalTermsText(const Terms& terms);

}  // namespace figurant::consent
