// Signed statements (docs/licence.md, "Signed statements").
#include "consent/statement.h"

#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "consent/internal/strict_fields.h"
#include "consent/offer.h"
#include "core/names.h"

namespace figurant::consent {
namespace {

using internal::FieldReader;
using nlohmann::json;

constexpr Entry<StatementKind, std::string_view> kKindNames[] = {
    {StatementKind::kSuspendLicence, "suspend_licence"},
    {StatementKind::kResumeLicence, "resume_licence"},
    {StatementKind::kStrike, "strike"},
    {StatementKind::kKeyReplacement, "key_replacement"},
    {StatementKind::kLogin, "login"},
    {StatementKind::kEndStrike, "end_strike"},
    {StatementKind::kJoinUnion, "join_union"},
    {StatementKind::kLeaveUnion, "leave_union"},
};

// What signing a statement of each kind means, as the signer is told: English, then French.
struct KindMeaning {
  StatementKind kind;
  std::string_view en, fr;
};
constexpr KindMeaning kMeanings[] = {
    {StatementKind::kSuspendLicence, "you suspend your consent to a licence",
     "vous suspendez votre consentement à une licence"},
    {StatementKind::kResumeLicence, "you resume your consent to a licence",
     "vous rétablissez votre consentement à une licence"},
    {StatementKind::kStrike, "you declare a strike", "vous déclarez une grève"},
    {StatementKind::kKeyReplacement, "you confirm that a performer's key is replaced",
     "vous confirmez le remplacement de la clé d'un artiste"},
    {StatementKind::kLogin, "you log in", "vous vous connectez"},
    {StatementKind::kEndStrike, "you end a strike", "vous mettez fin à une grève"},
    {StatementKind::kJoinUnion,
     "you declare you belong to a union: its strikes apply to your doubles and it sees your "
     "totals",
     "vous déclarez être membre d'un syndicat : ses grèves s'appliquent à vos doubles et il voit "
     "vos totaux"},
    {StatementKind::kLeaveUnion, "you declare you no longer belong to a union",
     "vous déclarez ne plus être membre d'un syndicat"},
};

constexpr std::string_view kReservedName = "kind";

bool IsFieldName(std::string_view s) {
  if (s.empty() || s.size() > kMaxStatementFieldName || s == kReservedName) return false;
  for (const char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// OK when field `i` can be a line of the message (`seen` holds the names before it).
Status CheckField(const StatementField& f, size_t i, std::set<std::string_view>& seen) {
  const std::string at = "field 'fields[" + std::to_string(i) + "].";
  if (!IsFieldName(f.name)) {
    return InvalidArgument(at + "name': expected 1 to " + std::to_string(kMaxStatementFieldName) +
                           " of a-z, 0-9 and _, not \"kind\"");
  }
  if (!seen.insert(f.name).second) {
    return InvalidArgument(at + "name': '" + f.name + "' is given twice");
  }
  if (f.value.empty() || internal::HasTerminalControl(f.value, /*allow_newline=*/false)) {
    return InvalidArgument(at +
                           "value': expected a non-empty value on one line, without "
                           "control characters");
  }
  return Status::Ok();
}

std::vector<StatementField> ReadFields(FieldReader& r, std::string_view file) {
  std::vector<StatementField> fields;
  const json* list = r.Array("fields");
  if (list == nullptr) return fields;
  for (size_t i = 0; i < list->size() && r.ok(); ++i) {
    const std::string prefix = "fields[" + std::to_string(i) + "].";
    if (!(*list)[i].is_object()) {
      r.Refuse("fields[" + std::to_string(i) + "]", "expected an object {\"name\", \"value\"}");
      break;
    }
    FieldReader field((*list)[i], file, prefix);
    StatementField f;
    f.name = field.String("name");
    f.value = field.String("value");
    r.Keep(field.Finish());
    fields.push_back(std::move(f));
  }
  return fields;
}

json FieldsJson(const std::vector<StatementField>& fields) {
  json list = json::array();
  for (const StatementField& f : fields) list.push_back({{"name", f.name}, {"value", f.value}});
  return list;
}

// The kind, the fields and their rules, shared by the request and the signature file.
struct KindAndFields {
  StatementKind kind = StatementKind::kLogin;
  std::vector<StatementField> fields;
};

KindAndFields ReadKindAndFields(FieldReader& r, std::string_view file) {
  KindAndFields k;
  k.kind = r.Enumerated<StatementKind>(
      "kind", ParseStatementKind,
      "suspend_licence, resume_licence, strike, key_replacement or login");
  k.fields = ReadFields(r, file);
  if (r.ok()) {
    const Result<std::string> message = StatementMessage(k.kind, k.fields);
    if (!message.ok()) r.Keep(message.status().WithContext(file));
  }
  return k;
}

}  // namespace

std::string_view StatementKindName(StatementKind kind) { return Lookup(kKindNames, kind, "login"); }

std::optional<StatementKind> ParseStatementKind(std::string_view name) {
  return KeyOf(kKindNames, name);
}

Result<std::string> StatementMessage(StatementKind kind,
                                     const std::vector<StatementField>& fields) {
  if (fields.empty() || fields.size() > kMaxStatementFields) {
    return InvalidArgument("field 'fields': expected 1 to " + std::to_string(kMaxStatementFields) +
                           " fields");
  }
  std::set<std::string_view> seen;
  std::string m =
      std::string(kStatementMessageMagic) + "\nkind=" + std::string(StatementKindName(kind)) + "\n";
  for (size_t i = 0; i < fields.size(); ++i) {
    FIGURANT_RETURN_IF_ERROR(CheckField(fields[i], i, seen));
    m.append(fields[i].name).append("=").append(fields[i].value).append("\n");
  }
  return m;
}

std::string StatementRequestJson(const StatementRequest& request) {
  const json j = {{"format", kStatementRequestFormat},
                  {"kind", StatementKindName(request.kind)},
                  {"language", LanguageCode(request.language)},
                  {"fields", FieldsJson(request.fields)}};
  return j.dump(2) + "\n";
}

Result<StatementRequest> ParseStatementRequest(std::string_view text, std::string_view file) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, internal::ParseObject(text, file));
  FieldReader r(doc, file);
  StatementRequest request;
  r.Format(kStatementRequestFormat);
  request.language = r.Enumerated<Language>("language", ParseLanguage, "\"en\" or \"fr\"");
  KindAndFields k = ReadKindAndFields(r, file);
  FIGURANT_RETURN_IF_ERROR(r.Finish());
  request.kind = k.kind;
  request.fields = std::move(k.fields);
  return request;
}

std::string StatementRequestText(const StatementRequest& request, std::string_view public_key_hex) {
  const bool fr = request.language == Language::kFrench;
  std::string_view meaning;
  for (const KindMeaning& m : kMeanings) {
    if (m.kind == request.kind) meaning = fr ? m.fr : m.en;
  }
  std::string t = (fr ? "Déclaration à signer (" : "Statement to sign (") +
                  std::string(StatementKindName(request.kind)) + (fr ? ") : " : "): ") +
                  std::string(meaning) + ".\n";
  t += fr ? "avec la clé " : "with the key ";
  t += std::string(public_key_hex) + (fr ? " ; comparez-la à la clé que vous avez enregistrée.\n\n"
                                         : "; compare it with the key you enrolled.\n\n");
  for (const StatementField& f : request.fields) t += "  " + f.name + ": " + f.value + "\n";
  const std::string word(ConfirmationWord(request.language));
  t += fr ? "\nTapez " + word + " puis Entrée pour signer ; toute autre réponse ne signe rien : "
          : "\nType " + word + " and press Enter to sign; any other answer signs nothing: ";
  return t;
}

const std::string& FieldValue(const SignedStatement& statement, std::string_view name) {
  static const std::string kNone;
  for (const StatementField& f : statement.fields) {
    if (f.name == name) return f.value;
  }
  return kNone;
}

bool IsSuspensionKind(StatementKind k) {
  return k == StatementKind::kSuspendLicence || k == StatementKind::kResumeLicence;
}
bool IsStrikeKind(StatementKind k) {
  return k == StatementKind::kStrike || k == StatementKind::kEndStrike;
}
bool IsMembershipKind(StatementKind k) {
  return k == StatementKind::kJoinUnion || k == StatementKind::kLeaveUnion;
}

Result<SignedStatement> SignStatement(const StatementRequest& request, const SigningKeyPair& key) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string message,
                            StatementMessage(request.kind, request.fields));
  SignedStatement s;
  s.kind = request.kind;
  s.fields = request.fields;
  s.public_key.assign(key.public_key.begin(), key.public_key.end());
  const auto sig = SignDetached(message, key);
  s.signature.assign(sig.begin(), sig.end());
  return s;
}

Status VerifyStatement(const SignedStatement& s, const Bytes& expected_public_key) {
  const Result<std::string> message = StatementMessage(s.kind, s.fields);
  if (!message.ok()) return DataLoss("statement: " + message.status().message());
  if (s.public_key != expected_public_key) {
    return DataLoss("statement: signed with a key that is not the signer's");
  }
  if (!VerifyDetached(*message, s.signature.data(), s.signature.size(), expected_public_key.data(),
                      expected_public_key.size())) {
    return DataLoss("statement: the signature does not verify");
  }
  return Status::Ok();
}

std::string StatementSignatureJson(const SignedStatement& s) {
  const json j = {{"format", kStatementSignatureFormat},
                  {"kind", StatementKindName(s.kind)},
                  {"fields", FieldsJson(s.fields)},
                  {"public_key", ToHex(s.public_key)},
                  {"signature", ToHex(s.signature)}};
  return j.dump(2) + "\n";
}

Result<SignedStatement> ParseStatementSignature(std::string_view text, std::string_view file) {
  FIGURANT_ASSIGN_OR_RETURN(const json doc, internal::ParseObject(text, file));
  FieldReader r(doc, file);
  SignedStatement s;
  r.Format(kStatementSignatureFormat);
  KindAndFields k = ReadKindAndFields(r, file);
  s.public_key = r.HexBytes("public_key", kEd25519PublicKeyBytes, "an Ed25519 public key");
  s.signature = r.HexBytes("signature", kEd25519SignatureBytes, "an Ed25519 signature");
  FIGURANT_RETURN_IF_ERROR(r.Finish());
  s.kind = k.kind;
  s.fields = std::move(k.fields);
  return s;
}

}  // namespace figurant::consent
