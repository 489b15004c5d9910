#include "ledger/metering.h"

#include <algorithm>
#include <cmath>

namespace figurant::ledger {

Result<std::map<FrameKey, std::string>> LatestRenders(const Ledger& ledger) {
  std::map<FrameKey, std::string> latest;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const Entry& e) -> Status {
    if (e.type == EntryType::kUsage) {
      FIGURANT_ASSIGN_OR_RETURN(UsageEvent u, ParseUsage(e));
      latest[u.key] = std::move(u.render_id);
    } else if (e.type == EntryType::kSupersede) {
      FIGURANT_ASSIGN_OR_RETURN(SupersedeEvent s, ParseSupersede(e));
      latest[s.key] = std::move(s.render_id);
    }
    return Status::Ok();
  }));
  return latest;
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
    entries.push_back(ToEntry(SupersedeEvent{render_id, *previous_render, key}));
  }
  for (const UsageEvent& u : UsageOfFrame(render_id, key, fps, agents)) {
    entries.push_back(ToEntry(u));
  }
  return entries;
}

Result<int> MeterFrame(Ledger& ledger, const std::string& render_id, const FrameKey& key,
                       double fps, const std::vector<AgentUsage>& agents,
                       const std::optional<std::string>& previous_render) {
  const auto frame = [&] {
    return "metering " + key.production + "/" + key.shot + " frame " + std::to_string(key.frame);
  };
  if (!(fps > 0) || fps > 1000) return InvalidArgument(frame() + ": fps must be in (0, 1000]");
  for (const AgentUsage& a : agents) {
    if (a.pixels > 0 && (!std::isfinite(a.pixels) || !std::isfinite(a.height_fraction))) {
      return InvalidArgument(frame() + ": agent " + a.agent +
                             ": pixels and height fraction must be finite");
    }
  }
  auto entries = FrameEntries(render_id, key, fps, agents, previous_render);
  const auto usage = static_cast<int>(std::count_if(
      entries.begin(), entries.end(), [](const auto& e) { return e.first == EntryType::kUsage; }));
  FIGURANT_RETURN_IF_ERROR(ledger.AppendPayloads(entries).status());
  return usage;
}

}  // namespace figurant::ledger
