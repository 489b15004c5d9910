// JSON a user wrote — scene files, licence terms, MakeHuman body sliders and rig files: the one
// parser every such document goes through, and the typed readers of its values. Safe for untrusted
// input: nothing here throws, asserts or recurses without bound, and every refusal is an
// InvalidArgument whose message names the document and the field (docs/inputs.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/file.h"
#include "core/status.h"

namespace figurant {

// Deepest nesting of objects and arrays a document may have (no Figurant format needs more than
// a few levels; printing or destroying deeper values recurses).
inline constexpr int kMaxJsonDepth = 64;

// Parses `text` as one JSON document; `source` names it in messages (a file path). Refused, as
// InvalidArgument "<source>: field '<path>': <why>" (or "<source>: <why>" at the top level):
//   - text that is not JSON, as "<source>: not valid JSON (byte N, in field '<path>'): <what was
//     expected>";
//   - a number a double cannot hold: 1e400, -1e400, a 400-digit integer (nlohmann throws
//     out_of_range for these, which used to abort the process);
//   - objects or arrays nested deeper than kMaxJsonDepth;
//   - a key given twice in one object (which one would count is not obvious to a reader, and a
//     signed or reviewed document must mean one thing);
//   - invalid UTF-8 in a string.
// <path> is dotted with list indices, as the formats' own errors write it: "camera.position[1]".
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view source);

// ReadUserFile(file, limit), then ParseJson naming the file.
Result<nlohmann::json> ReadJsonFile(const std::filesystem::path& file, const FileLimit& limit);

// Typed values. Each returns the value `v` holds, or InvalidArgument saying what was expected and
// what was found — "expected an integer in 1..1000, got 1e+20" — for the caller to prefix with
// the document and field.
// A finite number in [lo, hi] (an integer or a float).
Result<double> JsonNumber(const nlohmann::json& v, double lo, double hi);
// An integer in [lo, hi], exactly: a float such as 2.5 or 1e20 is refused, and so is an unsigned
// value beyond INT64_MAX (never wrapped to a negative one).
Result<int64_t> JsonInteger(const nlohmann::json& v, int64_t lo, int64_t hi);
// A non-negative integer up to UINT64_MAX (seeds).
Result<uint64_t> JsonUnsigned(const nlohmann::json& v);
Result<std::string> JsonString(const nlohmann::json& v);
Result<bool> JsonBool(const nlohmann::json& v);

// `v` as messages quote it: its JSON text, cut to at most kJsonExcerptChars characters.
inline constexpr size_t kJsonExcerptChars = 60;
std::string JsonExcerpt(const nlohmann::json& v);

}  // namespace figurant
