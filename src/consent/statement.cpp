#include "consent/statement.h"

#include <algorithm>

#include "core/ids.h"
#include "core/json_input.h"

namespace figurant::consent {
namespace {

// How each kind's fields are checked, in message order.
enum class FieldType { kAction, kId, kDate, kTime };
struct FieldSpec {
  std::string_view name;
  FieldType type;
  std::string_view id_prefix = {};  // for kId
};
struct KindSpec {
  std::string_view kind;
  std::string_view actions[2];
  std::vector<FieldSpec> fields;
};

const std::vector<KindSpec>& Kinds() {
  static const std::vector<KindSpec> kinds = {
      {"suspension",
       {"suspend", "resume"},
       {{"action", FieldType::kAction},
        {"licence", FieldType::kId, id_prefix::kLicence},
        {"performer", FieldType::kId, id_prefix::kPerformer},
        {"effective", FieldType::kDate},
        {"signed_at", FieldType::kTime}}},
      {"strike",
       {"declare", "end"},
       {{"action", FieldType::kAction},
        {"union", FieldType::kId, id_prefix::kUnion},
        {"studio", FieldType::kId, id_prefix::kStudio},
        {"effective", FieldType::kDate},
        {"signed_at", FieldType::kTime}}},
      {"membership",
       {"join", "leave"},
       {{"action", FieldType::kAction},
        {"performer", FieldType::kId, id_prefix::kPerformer},
        {"union", FieldType::kId, id_prefix::kUnion},
        {"signed_at", FieldType::kTime}}},
  };
  return kinds;
}

const KindSpec* FindKind(std::string_view kind) {
  for (const KindSpec& k : Kinds()) {
    if (k.kind == kind) return &k;
  }
  return nullptr;
}

bool ValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](char c) { return c == '_' || (c >= 'a' && c <= 'z'); });
}

bool ValidValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// InvalidArgument naming the field when `value` is not what `spec` expects.
Status CheckField(const KindSpec& kind, const FieldSpec& spec, const std::string& value) {
  const std::string where = "field '" + std::string(spec.name) + "': ";
  switch (spec.type) {
    case FieldType::kAction:
      if (value != kind.actions[0] && value != kind.actions[1]) {
        return InvalidArgument(where + "expected '" + std::string(kind.actions[0]) + "' or '" +
                               std::string(kind.actions[1]) + "', got '" + value + "'");
      }
      return Status::Ok();
    case FieldType::kId:
      if (!HasIdForm(value, spec.id_prefix)) {
        return InvalidArgument(where + "expected an id " + std::string(spec.id_prefix) +
                               "_<16 hex digits>, got '" + value + "'");
      }
      return Status::Ok();
    case FieldType::kDate:
      if (!Date::Parse(value).ok()) {
        return InvalidArgument(where + "expected a date YYYY-MM-DD, got '" + value + "'");
      }
      return Status::Ok();
    case FieldType::kTime:
      if (!ParseTimestamp(value).ok()) {
        return InvalidArgument(where + "expected a time YYYY-MM-DDTHH:MM:SSZ, got '" + value + "'");
      }
      return Status::Ok();
  }
  return Status::Ok();
}

Statement Make(std::string_view kind, std::vector<std::pair<std::string, std::string>> fields) {
  Statement s;
  s.kind = std::string(kind);
  s.fields = std::move(fields);
  return s;
}

Result<Bytes> HexField(const nlohmann::json& doc, std::string_view name, size_t bytes) {
  const auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) {
    return InvalidArgument("field '" + std::string(name) + "': expected " +
                           std::to_string(bytes * 2) + " hex digits");
  }
  auto value = FromHex(it->get<std::string>());
  if (!value.ok() || value->size() != bytes) {
    return InvalidArgument("field '" + std::string(name) + "': expected " +
                           std::to_string(bytes * 2) + " hex digits");
  }
  return value;
}

// The fields of `kind` from `doc`, checked; every other member must be format, key or signature.
Result<Statement> StatementFrom(const nlohmann::json& doc, const KindSpec& kind) {
  Statement s;
  s.kind = std::string(kind.kind);
  if (!doc.is_object()) return InvalidArgument("expected a JSON object");
  const auto format = doc.find("format");
  if (format == doc.end() || *format != s.Format()) {
    return InvalidArgument("field 'format': expected \"" + s.Format() + "\"");
  }
  for (const auto& item : doc.items()) {
    const std::string& name = item.key();
    const bool known = name == "format" || name == "public_key" || name == "signature" ||
                       std::any_of(kind.fields.begin(), kind.fields.end(),
                                   [&](const FieldSpec& f) { return f.name == name; });
    if (!known) return InvalidArgument("field '" + name + "': not a field of " + s.Format());
  }
  for (const FieldSpec& spec : kind.fields) {
    const auto it = doc.find(spec.name);
    if (it == doc.end() || !it->is_string()) {
      return InvalidArgument("field '" + std::string(spec.name) + "': expected a string");
    }
    FIGURANT_RETURN_IF_ERROR(CheckField(kind, spec, it->get<std::string>()));
    s.fields.emplace_back(spec.name, it->get<std::string>());
  }
  FIGURANT_ASSIGN_OR_RETURN(s.public_key, HexField(doc, "public_key", kEd25519PublicKeyBytes));
  FIGURANT_ASSIGN_OR_RETURN(s.signature, HexField(doc, "signature", kEd25519SignatureBytes));
  return s;
}

}  // namespace

const std::string& Statement::Field(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [n, v] : fields) {
    if (n == name) return v;
  }
  return kEmpty;
}

Statement SuspensionStatement(std::string_view action, const std::string& licence_id,
                              const std::string& performer_id, const Date& effective,
                              UnixSeconds signed_at) {
  return Make("suspension", {{"action", std::string(action)},
                             {"licence", licence_id},
                             {"performer", performer_id},
                             {"effective", effective.ToString()},
                             {"signed_at", FormatTimestamp(signed_at)}});
}

Statement StrikeStatement(std::string_view action, const std::string& union_id,
                          const std::string& studio_id, const Date& effective,
                          UnixSeconds signed_at) {
  return Make("strike", {{"action", std::string(action)},
                         {"union", union_id},
                         {"studio", studio_id},
                         {"effective", effective.ToString()},
                         {"signed_at", FormatTimestamp(signed_at)}});
}

Statement MembershipStatement(std::string_view action, const std::string& performer_id,
                              const std::string& union_id, UnixSeconds signed_at) {
  return Make("membership", {{"action", std::string(action)},
                             {"performer", performer_id},
                             {"union", union_id},
                             {"signed_at", FormatTimestamp(signed_at)}});
}

Result<std::string> StatementMessage(const Statement& s) {
  if (!ValidName(s.kind)) return InvalidArgument("statement kind '" + s.kind + "' is not [a-z_]+");
  std::string m = s.Format() + "\n";
  for (const auto& [name, value] : s.fields) {
    if (!ValidName(name)) return InvalidArgument("field name '" + name + "' is not [a-z_]+");
    if (!ValidValue(value)) {
      return InvalidArgument("field '" + name + "': a value may not hold a control character");
    }
    m += name + "=" + value + "\n";
  }
  return m;
}

Status SignStatement(Statement& s, const SigningKeyPair& key) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string message, StatementMessage(s));
  s.public_key.assign(key.public_key.begin(), key.public_key.end());
  const auto sig = SignDetached(message, key);
  s.signature.assign(sig.begin(), sig.end());
  return Status::Ok();
}

Status VerifyStatement(const Statement& s, const Bytes& expected_public_key) {
  const std::string what = s.Format() + " statement";
  auto message = StatementMessage(s);
  if (!message.ok()) return DataLoss(what + ": " + message.status().message());
  if (s.public_key != expected_public_key) {
    return DataLoss(what + ": signed with a key that is not the signer's");
  }
  if (!VerifyDetached(*message, s.signature.data(), s.signature.size(), expected_public_key.data(),
                      expected_public_key.size())) {
    return DataLoss(what + ": the signature does not verify");
  }
  return Status::Ok();
}

std::string DescribeStatement(const Statement& s) {
  const std::string& action = s.Field("action");
  if (s.kind == "suspension") {
    return (action == "suspend" ? "Suspend" : "Resume") + std::string(" licence ") +
           s.Field("licence") + " of performer " + s.Field("performer") + " from " +
           s.Field("effective") +
           (action == "suspend" ? ": no render may use it from that day until you resume it."
                                : ": renders may use it again from that day.");
  }
  if (s.kind == "strike") {
    return (action == "declare" ? "Declare a strike of union " : "End the strike of union ") +
           s.Field("union") + " against studio " + s.Field("studio") + " from " +
           s.Field("effective") +
           (action == "declare" ? ": no render for that studio may use a member's double."
                                : ": renders for that studio may use members' doubles again.");
  }
  return "Performer " + s.Field("performer") + (action == "join" ? " joins" : " leaves") +
         " union " + s.Field("union") +
         (action == "join"
              ? ": the union may see their totals and its strikes apply to their doubles."
              : ": the union no longer sees their totals, and its strikes no longer apply.");
}

std::string StatementJson(const Statement& s) {
  nlohmann::json doc = {{"format", s.Format()},
                        {"public_key", ToHex(s.public_key)},
                        {"signature", ToHex(s.signature)}};
  for (const auto& [name, value] : s.fields) doc[name] = value;
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<Statement> ParseStatement(std::string_view text, std::string_view file,
                                 std::string_view kind) {
  const KindSpec* spec = FindKind(kind);
  if (spec == nullptr) return InvalidArgument("no statement kind '" + std::string(kind) + "'");
  FIGURANT_ASSIGN_OR_RETURN(const nlohmann::json doc, ParseJson(text, file));
  auto s = StatementFrom(doc, *spec);
  if (!s.ok()) return InvalidArgument(std::string(file) + ": " + s.status().message());
  return s;
}

}  // namespace figurant::consent
