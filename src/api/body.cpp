#include "api/body.h"

#include <limits>

#include "core/crypto.h"
#include "core/json_input.h"

namespace figurant::api {

using nlohmann::json;

Status FieldError(std::string_view name, std::string_view why) {
  return InvalidArgument(std::string(kBodySource) + ": field '" + std::string(name) +
                         "': " + std::string(why));
}

Result<json> ParseBody(std::string_view body) {
  if (body.size() > kMaxBodyBytes) {
    return InvalidArgument(std::string(kBodySource) + ": " + std::to_string(body.size()) +
                           " bytes, over the limit of " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  FIGURANT_ASSIGN_OR_RETURN(json doc, ParseJson(body, kBodySource));
  if (!doc.is_object()) {
    return InvalidArgument(std::string(kBodySource) + ": expected a JSON object, got " +
                           JsonExcerpt(doc));
  }
  return doc;
}

const json* BodyFields::Find(std::string_view name) {
  read_.emplace(name);
  const auto it = object_.find(name);
  return it == object_.end() ? nullptr : &*it;
}

Result<std::string> BodyFields::RequiredString(std::string_view name, size_t max_bytes) {
  FIGURANT_ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(name, max_bytes));
  if (!s) return FieldError(name, "required");
  return *s;
}

Result<std::optional<std::string>> BodyFields::OptionalString(std::string_view name,
                                                              size_t max_bytes) {
  const json* v = Find(name);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return FieldError(name, "expected a string, got " + JsonExcerpt(*v));
  const auto& s = v->get_ref<const std::string&>();
  if (s.empty() || s.size() > max_bytes) {
    return FieldError(name, "expected 1.." + std::to_string(max_bytes) + " bytes, got " +
                                std::to_string(s.size()));
  }
  return std::optional<std::string>(s);
}

Result<std::optional<bool>> BodyFields::OptionalBool(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return FieldError(name, "expected true or false, got " + JsonExcerpt(*v));
  return std::optional<bool>(v->get<bool>());
}

Result<int64_t> BodyFields::RequiredInteger(std::string_view name, int64_t min, int64_t max) {
  const json* v = Find(name);
  if (v == nullptr) return FieldError(name, "required");
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  if (!v->is_number_integer()) {
    return FieldError(name, "expected an integer in " + range + ", got " + JsonExcerpt(*v));
  }
  constexpr auto kMax = std::numeric_limits<int64_t>::max();
  const int64_t n = v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(kMax)
                        ? kMax
                        : v->get<int64_t>();
  if (n < min || n > max) return FieldError(name, "expected " + range + ", got " + v->dump());
  return n;
}

Result<json> BodyFields::RequiredObject(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return FieldError(name, "required");
  if (!v->is_object()) return FieldError(name, "expected an object, got " + JsonExcerpt(*v));
  return *v;
}

Result<std::string> BodyFields::RequiredHex(std::string_view name, size_t count) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, RequiredString(name, 2 * count));
  auto bytes = FromHex(text);
  if (!bytes.ok() || bytes->size() != count) {
    return FieldError(name, "expected " + std::to_string(2 * count) + " hex digits");
  }
  return std::string(bytes->begin(), bytes->end());
}

Status BodyFields::Finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (!read_.contains(key)) return FieldError(key, "unknown field");
  }
  return Status::Ok();
}

std::string FieldOf(std::string_view message) {
  constexpr std::string_view kMark = "field '";
  const size_t start = message.find(kMark);
  if (start == std::string_view::npos) return "";
  const size_t from = start + kMark.size();
  const size_t end = message.find('\'', from);
  if (end == std::string_view::npos) return "";
  return std::string(message.substr(from, end - from));
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

json ErrorJson(std::string_view code, std::string_view message) {
  const std::string field = FieldOf(message);
  return {{"error",
           {{"code", code},
            {"message", message},
            {"field", field.empty() ? json(nullptr) : json(field)}}}};
}

}  // namespace figurant::api
