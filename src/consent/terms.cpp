#include "consent/terms.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "consent/internal/iso_tables.h"
#include "core/json_input.h"
#include "core/names.h"

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
  auto v = JsonNumber(*it, 0, kMaxAmount);
  if (!v.ok()) {
    errors.Add(path, "must be a finite amount >= 0, at most " +
                         std::to_string(static_cast<int64_t>(kMaxAmount)) + ", got " +
                         JsonExcerpt(*it));
    return std::nullopt;
  }
  return *v;
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

// Every key of `object` not in `known` is an error ("unknown field", with a "did you mean" hint);
// `prefix` names the enclosing object in the field path ("compensation.").
void ReportUnknownFields(const json& object, const std::set<std::string_view>& known,
                         const std::string& prefix, Errors& errors) {
  for (const auto& [key, _] : object.items()) {
    if (!known.contains(key)) errors.Add(prefix + key, "unknown field" + Suggest(key, known));
  }
}

bool IsCurrencyCode(std::string_view code) {
  return internal::FindByCode(internal::Currencies(), code) != nullptr;
}

// ---- vocabularies: why a list is not acceptable, or nullopt when it is --------------------------

using Problem = std::optional<std::string>;

Problem VocabularyProblem(const std::vector<std::string>& values,
                          const std::vector<std::string_view>& known) {
  for (const std::string& v : values) {
    if (std::find(known.begin(), known.end(), v) == known.end()) {
      return "'" + v + "' is not one of: " + Join(known);
    }
  }
  return std::nullopt;
}

Problem MediaProblem(const std::vector<std::string>& media) {
  if (media.empty()) return "must not be empty";
  return VocabularyProblem(media, KnownMedia());
}

Problem ContentProblem(const std::vector<std::string>& content) {
  return VocabularyProblem(content, KnownContentCategories());
}

Problem TerritoriesProblem(const std::vector<std::string>& territories) {
  if (territories.empty()) return "must not be empty";
  const bool worldwide =
      std::find(territories.begin(), territories.end(), kWorldwide) != territories.end();
  if (worldwide && territories.size() > 1) return "'worldwide' cannot be combined with countries";
  if (worldwide) return std::nullopt;
  for (const std::string& t : territories) {
    if (!IsCountryCode(t)) {
      return "'" + t +
             "' is not 'worldwide' or an ISO 3166-1 alpha-2 country code (e.g. FR, US, GB)";
    }
  }
  return std::nullopt;
}

Status FieldStatus(std::string_view field, const Problem& problem) {
  if (!problem) return Status::Ok();
  return InvalidArgument("field '" + std::string(field) + "': " + *problem);
}

// ---- one stage per field of the terms document, in the order errors are reported --------------

enum class Emptiness { kMustHaveEntries, kMayBeEmpty };

// A list of strings that must also pass `problem`; empty (with the error recorded) otherwise.
std::vector<std::string> CheckedList(const json& doc, std::string_view field, Emptiness emptiness,
                                     Problem (*problem)(const std::vector<std::string>&),
                                     Errors& errors) {
  auto list = StringList(doc, field, errors, emptiness == Emptiness::kMayBeEmpty);
  if (!list) return {};
  if (Problem why = problem(*list)) {
    errors.Add(field, *why);
    return {};
  }
  return *list;
}

// The studio the terms are bound to: `studio_id` when given, and then a "studio" field must name
// the same one.
std::string StudioField(const json& doc, std::string_view studio_id, Errors& errors) {
  const auto it = doc.find("studio");
  if (it == doc.end()) return std::string(studio_id);
  if (!it->is_string()) {
    errors.Add("studio", "expected a studio id string");
  } else if (!studio_id.empty() && it->get<std::string>() != studio_id) {
    errors.Add("studio", "names '" + it->get<std::string>() + "' but the licence is for studio '" +
                             std::string(studio_id) + "'");
  } else {
    return it->get<std::string>();
  }
  return std::string(studio_id);
}

struct ProductionGrant {
  bool all = false;              // "productions": "any"
  std::vector<std::string> ids;  // the named productions otherwise
};

ProductionGrant ProductionsField(const json& doc, Errors& errors) {
  ProductionGrant grant;
  const auto it = doc.find("productions");
  if (it == doc.end()) {
    errors.Add("productions", "missing (expected a list of production ids, or \"any\")");
  } else if (!it->is_string()) {
    if (auto list = StringList(doc, "productions", errors, false)) grant.ids = *list;
  } else if (it->get<std::string>() == "any") {
    grant.all = true;
  } else {
    errors.Add("productions", "expected a list of production ids or the word \"any\", got \"" +
                                  it->get<std::string>() + "\"");
  }
  return grant;
}

std::vector<Use> UsesField(const json& doc, Errors& errors) {
  std::vector<Use> uses;
  const auto list = StringList(doc, "uses", errors, false);
  if (!list) return uses;
  for (const std::string& s : *list) {
    const auto use = ParseUse(s);
    if (!use) {
      errors.Add("uses", "'" + s + "' is not one of: background, featured_background");
    } else if (*use == Use::kPrincipal) {
      errors.Add("uses",
                 "'principal' is never granted by a background licence (principal roles need "
                 "their own contract)");
    } else {
      uses.push_back(*use);
    }
  }
  return uses;
}

struct TermDates {
  Date from;
  std::optional<Date> until;  // nullopt: perpetual
};

TermDates TermField(const json& doc, Errors& errors) {
  TermDates term;
  const auto from = DateField(doc, "valid_from", errors);
  if (from) term.from = *from;
  const auto it = doc.find("valid_until");
  if (it == doc.end()) {
    errors.Add("valid_until", "missing (expected a date YYYY-MM-DD, or null for a perpetual term)");
    return term;
  }
  if (it->is_null()) return term;
  const auto until = DateField(doc, "valid_until", errors);
  if (!until) return term;
  if (from && *until < *from) {
    errors.Add("valid_until",
               "ends (" + until->ToString() + ") before valid_from (" + from->ToString() + ")");
  } else {
    term.until = *until;
  }
  return term;
}

double ScreenHeightField(const json& doc, Errors& errors) {
  const auto it = doc.find("max_screen_height_fraction");
  if (it == doc.end()) {
    errors.Add("max_screen_height_fraction",
               "missing (expected a number in (0, 1]: how tall the double may appear as a "
               "fraction of frame height)");
    return 0;
  }
  if (!it->is_number()) {
    errors.Add("max_screen_height_fraction", "expected a number in (0, 1]");
    return 0;
  }
  const double f = it->get<double>();
  if (!(f > 0 && f <= 1)) {
    errors.Add("max_screen_height_fraction", "must be in (0, 1], got " + JsonExcerpt(*it));
    return 0;
  }
  return f;
}

// Absent: wardrobe tint only.
std::vector<Alteration> AlterationsField(const json& doc, Errors& errors) {
  if (!doc.contains("alterations")) return {Alteration::kWardrobeTint};
  std::vector<Alteration> alterations;
  const auto list = StringList(doc, "alterations", errors, true);
  if (!list) return alterations;
  for (const std::string& s : *list) {
    if (auto a = ParseAlteration(s)) {
      alterations.push_back(*a);
    } else {
      errors.Add("alterations", "'" + s + "' is not one of: wardrobe_tint, body_scale, face");
    }
  }
  return alterations;
}

Compensation CompensationField(const json& doc, Errors& errors) {
  Compensation c;
  const auto it = doc.find("compensation");
  if (it == doc.end()) {
    errors.Add("compensation", "missing (expected an object with currency and amounts)");
    return c;
  }
  if (!it->is_object()) {
    errors.Add("compensation", "expected an object, got " + std::string(it->type_name()));
    return c;
  }
  ReportUnknownFields(*it, KnownCompensationFields(), "compensation.", errors);
  const auto cur = it->find("currency");
  if (cur == it->end() || !cur->is_string()) {
    errors.Add("compensation.currency", "missing (expected an ISO 4217 code such as \"EUR\")");
  } else if (const std::string code = cur->get<std::string>(); !IsCurrencyCode(code)) {
    errors.Add("compensation.currency", "'" + code + "' is not an ISO 4217 currency code");
  } else {
    c.currency = code;
  }
  if (auto v = Amount(*it, "scan_fee", errors)) c.scan_fee = *v;
  if (auto v = Amount(*it, "per_production_fee", errors)) c.per_production_fee = *v;
  if (auto v = Amount(*it, "per_screen_second", errors)) c.per_screen_second = *v;
  if (auto v = Amount(*it, "minimum_per_production", errors)) c.minimum_per_production = *v;
  return c;
}

struct Revocation {
  bool revocable = true;
  int notice_days = 0;
};

Revocation RevocationField(const json& doc, Errors& errors) {
  Revocation r;
  if (const auto it = doc.find("revocable"); it == doc.end() || !it->is_boolean()) {
    errors.Add("revocable", "missing or not true/false (may the performer withdraw consent?)");
  } else {
    r.revocable = it->get<bool>();
  }
  const auto it = doc.find("revocation_notice_days");
  if (it == doc.end()) {
    if (r.revocable) {
      errors.Add("revocation_notice_days",
                 "missing (days between a revocation and when it takes effect)");
    }
  } else if (auto days = JsonInteger(*it, 0, kMaxNoticeDays); !days.ok()) {
    errors.Add("revocation_notice_days", "expected a whole number of days in 0.." +
                                             std::to_string(kMaxNoticeDays) + ", got " +
                                             JsonExcerpt(*it));
  } else {
    r.notice_days = static_cast<int>(*days);
  }
  return r;
}

constexpr Entry<Use, std::string_view> kUseNames[] = {
    {Use::kBackground, "background"},
    {Use::kFeaturedBackground, "featured_background"},
    {Use::kPrincipal, "principal"},
};

constexpr Entry<Alteration, std::string_view> kAlterationNames[] = {
    {Alteration::kWardrobeTint, "wardrobe_tint"},
    {Alteration::kBodyScale, "body_scale"},
    {Alteration::kFace, "face"},
};

}  // namespace

std::string_view UseName(Use use) { return Lookup(kUseNames, use, "unknown"); }

std::optional<Use> ParseUse(std::string_view s) { return KeyOf(kUseNames, s); }

std::string_view AlterationName(Alteration a) { return Lookup(kAlterationNames, a, "unknown"); }

std::optional<Alteration> ParseAlteration(std::string_view s) { return KeyOf(kAlterationNames, s); }

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
  return internal::FindByCode(internal::Countries(), code) != nullptr;
}

Status ValidateMedia(const std::vector<std::string>& media, std::string_view field) {
  return FieldStatus(field, MediaProblem(media));
}

Status ValidateContent(const std::vector<std::string>& content, std::string_view field) {
  return FieldStatus(field, ContentProblem(content));
}

Status ValidateTerritories(const std::vector<std::string>& territories, std::string_view field) {
  return FieldStatus(field, TerritoriesProblem(territories));
}

Result<Terms> ParseTerms(const json& doc, std::string_view source, std::string_view studio_id) {
  if (!doc.is_object()) {
    return InvalidArgument(std::string(source) + ": expected a JSON object of licence terms, got " +
                           std::string(doc.type_name()));
  }
  Errors errors(source);
  ReportUnknownFields(doc, KnownFields(), "", errors);
  Terms t;
  t.studio = StudioField(doc, studio_id, errors);
  ProductionGrant productions = ProductionsField(doc, errors);
  t.all_productions = productions.all;
  t.productions = std::move(productions.ids);
  t.uses = UsesField(doc, errors);
  t.media = CheckedList(doc, "media", Emptiness::kMustHaveEntries, MediaProblem, errors);
  t.territories =
      CheckedList(doc, "territories", Emptiness::kMustHaveEntries, TerritoriesProblem, errors);
  const TermDates term = TermField(doc, errors);
  t.valid_from = term.from;
  t.valid_until = term.until;
  t.max_screen_height_fraction = ScreenHeightField(doc, errors);
  t.alterations = AlterationsField(doc, errors);
  t.excluded_content =
      CheckedList(doc, "excluded_content", Emptiness::kMayBeEmpty, ContentProblem, errors);
  t.compensation = CompensationField(doc, errors);
  const Revocation revocation = RevocationField(doc, errors);
  t.revocable = revocation.revocable;
  t.revocation_notice_days = revocation.notice_days;
  if (!errors.empty()) return errors.ToStatus();
  return t;
}

Result<Terms> ParseTermsText(std::string_view text, std::string_view source,
                             std::string_view studio_id) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, ParseJson(text, source));
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
