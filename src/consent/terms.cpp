#include "consent/terms.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "consent/internal/iso_tables.h"

namespace figurant::consent {
namespace {

using nlohmann::json;

constexpr int kMaxNoticeDays = 3650;

const std::set<std::string_view>& KnownFields() {
  static const std::set<std::string_view> kFields = {"studio",
                                                     "productions",
                                                     "uses",
                                                     "media",
                                                     "territories",
                                                     "valid_from",
                                                     "valid_until",
                                                     "max_screen_height_fraction",
                                                     "alterations",
                                                     "excluded_content",
                                                     "compensation",
                                                     "revocable",
                                                     "revocation_notice_days"};
  return kFields;
}

const std::set<std::string_view>& KnownCompensationFields() {
  static const std::set<std::string_view> kFields = {"currency", "scan_fee", "per_production_fee",
                                                     "per_screen_second", "minimum_per_production"};
  return kFields;
}

// Levenshtein distance, for "did you mean" hints on misspelt field names.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Suggest(std::string_view name, const std::set<std::string_view>& known) {
  std::string_view best;
  size_t best_d = 4;
  for (std::string_view k : known) {
    const size_t d = EditDistance(name, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best.empty() ? std::string() : " (did you mean '" + std::string(best) + "'?)";
}

std::string Join(const std::vector<std::string_view>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

// Collects every field error instead of stopping at the first.
class Errors {
 public:
  explicit Errors(std::string_view source) : source_(source) {}
  void Add(std::string_view field, const std::string& why) {
    lines_.push_back(std::string(source_) + ": field '" + std::string(field) + "': " + why);
  }
  bool empty() const { return lines_.empty(); }
  Status ToStatus() const {
    std::string m;
    for (size_t i = 0; i < lines_.size(); ++i) {
      if (i) m += '\n';
      m += lines_[i];
    }
    return InvalidArgument(m);
  }

 private:
  std::string_view source_;
  std::vector<std::string> lines_;
};

// Reads a non-empty array of strings; records an error and returns nullopt otherwise.
std::optional<std::vector<std::string>> StringList(const json& doc, std::string_view field,
                                                   Errors& errors, bool allow_empty) {
  const auto it = doc.find(std::string(field));
  if (it == doc.end()) {
    if (allow_empty) return std::vector<std::string>{};
    errors.Add(field, "missing (expected a list of strings)");
    return std::nullopt;
  }
  if (!it->is_array()) {
    errors.Add(field, "expected a list of strings, got " + std::string(it->type_name()));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const json& v : *it) {
    if (!v.is_string()) {
      errors.Add(field, "every entry must be a string, got " + std::string(v.type_name()));
      return std::nullopt;
    }
    const std::string s = v.get<std::string>();
    if (std::find(out.begin(), out.end(), s) != out.end()) {
      errors.Add(field, "'" + s + "' is listed twice");
      return std::nullopt;
    }
    out.push_back(s);
  }
  if (out.empty() && !allow_empty) {
    errors.Add(field, "must not be empty");
    return std::nullopt;
  }
  return out;
}

std::optional<double> Amount(const json& comp, std::string_view field, Errors& errors) {
  const std::string path = "compensation." + std::string(field);
  const auto it = comp.find(std::string(field));
  if (it == comp.end()) return 0.0;
  if (!it->is_number()) {
    errors.Add(path, "expected a number, got " + std::string(it->type_name()));
    return std::nullopt;
  }
  const double v = it->get<double>();
  if (!std::isfinite(v) || v < 0) {
    errors.Add(path, "must be a finite amount >= 0, got " + it->dump());
    return std::nullopt;
  }
  return v;
}

std::optional<Date> DateField(const json& doc, std::string_view field, Errors& errors) {
  const auto it = doc.find(std::string(field));
  if (it == doc.end()) {
    errors.Add(field, "missing (expected a date YYYY-MM-DD)");
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors.Add(field, "expected a date string YYYY-MM-DD, got " + std::string(it->type_name()));
    return std::nullopt;
  }
  auto d = Date::Parse(it->get<std::string>());
  if (!d.ok()) {
    errors.Add(field, d.status().message());
    return std::nullopt;
  }
  return *d;
}

void ParseCompensation(const json& doc, Terms& terms, Errors& errors) {
  const auto it = doc.find("compensation");
  if (it == doc.end()) {
    errors.Add("compensation", "missing (expected an object with currency and amounts)");
    return;
  }
  if (!it->is_object()) {
    errors.Add("compensation", "expected an object, got " + std::string(it->type_name()));
    return;
  }
  for (const auto& [key, _] : it->items()) {
    if (!KnownCompensationFields().contains(key)) {
      errors.Add("compensation." + key, "unknown field" + Suggest(key, KnownCompensationFields()));
    }
  }
  const auto cur = it->find("currency");
  if (cur == it->end() || !cur->is_string()) {
    errors.Add("compensation.currency", "missing (expected an ISO 4217 code such as \"EUR\")");
  } else {
    const std::string code = cur->get<std::string>();
    const auto& table = internal::Currencies();
    const bool known = std::any_of(table.begin(), table.end(),
                                   [&](const internal::IsoEntry& e) { return e.code == code; });
    if (!known) {
      errors.Add("compensation.currency", "'" + code + "' is not an ISO 4217 currency code");
    } else {
      terms.compensation.currency = code;
    }
  }
  Compensation& c = terms.compensation;
  if (auto v = Amount(*it, "scan_fee", errors)) c.scan_fee = *v;
  if (auto v = Amount(*it, "per_production_fee", errors)) c.per_production_fee = *v;
  if (auto v = Amount(*it, "per_screen_second", errors)) c.per_screen_second = *v;
  if (auto v = Amount(*it, "minimum_per_production", errors)) c.minimum_per_production = *v;
}

Status ValidateVocabulary(const std::vector<std::string>& values, std::string_view field,
                          const std::vector<std::string_view>& known) {
  for (const std::string& v : values) {
    if (std::find(known.begin(), known.end(), v) == known.end()) {
      return InvalidArgument("field '" + std::string(field) + "': '" + v +
                             "' is not one of: " + Join(known));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view UseName(Use use) {
  switch (use) {
    case Use::kBackground:
      return "background";
    case Use::kFeaturedBackground:
      return "featured_background";
    case Use::kPrincipal:
      return "principal";
  }
  return "unknown";
}

std::optional<Use> ParseUse(std::string_view s) {
  for (Use u : {Use::kBackground, Use::kFeaturedBackground, Use::kPrincipal}) {
    if (UseName(u) == s) return u;
  }
  return std::nullopt;
}

std::string_view AlterationName(Alteration a) {
  switch (a) {
    case Alteration::kWardrobeTint:
      return "wardrobe_tint";
    case Alteration::kBodyScale:
      return "body_scale";
    case Alteration::kFace:
      return "face";
  }
  return "unknown";
}

std::optional<Alteration> ParseAlteration(std::string_view s) {
  for (Alteration a : {Alteration::kWardrobeTint, Alteration::kBodyScale, Alteration::kFace}) {
    if (AlterationName(a) == s) return a;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& KnownMedia() {
  static const std::vector<std::string_view> kMedia = {
      "theatrical", "streaming", "broadcast", "home_video", "festival", "online", "in_flight"};
  return kMedia;
}

const std::vector<std::string_view>& KnownContentCategories() {
  static const std::vector<std::string_view> kContent = {"violence",  "nudity",    "sexual_content",
                                                         "political", "religious", "advertising",
                                                         "drugs",     "tobacco",   "horror"};
  return kContent;
}

bool IsCountryCode(std::string_view code) {
  const auto& table = internal::Countries();
  return std::binary_search(
      table.begin(), table.end(), internal::IsoEntry{code, {}, {}},
      [](const internal::IsoEntry& a, const internal::IsoEntry& b) { return a.code < b.code; });
}

Status ValidateMedia(const std::vector<std::string>& media, std::string_view field) {
  if (media.empty())
    return InvalidArgument("field '" + std::string(field) + "': must not be empty");
  return ValidateVocabulary(media, field, KnownMedia());
}

Status ValidateContent(const std::vector<std::string>& content, std::string_view field) {
  return ValidateVocabulary(content, field, KnownContentCategories());
}

Status ValidateTerritories(const std::vector<std::string>& territories, std::string_view field) {
  const std::string f(field);
  if (territories.empty()) return InvalidArgument("field '" + f + "': must not be empty");
  const bool worldwide =
      std::find(territories.begin(), territories.end(), kWorldwide) != territories.end();
  if (worldwide && territories.size() > 1) {
    return InvalidArgument("field '" + f + "': 'worldwide' cannot be combined with countries");
  }
  if (worldwide) return Status::Ok();
  for (const std::string& t : territories) {
    if (!IsCountryCode(t)) {
      std::string m = "field '" + f + "': '";
      m += t;
      m += "' is not 'worldwide' or an ISO 3166-1 alpha-2 country code (e.g. FR, US, GB)";
      return InvalidArgument(m);
    }
  }
  return Status::Ok();
}

Result<Terms> ParseTerms(const json& doc, std::string_view source, std::string_view studio_id) {
  Errors errors(source);
  if (!doc.is_object()) {
    return InvalidArgument(std::string(source) + ": expected a JSON object of licence terms, got " +
                           std::string(doc.type_name()));
  }
  Terms t;
  for (const auto& [key, _] : doc.items()) {
    if (!KnownFields().contains(key))
      errors.Add(key, "unknown field" + Suggest(key, KnownFields()));
  }

  // studio
  t.studio = std::string(studio_id);
  if (const auto it = doc.find("studio"); it != doc.end()) {
    if (!it->is_string()) {
      errors.Add("studio", "expected a studio id string");
    } else if (!studio_id.empty() && it->get<std::string>() != studio_id) {
      errors.Add("studio", "names '" + it->get<std::string>() +
                               "' but the licence is for studio '" + std::string(studio_id) + "'");
    } else {
      t.studio = it->get<std::string>();
    }
  }

  // productions
  if (const auto it = doc.find("productions"); it == doc.end()) {
    errors.Add("productions", "missing (expected a list of production ids, or \"any\")");
  } else if (it->is_string()) {
    if (it->get<std::string>() == "any") {
      t.all_productions = true;
    } else {
      errors.Add("productions", "expected a list of production ids or the word \"any\", got \"" +
                                    it->get<std::string>() + "\"");
    }
  } else if (auto list = StringList(doc, "productions", errors, false)) {
    t.productions = *list;
  }

  // uses
  if (auto list = StringList(doc, "uses", errors, false)) {
    for (const std::string& s : *list) {
      const auto use = ParseUse(s);
      if (!use) {
        errors.Add("uses", "'" + s + "' is not one of: background, featured_background");
      } else if (*use == Use::kPrincipal) {
        errors.Add("uses",
                   "'principal' is never granted by a background licence (principal roles need "
                   "their own contract)");
      } else {
        t.uses.push_back(*use);
      }
    }
  }

  // media, territories
  if (auto list = StringList(doc, "media", errors, false)) {
    if (Status s = ValidateMedia(*list, "media"); !s.ok()) {
      errors.Add("media", s.message().substr(s.message().find(": ") + 2));
    } else {
      t.media = *list;
    }
  }
  if (auto list = StringList(doc, "territories", errors, false)) {
    if (Status s = ValidateTerritories(*list, "territories"); !s.ok()) {
      errors.Add("territories", s.message().substr(s.message().find(": ") + 2));
    } else {
      t.territories = *list;
    }
  }

  // term
  const auto from = DateField(doc, "valid_from", errors);
  if (from) t.valid_from = *from;
  if (const auto it = doc.find("valid_until"); it == doc.end()) {
    errors.Add("valid_until", "missing (expected a date YYYY-MM-DD, or null for a perpetual term)");
  } else if (!it->is_null()) {
    if (auto until = DateField(doc, "valid_until", errors)) {
      if (from && *until < *from) {
        errors.Add("valid_until",
                   "ends (" + until->ToString() + ") before valid_from (" + from->ToString() + ")");
      } else {
        t.valid_until = *until;
      }
    }
  }

  // max_screen_height_fraction
  if (const auto it = doc.find("max_screen_height_fraction"); it == doc.end()) {
    errors.Add("max_screen_height_fraction",
               "missing (expected a number in (0, 1]: how tall the double may appear as a "
               "fraction of frame height)");
  } else if (!it->is_number()) {
    errors.Add("max_screen_height_fraction", "expected a number in (0, 1]");
  } else {
    const double f = it->get<double>();
    if (!(f > 0 && f <= 1)) {
      errors.Add("max_screen_height_fraction", "must be in (0, 1], got " + it->dump());
    } else {
      t.max_screen_height_fraction = f;
    }
  }

  // alterations (default: wardrobe tint only)
  if (doc.contains("alterations")) {
    if (auto list = StringList(doc, "alterations", errors, true)) {
      for (const std::string& s : *list) {
        if (auto a = ParseAlteration(s)) {
          t.alterations.push_back(*a);
        } else {
          errors.Add("alterations", "'" + s + "' is not one of: wardrobe_tint, body_scale, face");
        }
      }
    }
  } else {
    t.alterations = {Alteration::kWardrobeTint};
  }

  // excluded content
  if (auto list = StringList(doc, "excluded_content", errors, true)) {
    if (Status s = ValidateContent(*list, "excluded_content"); !s.ok()) {
      errors.Add("excluded_content", s.message().substr(s.message().find(": ") + 2));
    } else {
      t.excluded_content = *list;
    }
  }

  ParseCompensation(doc, t, errors);

  // revocation
  if (const auto it = doc.find("revocable"); it == doc.end() || !it->is_boolean()) {
    errors.Add("revocable", "missing or not true/false (may the performer withdraw consent?)");
  } else {
    t.revocable = it->get<bool>();
  }
  if (const auto it = doc.find("revocation_notice_days"); it == doc.end()) {
    if (t.revocable) {
      errors.Add("revocation_notice_days",
                 "missing (days between a revocation and when it takes effect)");
    }
  } else if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
             it->get<int64_t>() > kMaxNoticeDays) {
    errors.Add("revocation_notice_days", "expected a whole number of days in 0.." +
                                             std::to_string(kMaxNoticeDays) + ", got " +
                                             it->dump());
  } else {
    t.revocation_notice_days = static_cast<int>(it->get<int64_t>());
  }

  if (!errors.empty()) return errors.ToStatus();
  return t;
}

Result<Terms> ParseTermsText(std::string_view text, std::string_view source,
                             std::string_view studio_id) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-parse with exceptions to get the position of the syntax error.
    try {
      const json reparsed = json::parse(text);
      (void)reparsed;
    } catch (const json::parse_error& e) {
      return InvalidArgument(std::string(source) + ": not valid JSON: " + e.what());
    }
    return InvalidArgument(std::string(source) + ": not valid JSON");
  }
  return ParseTerms(doc, source, studio_id);
}

json TermsToJson(const Terms& t) {
  json j;
  j["studio"] = t.studio;
  j["productions"] = t.all_productions ? json("any") : json(t.productions);
  json uses = json::array();
  for (Use u : t.uses) uses.push_back(std::string(UseName(u)));
  j["uses"] = uses;
  j["media"] = t.media;
  j["territories"] = t.territories;
  j["valid_from"] = t.valid_from.ToString();
  j["valid_until"] = t.valid_until ? json(t.valid_until->ToString()) : json(nullptr);
  j["max_screen_height_fraction"] = t.max_screen_height_fraction;
  json alts = json::array();
  for (Alteration a : t.alterations) alts.push_back(std::string(AlterationName(a)));
  j["alterations"] = alts;
  j["excluded_content"] = t.excluded_content;
  j["compensation"] = {{"currency", t.compensation.currency},
                       {"scan_fee", t.compensation.scan_fee},
                       {"per_production_fee", t.compensation.per_production_fee},
                       {"per_screen_second", t.compensation.per_screen_second},
                       {"minimum_per_production", t.compensation.minimum_per_production}};
  j["revocable"] = t.revocable;
  j["revocation_notice_days"] = t.revocation_notice_days;
  return j;
}

std::string CanonicalTermsText(const Terms& terms) { return TermsToJson(terms).dump(); }

}  // namespace figurant::consent
