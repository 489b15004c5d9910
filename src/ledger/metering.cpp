#include "ledger/metering.h"

#include <algorithm>

namespace figurant::ledger {

using nlohmann::json;

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

Result<int> MeterFrame(Ledger& ledger, const std::string& render_id, const FrameKey& key,
                       double fps, const std::vector<AgentUsage>& agents,
                       const std::optional<std::string>& previous_render) {
  std::vector<std::pair<EntryType, json>> events;
  if (previous_render && *previous_render != render_id) {
    events.push_back({EntryType::kSupersede,
                      {{"render", render_id},
                       {"superseded", *previous_render},
                       {"production", key.production},
                       {"shot", key.shot},
                       {"frame", key.frame}}});
  }
  struct PerDouble {
    const AgentUsage* first = nullptr;
    double pixels = 0, height = 0;
    bool altered = false;
    int agents = 0;
  };
  std::map<std::string, PerDouble> by_double;
  for (const AgentUsage& a : agents) {
    if (a.pixels <= 0) continue;
    PerDouble& d = by_double[a.double_id];
    if (d.first == nullptr) d.first = &a;
    d.pixels += a.pixels;
    d.height = std::max(d.height, a.height_fraction);
    d.altered = d.altered || a.altered;
    ++d.agents;
  }
  for (const auto& [double_id, d] : by_double) {
    events.push_back({EntryType::kUsage,
                      {{"render", render_id},
                       {"production", key.production},
                       {"shot", key.shot},
                       {"frame", key.frame},
                       {"fps", fps},
                       {"double", double_id},
                       {"performer", d.first->performer_id},
                       {"licence", d.first->licence_id},
                       {"agents", d.agents},
                       {"pixels", d.pixels},
                       {"height_fraction", d.height},
                       {"altered", d.altered},
                       {"synthetic", d.first->synthetic}}});
  }
  FIGURANT_RETURN_IF_ERROR(ledger.Append(events).status());
  return static_cast<int>(by_double.size());
}

}  // namespace figurant::ledger
