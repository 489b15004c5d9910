#include "core/json_input.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <new>
#include <set>
#include <vector>

namespace figurant {
namespace {

using nlohmann::json;

// nlohmann's error id for a number that does not fit its type (json.exception.out_of_range.406).
constexpr int kNumberOverflowId = 406;

// nlohmann's own DOM builder, with the rules of ParseJson on top: it follows where in the
// document the parser is, so a refusal names the field, and it stops the parse at the first
// refusal (a SAX handler returning false ends nlohmann's parse).
class StrictBuilder {
 public:
  explicit StrictBuilder(json& result) : dom_(result, /*allow_exceptions=*/false) {}

  bool null() { return Scalar(dom_.null()); }
  bool boolean(bool v) { return Scalar(dom_.boolean(v)); }
  bool number_integer(json::number_integer_t v) { return Scalar(dom_.number_integer(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return Scalar(dom_.number_unsigned(v)); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    return Scalar(dom_.number_float(v, s));
  }
  bool string(json::string_t& v) { return Scalar(dom_.string(v)); }
  bool binary(json::binary_t& v) { return Scalar(dom_.binary(v)); }

  bool start_object(std::size_t n) { return Open(/*array=*/false) && dom_.start_object(n); }
  bool start_array(std::size_t n) { return Open(/*array=*/true) && dom_.start_array(n); }
  bool end_object() { return Close() && dom_.end_object(); }
  bool end_array() { return Close() && dom_.end_array(); }

  bool key(json::string_t& k) {
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) return Refuse("given twice in one object");
    return dom_.key(k);
  }

  bool parse_error(std::size_t position, const std::string& token, const json::exception& e) {
    if (e.id == kNumberOverflowId) {
      return Refuse("the number " + Cut(token) + " does not fit in a double (at most about " +
                    "1.8e308 in magnitude)");
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." without the tag.
    std::string what = e.what();
    if (const size_t tag_end = what.find("] "); tag_end != std::string::npos) {
      what.erase(0, tag_end + 2);
    }
    syntax_ = "not valid JSON (byte " + std::to_string(position);
    Refuse(what);
    return false;
  }

  // The first refusal, as "field '<path>': <why>" (or "<why>" at the top level); a syntax error
  // as "not valid JSON (byte N, in field '<path>'): <what>".
  std::string Message() const {
    if (!syntax_.empty()) {
      return syntax_ + (error_path_.empty() ? "" : ", in field '" + error_path_ + "'") +
             "): " + error_;
    }
    return (error_path_.empty() ? "" : "field '" + error_path_ + "': ") + error_;
  }

 private:
  struct Frame {
    bool array = false;
    size_t index = 0;            // arrays: elements completed
    std::string key;             // objects: the current key
    std::set<std::string> keys;  // objects: every key seen
  };

  static std::string Cut(const std::string& token) {
    return token.size() <= kJsonExcerptChars ? token
                                             : token.substr(0, kJsonExcerptChars - 3) + "...";
  }

  // Where the parser is: "camera.position[1]".
  std::string Path() const {
    std::string p;
    for (const Frame& f : frames_) {
      if (f.array) {
        p += "[" + std::to_string(f.index) + "]";
      } else if (!f.key.empty() || !f.keys.empty()) {
        p += (p.empty() ? "" : ".") + f.key;
      }
    }
    return p;
  }

  bool Refuse(std::string why) {
    error_path_ = Path();
    error_ = std::move(why);
    return false;
  }

  bool Scalar(bool ok) {
    if (ok && !frames_.empty() && frames_.back().array) ++frames_.back().index;
    return ok;
  }

  bool Open(bool array) {
    if (frames_.size() >= static_cast<size_t>(kMaxJsonDepth)) {
      return Refuse("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    frames_.push_back({array, 0, {}, {}});
    return true;
  }

  bool Close() {
    frames_.pop_back();
    return Scalar(true);
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<Frame> frames_;
  std::string error_path_, error_, syntax_;
};

std::string Bound(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

Status Expected(std::string_view what, const json& v) {
  return InvalidArgument("expected " + std::string(what) + ", got " + JsonExcerpt(v));
}

}  // namespace

Result<json> ParseJson(std::string_view text, std::string_view source) {
  json result;
  StrictBuilder builder(result);
  bool ok = false;
  try {
    ok = json::sax_parse(text, &builder);
  } catch (const json::exception& e) {  // nlohmann's DOM builder may still throw on its own
    return InvalidArgument(std::string(source) + ": not valid JSON: " + e.what());
  } catch (const std::bad_alloc&) {
    return InvalidArgument(std::string(source) + ": too large to hold in memory");
  }
  if (ok) return result;
  return InvalidArgument(std::string(source) + ": " + builder.Message());
}

Result<json> ReadJsonFile(const std::filesystem::path& file, const FileLimit& limit) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string text, ReadUserFile(file, limit));
  return ParseJson(text, file.string());
}

Result<double> JsonNumber(const json& v, double lo, double hi) {
  const std::string range = "a number in [" + Bound(lo) + ", " + Bound(hi) + "]";
  if (!v.is_number()) return Expected(range, v);
  const auto d = v.get<double>();
  if (!std::isfinite(d) || d < lo || d > hi) return Expected(range, v);
  return d;
}

Result<int64_t> JsonInteger(const json& v, int64_t lo, int64_t hi) {
  const std::string range = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
  if (!v.is_number_integer()) return Expected(range, v);
  if (v.is_number_unsigned() &&
      v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Expected(range, v);
  }
  const auto i = v.get<int64_t>();
  if (i < lo || i > hi) return Expected(range, v);
  return i;
}

Result<uint64_t> JsonUnsigned(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  return Expected("a non-negative integer", v);
}

Result<std::string> JsonString(const json& v) {
  if (!v.is_string()) return Expected("a string", v);
  return v.get<std::string>();
}

Result<bool> JsonBool(const json& v) {
  if (!v.is_boolean()) return Expected("true or false", v);
  return v.get<bool>();
}

std::string JsonExcerpt(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kJsonExcerptChars) s = s.substr(0, kJsonExcerptChars - 3) + "...";
  return s;
}

}  // namespace figurant
