#include "ledger/metering.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace figurant::ledger {

using nlohmann::json;

namespace {

// A compact JSON writer for the metering hot path. Keys must be written in sorted order by the
// caller; the output is then byte-identical to nlohmann::json::dump() of the same object, which is
// the ledger's canonical payload form (tested in ledger_test).
class CanonicalWriter {
 public:
  void Key(std::string_view k) {
    out_ += first_ ? '{' : ',';
    first_ = false;
    String(k);
    out_ += ':';
  }
  void String(std::string_view s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
      const auto u = static_cast<unsigned char>(c);
      return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
    });
    if (plain) {
      out_ += '"';
      out_ += s;
      out_ += '"';
      return;
    }
    // Escapes and UTF-8 exactly as nlohmann does (invalid UTF-8 replaced, never thrown).
    out_ += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  void Int(int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void Double(double v) {
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
  void Bool(bool b) { out_ += b ? "true" : "false"; }
  void Strings(const std::vector<std::string>& list) {
    out_ += '[';
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out_ += ',';
      String(list[i]);
    }
    out_ += ']';
  }
  std::string Finish() {
    out_ += first_ ? "{}" : "}";
    return std::move(out_);
  }

 private:
  std::string out_;
  bool first_ = true;
};

}  // namespace

Result<std::map<FrameKey, std::string>> LatestRenders(const Ledger& ledger) {
  std::map<FrameKey, std::string> latest;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const Entry& e) -> Status {
    if (e.type != EntryType::kUsage && e.type != EntryType::kSupersede) return Status::Ok();
    const json j = json::parse(e.payload, nullptr, false);
    if (!j.is_object()) return DataLoss("ledger entry " + std::to_string(e.seq) + ": bad payload");
    latest[{j.value("production", ""), j.value("shot", ""), j.value("frame", 0)}] =
        j.value("render", "");
    return Status::Ok();
  }));
  return latest;
}

std::string UsagePayload(const UsageEvent& u) {
  CanonicalWriter w;
  w.Key("agent_names");
  w.Strings(u.agent_names);
  w.Key("agents");
  w.Int(static_cast<int64_t>(u.agent_names.size()));
  w.Key("altered");
  w.Bool(u.altered);
  w.Key("double");
  w.String(u.double_id);
  w.Key("fps");
  w.Double(u.fps);
  w.Key("frame");
  w.Int(u.key.frame);
  w.Key("height_fraction");
  w.Double(u.height_fraction);
  w.Key("licence");
  w.String(u.licence_id);
  w.Key("performer");
  w.String(u.performer_id);
  w.Key("pixels");
  w.Double(u.pixels);
  w.Key("production");
  w.String(u.key.production);
  w.Key("render");
  w.String(u.render_id);
  w.Key("shot");
  w.String(u.key.shot);
  w.Key("synthetic");
  w.Bool(u.synthetic);
  return w.Finish();
}

std::string SupersedePayload(const std::string& render_id, const std::string& superseded,
                             const FrameKey& key) {
  CanonicalWriter w;
  w.Key("frame");
  w.Int(key.frame);
  w.Key("production");
  w.String(key.production);
  w.Key("render");
  w.String(render_id);
  w.Key("shot");
  w.String(key.shot);
  w.Key("superseded");
  w.String(superseded);
  return w.Finish();
}

std::vector<UsageEvent> UsageOfFrame(const std::string& render_id, const FrameKey& key, double fps,
                                     const std::vector<AgentUsage>& agents) {
  std::map<std::string, UsageEvent> by_double;  // ordered: the same frame gives the same bytes
  for (const AgentUsage& a : agents) {
    if (!(a.pixels > 0)) continue;
    auto [it, fresh] = by_double.try_emplace(a.double_id);
    UsageEvent& u = it->second;
    if (fresh) {
      u.render_id = render_id;
      u.key = key;
      u.fps = fps;
      u.double_id = a.double_id;
      u.performer_id = a.performer_id;
      u.licence_id = a.licence_id;
      u.synthetic = a.synthetic;
    }
    u.agent_names.push_back(a.agent);
    u.pixels += a.pixels;
    u.height_fraction = std::max(u.height_fraction, a.height_fraction);
    u.altered = u.altered || a.altered;
  }
  std::vector<UsageEvent> out;
  out.reserve(by_double.size());
  for (auto& [id, u] : by_double) out.push_back(std::move(u));
  return out;
}

std::vector<std::pair<EntryType, std::string>> FrameEntries(
    const std::string& render_id, const FrameKey& key, double fps,
    const std::vector<AgentUsage>& agents, const std::optional<std::string>& previous_render) {
  std::vector<std::pair<EntryType, std::string>> entries;
  if (previous_render && *previous_render != render_id) {
    entries.emplace_back(EntryType::kSupersede, SupersedePayload(render_id, *previous_render, key));
  }
  for (const UsageEvent& u : UsageOfFrame(render_id, key, fps, agents)) {
    entries.emplace_back(EntryType::kUsage, UsagePayload(u));
  }
  return entries;
}

Result<int> MeterFrame(Ledger& ledger, const std::string& render_id, const FrameKey& key,
                       double fps, const std::vector<AgentUsage>& agents,
                       const std::optional<std::string>& previous_render) {
  if (!(fps > 0) || fps > 1000) {
    return InvalidArgument("metering " + key.production + "/" + key.shot + " frame " +
                           std::to_string(key.frame) + ": fps must be in (0, 1000]");
  }
  auto entries = FrameEntries(render_id, key, fps, agents, previous_render);
  const auto usage = static_cast<int>(std::count_if(
      entries.begin(), entries.end(), [](const auto& e) { return e.first == EntryType::kUsage; }));
  FIGURANT_RETURN_IF_ERROR(ledger.AppendPayloads(entries).status());
  return usage;
}

}  // namespace figurant::ledger
