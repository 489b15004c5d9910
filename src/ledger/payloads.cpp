#include "ledger/payloads.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/names.h"

namespace figurant::ledger {

using nlohmann::json;

namespace {

constexpr double kMaxFps = 1000;
constexpr int64_t kMinConsentVersion = 1;
constexpr int64_t kMaxConsentVersion = 2;
constexpr size_t kSha256HexDigits = 64;

constexpr figurant::Entry<KeyOrigin, std::string_view> kKeyOriginNames[] = {
    {KeyOrigin::kEnrolmentCode, "enrolment_code"},
    {KeyOrigin::kReplacement, "replacement"},
    {KeyOrigin::kCustodial, "custodial"},
};
constexpr figurant::Entry<consent::Representation, std::string_view> kRepresentativeKindNames[] = {
    {consent::Representation::kUnion, "union"},
    {consent::Representation::kCounsel, "counsel"},
};

// "ledger entry 41 (usage)"
std::string EntryName(const Entry& e) {
  return "ledger entry " + std::to_string(e.seq) + " (" + std::string(EntryTypeName(e.type)) + ")";
}

// nlohmann's dump with invalid UTF-8 replaced rather than thrown: the same bytes as dump() for
// every string dump() accepts.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// A compact JSON object writer for the metering hot path (usage payloads; every other payload is
// written by nlohmann, whose dump() is the canonical form). Fields must be written in sorted key
// order by the caller; the output is then byte-identical to nlohmann::json::dump() of the same
// object (payloads_test checks it on random values).
class CanonicalWriter {
 public:
  void String(std::string_view key, std::string_view s) {
    Key(key);
    Quoted(s);
  }
  void Int(std::string_view key, int64_t v) {
    Key(key);
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void Double(std::string_view key, double v) {
    Key(key);
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    // nlohmann prints the shortest round-trip digits, in fixed notation for decimal exponents in
    // (-5, 15], and marks integral values with ".0"; other magnitudes go through nlohmann itself.
    const double a = std::fabs(v);
    if (a != 0 && (a < 1e-4 || a >= 1e15)) {
      out_ += json(v).dump();
      return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    out_.append(buf, r.ptr);
    if (std::find(buf, r.ptr, '.') == r.ptr) out_ += ".0";
  }
  void Bool(std::string_view key, bool b) {
    Key(key);
    out_ += b ? "true" : "false";
  }
  void Strings(std::string_view key, const std::vector<std::string>& list) {
    Key(key);
    out_ += '[';
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out_ += ',';
      Quoted(list[i]);
    }
    out_ += ']';
  }
  std::string Finish() {
    out_ += first_ ? "{}" : "}";
    return std::move(out_);
  }

 private:
  void Key(std::string_view k) {
    out_ += first_ ? '{' : ',';
    first_ = false;
    Quoted(k);
    out_ += ':';
  }
  void Quoted(std::string_view s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    });
    if (!plain) {
      // Escapes and UTF-8 exactly as nlohmann does.
      out_ += Dump(json(std::string(s)));
      return;
    }
    out_ += '"';
    out_ += s;
    out_ += '"';
  }

  std::string out_;
  bool first_ = true;
};

// Reads the fields of one entry's payload. The first problem is kept and later reads return
// placeholders, so a parser reads every field and then returns status(): a placeholder never
// leaves the parser.
class FieldReader {
 public:
  static Result<FieldReader> Of(const Entry& e, EntryType expected) {
    if (e.type != expected) {
      return InvalidArgument("ledger entry " + std::to_string(e.seq) + " is a " +
                             std::string(EntryTypeName(e.type)) + " entry, not " +
                             std::string(EntryTypeName(expected)));
    }
    FIGURANT_ASSIGN_OR_RETURN(json j, PayloadObject(e));
    return FieldReader(e, std::move(j));
  }

  bool Has(const char* key) const { return j_.contains(key); }
  std::string String(const char* key) {
    const json* v = Find(key, "a string", &json::is_string);
    return v != nullptr ? v->get<std::string>() : std::string();
  }
  bool Bool(const char* key) {
    const json* v = Find(key, "true or false", &json::is_boolean);
    return v != nullptr && v->get<bool>();
  }
  int64_t Int(const char* key, int64_t min, int64_t max) {
    const json* v = Find(key, "an integer", &json::is_number_integer);
    if (v == nullptr) return 0;
    // Unsigned values above int64's range would wrap: compare them as unsigned first.
    if ((v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(max)) ||
        v->get<int64_t>() < min || v->get<int64_t>() > max) {
      Fail(key, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
      return 0;
    }
    return v->get<int64_t>();
  }
  // A finite number in [min, max], or in (min, max] when `min_open`.
  double Number(const char* key, double min, double max, bool min_open, const char* expected) {
    const json* v = Find(key, expected, &json::is_number);
    if (v == nullptr) return 0;
    const auto d = v->get<double>();
    if (!std::isfinite(d) || d < min || (min_open && d == min) || d > max) {
      Fail(key, expected);
      return 0;
    }
    return d;
  }
  std::vector<std::string> Strings(const char* key) {
    const json* v = Find(key, "an array of strings", &json::is_array);
    std::vector<std::string> out;
    if (v == nullptr) return out;
    for (const json& s : *v) {
      if (!s.is_string()) {
        Fail(key, "an array of strings");
        return {};
      }
      out.push_back(s.get<std::string>());
    }
    return out;
  }
  json Object(const char* key) {
    const json* v = Find(key, "a JSON object", &json::is_object);
    return v != nullptr ? *v : json::object();
  }
  // Exactly N bytes as lowercase or uppercase hex (keys, signatures).
  template <size_t N>
  std::array<uint8_t, N> HexBytes(const char* key) {
    std::array<uint8_t, N> out{};
    const std::string text = String(key);
    if (!status_.ok()) return out;
    auto bytes = FromHex(text);
    if (!bytes.ok() || bytes->size() != N) {
      Fail(key, std::to_string(2 * N) + " hex digits");
      return out;
    }
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
  }
  // A string naming one value of `names`.
  template <typename E, size_t N>
  E Named(const char* key, const figurant::Entry<E, std::string_view> (&names)[N]) {
    const std::string text = String(key);
    if (!status_.ok()) return names[0].key;
    if (auto value = KeyOf(names, text)) return *value;
    std::string expected;
    for (const auto& e : names) expected += (expected.empty() ? "" : ", ") + std::string(e.value);
    Fail(key, "one of " + expected);
    return names[0].key;
  }
  // 64 lowercase hex digits (a SHA-256).
  std::string Sha256(const char* key) {
    std::string text = String(key);
    if (!status_.ok()) return text;
    const bool hex =
        text.size() == kSha256HexDigits && std::all_of(text.begin(), text.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
    if (!hex) Fail(key, "64 lowercase hex digits");
    return text;
  }
  consent::Language Language(const char* key) {
    const std::string text = String(key);
    if (!status_.ok()) return consent::Language::kEnglish;
    const auto language = consent::ParseLanguage(text);
    if (!language) Fail(key, "a language code (en, fr)");
    return language.value_or(consent::Language::kEnglish);
  }
  consent::Signer SignerField(const char* key) {
    const std::string text = String(key);
    if (!status_.ok()) return consent::Signer::kPerformer;
    const auto signer = consent::ParseSigner(text);
    if (!signer) Fail(key, "one of performer, estate");
    return signer.value_or(consent::Signer::kPerformer);
  }
  consent::Representation RepresentationField(const char* key) {
    const std::string text = String(key);
    if (!status_.ok()) return consent::Representation::kNone;
    const auto r = consent::ParseRepresentation(text);
    if (!r) Fail(key, "union, counsel or none");
    return r.value_or(consent::Representation::kNone);
  }
  FrameRate Rate(const char* key) {
    const std::string text = String(key);
    if (!status_.ok()) return {};
    auto rate = ParseFrameRate(text);
    if (!rate.ok() || rate->Text() != text) {
      Fail(key, "a standard frame rate as FRAMES/SECONDS (\"24/1\", \"24000/1001\")");
      return {};
    }
    return *rate;
  }
  Date DateField(const char* key) {
    const std::string text = String(key);
    if (!status_.ok()) return {};
    auto d = Date::Parse(text);
    if (!d.ok()) {
      Fail(key, "a date YYYY-MM-DD");
      return {};
    }
    return *d;
  }
  void Fail(const char* key, const std::string& expected) {
    if (status_.ok()) {
      status_ =
          DataLoss(EntryName(entry_) + ": field \"" + prefix_ + key + "\": expected " + expected);
    }
  }
  const Status& status() const { return status_; }
  // A reader of the JSON object under `key`, naming its fields "key.field"; Take its status back.
  FieldReader Member(const char* key) {
    FieldReader inner(entry_, Object(key), prefix_ + key + ".");
    inner.status_ = status_;
    return inner;
  }
  void Take(const FieldReader& inner) {
    if (status_.ok()) status_ = inner.status_;
  }
  // Bytes as base64url without padding (RFC 4648 section 5), at least one.
  Bytes Base64UrlBytes(const char* key) {
    const std::string text = String(key);
    if (!status_.ok()) return {};
    auto bytes = webauthn::FromBase64Url(text);
    if (!bytes.ok() || bytes->empty()) {
      Fail(key, "bytes as base64url without padding");
      return {};
    }
    return *std::move(bytes);
  }

 private:
  FieldReader(const Entry& e, json j, std::string prefix = {})
      : entry_(e), j_(std::move(j)), prefix_(std::move(prefix)) {}

  const json* Find(const char* key, const std::string& expected,
                   bool (json::*is)() const noexcept) {
    if (!status_.ok()) return nullptr;
    const auto it = j_.find(key);
    if (it == j_.end()) {
      status_ = DataLoss(EntryName(entry_) + ": field \"" + prefix_ + key + "\" is missing");
      return nullptr;
    }
    if (!((*it).*is)()) {
      Fail(key, expected);
      return nullptr;
    }
    return &*it;
  }

  const Entry& entry_;
  json j_;
  std::string prefix_;  // "passkey." while reading the members of a nested object
  Status status_;
};

FrameKey ReadFrameKey(FieldReader& f) {
  FrameKey key;
  key.production = f.String("production");
  key.shot = f.String("shot");
  key.frame = static_cast<int>(
      f.Int("frame", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  return key;
}

// The agents of a usage entry: their names, or for entries written before names were recorded,
// stand-ins for their number.
std::vector<std::string> ReadAgents(FieldReader& f, const std::string& double_id) {
  constexpr int64_t kMaxAgents = std::numeric_limits<int32_t>::max();
  const int64_t count = f.Int("agents", 0, kMaxAgents);
  if (!f.Has("agent_names")) {
    std::vector<std::string> stand_ins;
    for (int64_t i = 0; f.status().ok() && i < count; ++i) {
      stand_ins.push_back(double_id + "#" + std::to_string(i));
    }
    return stand_ins;
  }
  std::vector<std::string> names = f.Strings("agent_names");
  if (f.status().ok() && static_cast<int64_t>(names.size()) != count) {
    f.Fail("agents", "the number of agent_names (" + std::to_string(names.size()) + ")");
  }
  return names;
}

// One ReadFields per payload type: the fields of docs/ledger.md's table, in any order (the reader
// keeps the first problem).
void ReadFields(FieldReader& f, UsageEvent& u) {
  u.render_id = f.String("render");
  u.key = ReadFrameKey(f);
  u.fps = f.Number("fps", 0, kMaxFps, true, "a number in (0, 1000]");
  u.double_id = f.String("double");
  u.performer_id = f.String("performer");
  u.licence_id = f.String("licence");
  u.agent_names = ReadAgents(f, u.double_id);
  const double max = std::numeric_limits<double>::max();
  u.pixels = f.Number("pixels", 0, max, false, "a finite number >= 0");
  u.height_fraction = f.Number("height_fraction", 0, max, false, "a finite number >= 0");
  u.altered = f.Bool("altered");
  u.synthetic = f.Bool("synthetic");
}

void ReadFields(FieldReader& f, SupersedeEvent& s) {
  s.render_id = f.String("render");
  s.superseded = f.String("superseded");
  s.key = ReadFrameKey(f);
}

consent::PasskeyProof ReadPasskeyAssertion(FieldReader& f) {
  FieldReader a = f.Member("passkey_assertion");
  consent::PasskeyProof proof;
  proof.authenticator_data = a.Base64UrlBytes("authenticator_data");
  const Bytes client_data = a.Base64UrlBytes("client_data_json");
  proof.client_data_json.assign(client_data.begin(), client_data.end());
  proof.signature = a.Base64UrlBytes("signature");
  f.Take(a);
  return proof;
}

// The `passkey` of a key_enrolled entry: a credential the bank may store, whose SPKI is the one
// the entry's public_key fingerprints.
std::optional<webauthn::Passkey> ReadPasskey(
    FieldReader& f, const std::array<uint8_t, kEd25519PublicKeyBytes>& fingerprint) {
  if (!f.Has("passkey")) return std::nullopt;
  FieldReader p = f.Member("passkey");
  webauthn::Passkey k;
  k.credential.id = p.Base64UrlBytes("credential_id");
  k.credential.algorithm = static_cast<webauthn::Algorithm>(
      p.Int("algorithm", static_cast<int64_t>(webauthn::Algorithm::kEdDsa),
            static_cast<int64_t>(webauthn::Algorithm::kEs256)));
  k.credential.public_key_spki = p.Base64UrlBytes("public_key_spki");
  k.credential.sign_count =
      static_cast<uint32_t>(p.Int("sign_count", 0, std::numeric_limits<uint32_t>::max()));
  k.origin = p.String("origin");
  k.rp_id = p.String("rp_id");
  if (p.status().ok()) {
    if (webauthn::Fingerprint(k.credential.public_key_spki) != fingerprint) {
      p.Fail("public_key_spki", "the key whose SHA-256 is the entry's public_key");
    } else if (const Status c = webauthn::CheckCredential(k.credential); !c.ok()) {
      p.Fail(c.message().starts_with("id") ? "credential_id" : "public_key_spki",
             "a credential the bank may store (" + c.message() + ")");
    } else if (k.origin.empty() || k.rp_id.empty()) {
      p.Fail(k.origin.empty() ? "origin" : "rp_id", "a non-empty string");
    }
  }
  f.Take(p);
  return k;
}

void ReadFields(FieldReader& f, LicenceSignedEvent& l) {
  l.licence_id = f.String("licence");
  l.performer_id = f.String("performer");
  l.studio_id = f.String("studio");
  l.synthetic = f.Bool("synthetic");
  l.signed_at =
      f.Int("signed_at", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  l.terms = f.Object("terms");
  if (f.Has("signature") && f.Has("passkey_assertion")) {
    f.Fail("passkey_assertion", "no Ed25519 \"signature\" beside it");
  }
  if (f.Has("signature") || f.Has("passkey_assertion")) {
    SignedConsent c;
    c.signer = f.SignerField("signer");
    c.signer_id = f.String("signer_id");
    c.public_key = f.HexBytes<kEd25519PublicKeyBytes>("public_key");
    if (f.Has("passkey_assertion")) {
      c.passkey = ReadPasskeyAssertion(f);
    } else {
      c.signature = f.HexBytes<kEd25519SignatureBytes>("signature");
    }
    c.terms_sha256 = f.Sha256("terms_sha256");
    c.disclosure_sha256 = f.Sha256("disclosure_sha256");
    c.language = f.Language("language");
    c.representation = f.RepresentationField("representation");
    c.version = static_cast<int>(f.Int("version", kMinConsentVersion, kMaxConsentVersion));
    c.custodial = f.Bool("custodial");
    l.consent = std::move(c);
  }
}

void ReadFields(FieldReader& f, LicenceRevokedEvent& l) {
  l.licence_id = f.String("licence");
  l.performer_id = f.String("performer");
  l.effective = f.DateField("effective");
}

void ReadFields(FieldReader& f, PerformerErasedEvent& p) { p.performer_id = f.String("performer"); }

void ReadFields(FieldReader& f, StudioRegisteredEvent& s) {
  s.studio_id = f.String("studio");
  s.name = f.String("name");
  s.public_key = f.HexBytes<kEd25519PublicKeyBytes>("public_key");
}

void ReadFields(FieldReader& f, ProductionDeclaredEvent& p) {
  consent::ProductionDeclaration& d = p.production.declaration;
  d.production_id = f.String("production");
  d.studio_id = f.String("studio");
  d.title = f.String("title");
  d.media = f.Strings("media");
  d.territories = f.Strings("territories");
  d.content = f.Strings("content");
  d.frame_rate = f.Rate("fps");
  p.production.public_key = f.HexBytes<kEd25519PublicKeyBytes>("public_key");
  p.production.signature = f.HexBytes<kEd25519SignatureBytes>("signature");
}

void ReadFields(FieldReader& f, PerformerDeceasedEvent& p) {
  p.performer_id = f.String("performer");
  p.died_on = f.DateField("died_on");
}

void ReadFields(FieldReader& f, KeyEnrolledEvent& k) {
  k.signer = f.SignerField("signer");
  k.signer_id = f.String("signer_id");
  k.performer_id = f.String("performer");
  k.public_key = f.HexBytes<kEd25519PublicKeyBytes>("public_key");
  k.how = f.Named("how", kKeyOriginNames);
  k.valid_from = f.Int("valid_from", 0, std::numeric_limits<int64_t>::max());
  k.passkey = ReadPasskey(f, k.public_key);
  if (f.status().ok() && k.how == KeyOrigin::kReplacement) {
    k.confirmed_by = f.String("confirmed_by");
    k.code_sha256 = f.Sha256("code_sha256");
    k.confirmation = f.HexBytes<kEd25519SignatureBytes>("confirmation");
  }
}

void ReadFields(FieldReader& f, KeyRevokedEvent& k) {
  k.signer = f.SignerField("signer");
  k.signer_id = f.String("signer_id");
  k.performer_id = f.String("performer");
  k.public_key = f.HexBytes<kEd25519PublicKeyBytes>("public_key");
  k.from = f.Int("from", 0, std::numeric_limits<int64_t>::max());
  k.reason = f.String("reason");
}

void ReadFields(FieldReader& f, RepresentativeRegisteredEvent& r) {
  r.representative_id = f.String("representative");
  r.name = f.String("name");
  r.kind = f.Named("kind", kRepresentativeKindNames);
  r.public_key = f.HexBytes<kEd25519PublicKeyBytes>("public_key");
}

constexpr figurant::Entry<StatementSigner, std::string_view> kStatementSignerNames[] = {
    {StatementSigner::kPerformer, "performer"},
    {StatementSigner::kRepresentative, "representative"},
};

void ReadFields(FieldReader& f, StatementEvent& s) {
  s.signer = f.Named("signer", kStatementSignerNames);
  s.signer_id = f.String("signer_id");
  const json statement = f.Object("statement");
  if (!f.status().ok()) return;
  auto parsed = consent::ParseStatementSignature(Dump(statement), "statement");
  if (!parsed.ok()) {
    f.Fail("statement", "a signed statement (" + parsed.status().message() + ")");
    return;
  }
  s.statement = *std::move(parsed);
}

template <typename Event>
Result<Event> ParseAs(const Entry& entry) {
  FIGURANT_ASSIGN_OR_RETURN(FieldReader f, FieldReader::Of(entry, Event::kType));
  Event event;
  ReadFields(f, event);
  FIGURANT_RETURN_IF_ERROR(f.status());
  return event;
}

}  // namespace

std::string Payload(const UsageEvent& u) {
  CanonicalWriter w;
  w.Strings("agent_names", u.agent_names);
  w.Int("agents", static_cast<int64_t>(u.agent_names.size()));
  w.Bool("altered", u.altered);
  w.String("double", u.double_id);
  w.Double("fps", u.fps);
  w.Int("frame", u.key.frame);
  w.Double("height_fraction", u.height_fraction);
  w.String("licence", u.licence_id);
  w.String("performer", u.performer_id);
  w.Double("pixels", u.pixels);
  w.String("production", u.key.production);
  w.String("render", u.render_id);
  w.String("shot", u.key.shot);
  w.Bool("synthetic", u.synthetic);
  return w.Finish();
}

std::string Payload(const SupersedeEvent& s) {
  return Dump({{"render", s.render_id},
               {"superseded", s.superseded},
               {"production", s.key.production},
               {"shot", s.key.shot},
               {"frame", s.key.frame}});
}

std::string Payload(const LicenceSignedEvent& l) {
  json j = {{"licence", l.licence_id},  {"performer", l.performer_id}, {"studio", l.studio_id},
            {"synthetic", l.synthetic}, {"signed_at", l.signed_at},    {"terms", l.terms}};
  if (l.consent) {
    const SignedConsent& c = *l.consent;
    j["signer"] = consent::SignerName(c.signer);
    j["signer_id"] = c.signer_id;
    j["public_key"] = ToHex(c.public_key);
    if (c.passkey) {
      const consent::PasskeyProof& p = *c.passkey;
      j["passkey_assertion"] = {
          {"authenticator_data", webauthn::Base64Url(p.authenticator_data)},
          {"client_data_json",
           webauthn::Base64Url(Bytes(p.client_data_json.begin(), p.client_data_json.end()))},
          {"signature", webauthn::Base64Url(p.signature)}};
    } else {
      j["signature"] = ToHex(c.signature);
    }
    j["terms_sha256"] = c.terms_sha256;
    j["disclosure_sha256"] = c.disclosure_sha256;
    j["language"] = consent::LanguageCode(c.language);
    j["representation"] = consent::RepresentationName(c.representation);
    j["version"] = c.version;
    j["custodial"] = c.custodial;
  }
  return Dump(j);
}

std::string Payload(const LicenceRevokedEvent& l) {
  return Dump({{"licence", l.licence_id},
               {"performer", l.performer_id},
               {"effective", l.effective.ToString()}});
}

std::string Payload(const PerformerErasedEvent& p) { return Dump({{"performer", p.performer_id}}); }

std::string Payload(const StudioRegisteredEvent& s) {
  return Dump({{"studio", s.studio_id}, {"name", s.name}, {"public_key", ToHex(s.public_key)}});
}

std::string Payload(const ProductionDeclaredEvent& p) {
  const consent::ProductionDeclaration& d = p.production.declaration;
  return Dump({{"production", d.production_id},
               {"studio", d.studio_id},
               {"title", d.title},
               {"media", d.media},
               {"territories", d.territories},
               {"content", d.content},
               {"fps", d.frame_rate.Text()},
               {"public_key", ToHex(p.production.public_key)},
               {"signature", ToHex(p.production.signature)}});
}

std::string Payload(const PerformerDeceasedEvent& p) {
  return Dump({{"performer", p.performer_id}, {"died_on", p.died_on.ToString()}});
}

std::string_view KeyOriginName(KeyOrigin origin) {
  return Lookup(kKeyOriginNames, origin, "enrolment_code");
}

std::string Payload(const KeyEnrolledEvent& k) {
  json j = {{"signer", consent::SignerName(k.signer)},
            {"signer_id", k.signer_id},
            {"performer", k.performer_id},
            {"public_key", ToHex(k.public_key)},
            {"how", KeyOriginName(k.how)},
            {"valid_from", k.valid_from}};
  if (k.passkey) {
    const webauthn::Credential& c = k.passkey->credential;
    j["passkey"] = {{"credential_id", webauthn::Base64Url(c.id)},
                    {"algorithm", static_cast<int>(c.algorithm)},
                    {"public_key_spki", webauthn::Base64Url(c.public_key_spki)},
                    {"sign_count", c.sign_count},
                    {"origin", k.passkey->origin},
                    {"rp_id", k.passkey->rp_id}};
  }
  if (k.how == KeyOrigin::kReplacement) {
    j["confirmed_by"] = k.confirmed_by;
    j["code_sha256"] = k.code_sha256;
    j["confirmation"] = ToHex(k.confirmation);
  }
  return Dump(j);
}

std::string Payload(const KeyRevokedEvent& k) {
  return Dump({{"signer", consent::SignerName(k.signer)},
               {"signer_id", k.signer_id},
               {"performer", k.performer_id},
               {"public_key", ToHex(k.public_key)},
               {"from", k.from},
               {"reason", k.reason}});
}

std::string Payload(const RepresentativeRegisteredEvent& r) {
  return Dump({{"representative", r.representative_id},
               {"name", r.name},
               {"kind", Lookup(kRepresentativeKindNames, r.kind, "union")},
               {"public_key", ToHex(r.public_key)}});
}

std::string_view StatementSignerName(StatementSigner s) {
  return Lookup(kStatementSignerNames, s, "performer");
}

std::string Payload(const StatementEvent& s) {
  return Dump({{"signer", StatementSignerName(s.signer)},
               {"signer_id", s.signer_id},
               {"statement", json::parse(consent::StatementSignatureJson(s.statement))}});
}

Result<json> PayloadObject(const Entry& entry) {
  json j = json::parse(entry.payload, nullptr, false);
  if (!j.is_object()) return DataLoss(EntryName(entry) + ": payload is not a JSON object");
  return j;
}

Result<UsageEvent> ParseUsage(const Entry& entry) { return ParseAs<UsageEvent>(entry); }
Result<SupersedeEvent> ParseSupersede(const Entry& entry) { return ParseAs<SupersedeEvent>(entry); }
Result<LicenceSignedEvent> ParseLicenceSigned(const Entry& entry) {
  return ParseAs<LicenceSignedEvent>(entry);
}
Result<LicenceRevokedEvent> ParseLicenceRevoked(const Entry& entry) {
  return ParseAs<LicenceRevokedEvent>(entry);
}
Result<PerformerErasedEvent> ParsePerformerErased(const Entry& entry) {
  return ParseAs<PerformerErasedEvent>(entry);
}
Result<StudioRegisteredEvent> ParseStudioRegistered(const Entry& entry) {
  return ParseAs<StudioRegisteredEvent>(entry);
}
Result<ProductionDeclaredEvent> ParseProductionDeclared(const Entry& entry) {
  return ParseAs<ProductionDeclaredEvent>(entry);
}
Result<PerformerDeceasedEvent> ParsePerformerDeceased(const Entry& entry) {
  return ParseAs<PerformerDeceasedEvent>(entry);
}

Result<KeyEnrolledEvent> ParseKeyEnrolled(const Entry& entry) {
  return ParseAs<KeyEnrolledEvent>(entry);
}
Result<KeyRevokedEvent> ParseKeyRevoked(const Entry& entry) {
  return ParseAs<KeyRevokedEvent>(entry);
}
Result<RepresentativeRegisteredEvent> ParseRepresentativeRegistered(const Entry& entry) {
  return ParseAs<RepresentativeRegisteredEvent>(entry);
}

Result<StatementEvent> ParseStatementEvent(const Entry& entry) {
  return ParseAs<StatementEvent>(entry);
}

}  // namespace figurant::ledger
