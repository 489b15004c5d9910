#include "ledger/statement.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "consent/terms.h"

namespace figurant::ledger {

using nlohmann::json;

namespace {

struct Usage {
  std::string render, production, shot, double_id, performer, licence;
  int frame = 0;
  double fps = 24, pixels = 0;
  bool synthetic = false;
  int agents = 1;
};

std::string Money(double v, const std::string& currency) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f %s", v, currency.c_str());
  return buf;
}

std::string Num(double v, int d = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", d, v);
  return buf;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

json LineJson(const ProductionLine& l) {
  json j = {{"production", l.production},
            {"licence", l.licence},
            {"frames", l.frames},
            {"shots", l.shots},
            {"screen_seconds", l.screen_seconds},
            {"pixels", l.pixels},
            {"amount", l.amount},
            {"currency", l.currency},
            {"terms",
             {{"per_production_fee", l.per_production_fee},
              {"per_screen_second", l.per_screen_second},
              {"minimum_per_production", l.minimum}}}};
  if (!l.terms_known) j["amount_unknown"] = true;
  return j;
}

std::string Warnings(const json& j) {
  std::string out;
  for (const json& w : j["warnings"]) out += "  warning: " + w.get<std::string>() + "\n";
  return out;
}

std::string HeadText(const SignedHead& h) {
  return "ledger head: " + std::to_string(h.tree_size) + " entries, root " + ToHex(h.root);
}

}  // namespace

namespace {

// Gathers what statements need from entries in ledger order, then totals them (Finish).
class Accumulator {
 public:
  Status Add(const Entry& e) {
    if (e.type != EntryType::kLicenceSigned && e.type != EntryType::kUsage &&
        e.type != EntryType::kSupersede) {
      return Status::Ok();
    }
    const json j = json::parse(e.payload, nullptr, false);
    if (!j.is_object()) {
      return DataLoss("ledger entry " + std::to_string(e.seq) + ": payload is not a JSON object");
    }
    switch (e.type) {
      case EntryType::kLicenceSigned:
        AddLicence(e.seq, j);
        break;
      case EntryType::kUsage:
        return AddUsage(e.seq, j);
      case EntryType::kSupersede:
        latest_[{j.value("production", ""), j.value("shot", ""), j.value("frame", 0)}] =
            j.value("render", "");
        break;
      default:
        break;
    }
    return Status::Ok();
  }

  Statements Finish(const SignedHead& head);

 private:
  struct Key {
    std::string production, shot;
    int frame = 0;
    // NOLINTNEXTLINE(modernize-use-nullptr): clang-tidy 14 misreads defaulted <=>.
    auto operator<=>(const Key&) const = default;
  };
  struct Usage {
    std::string render, double_id, performer, licence;
    Key key;
    double fps = 24, pixels = 0;
    bool synthetic = false;
    std::vector<std::string> agents;
  };
  struct Licence {
    std::string performer;
    bool synthetic = false;
    bool terms_ok = false;
    std::string problem;
    consent::Compensation comp;
  };

  void AddLicence(uint64_t seq, const json& j) {
    const std::string id = j.value("licence", "");
    Licence& l = licences_[id];  // a later signature of the same licence replaces the terms
    l.performer = j.value("performer", "");
    l.synthetic = j.value("synthetic", false);
    auto terms = consent::ParseTerms(j.contains("terms") ? j["terms"] : json(),
                                     "ledger entry " + std::to_string(seq));
    l.terms_ok = terms.ok();
    if (terms.ok()) {
      l.comp = terms->compensation;
    } else {
      l.problem = terms.status().message();
    }
  }

  Status AddUsage(uint64_t seq, const json& j) {
    Usage u;
    u.render = j.value("render", "");
    u.key = {j.value("production", ""), j.value("shot", ""), j.value("frame", 0)};
    u.fps = j.value("fps", 24.0);
    u.double_id = j.value("double", "");
    u.performer = j.value("performer", "");
    u.licence = j.value("licence", "");
    u.pixels = j.value("pixels", 0.0);
    u.synthetic = j.value("synthetic", false);
    if (!(u.fps > 0) || u.fps > 1000) {
      return DataLoss("ledger entry " + std::to_string(seq) + ": fps must be in (0, 1000]");
    }
    if (const auto names = j.find("agent_names"); names != j.end() && names->is_array()) {
      for (const json& n : *names) {
        if (n.is_string()) u.agents.push_back(n.get<std::string>());
      }
    } else {
      // Entries written before agent names were recorded: stand-ins, one per agent.
      for (int i = 0; i < j.value("agents", 1); ++i) {
        u.agents.push_back(u.double_id + "#" + std::to_string(i));
      }
    }
    auto [it, fresh] = latest_.try_emplace(u.key, u.render);
    if (!fresh && it->second != u.render) {
      // A new render of the frame without its supersede entry: it replaces the old one anyway.
      if (supersede_missing_.insert(u.key).second) ++frames_without_supersede_;
      it->second = u.render;
    }
    if (!seen_
             .insert(u.render + '\0' + u.key.production + '\0' + u.key.shot + '\0' +
                     std::to_string(u.key.frame) + '\0' + u.double_id)
             .second) {
      ++duplicates_;
      return Status::Ok();
    }
    usages_.push_back(std::move(u));
    return Status::Ok();
  }

  std::map<std::string, Licence> licences_;
  std::vector<Usage> usages_;
  std::map<Key, std::string> latest_;  // frame → the render that counts
  std::set<std::string> seen_;         // render, frame and double of every usage kept
  std::set<Key> supersede_missing_;
  uint64_t frames_without_supersede_ = 0, duplicates_ = 0;
};

std::string FrameId(const std::string& shot, int frame) {
  return shot + '\0' + std::to_string(frame);
}

Statements Accumulator::Finish(const SignedHead& head) {
  Statements s;
  s.head = head;
  for (const auto& [id, l] : licences_) {
    PerformerStatement& p = s.performers[l.performer];
    p.performer = l.performer;
    p.synthetic = p.synthetic || l.synthetic;
    if (!l.terms_ok) {
      s.warnings.push_back("licence " + id + ": terms unreadable: " + l.problem);
      continue;
    }
    p.licence_currency[id] = l.comp.currency;
    if (!l.synthetic) p.scan_fees[id] = l.comp.scan_fee;
  }
  struct LineState {
    ProductionLine line;
    std::set<std::string> frames;
  };
  // (performer, licence, production) → line; production → population frames.
  std::map<std::tuple<std::string, std::string, std::string>, LineState> lines;
  std::map<std::string, std::set<std::string>> synthetic_frames, real_frames;
  for (const Usage& u : usages_) {
    if (latest_.at(u.key) != u.render) continue;  // superseded by a later render of the frame
    const std::string frame = FrameId(u.key.shot, u.key.frame);
    auto& population = u.synthetic ? s.synthetic : s.real;
    PopulationLine& pop = population[u.key.production];
    pop.production = u.key.production;
    for (const std::string& a : u.agents) pop.agents.insert(u.key.shot + "/" + a);
    pop.doubles.insert(u.double_id);
    pop.screen_seconds += 1.0 / u.fps;
    (u.synthetic ? synthetic_frames : real_frames)[u.key.production].insert(frame);
    PerformerStatement& p = s.performers[u.performer];
    p.performer = u.performer;
    if (u.synthetic) {
      p.synthetic = true;
      continue;
    }
    LineState& st = lines[{u.performer, u.licence, u.key.production}];
    st.line.production = u.key.production;
    st.line.licence = u.licence;
    st.frames.insert(frame);
    st.line.shots.insert(u.key.shot);
    st.line.screen_seconds += 1.0 / u.fps;
    st.line.pixels += u.pixels;
  }
  for (auto& [production, frames] : synthetic_frames)
    s.synthetic[production].frames = frames.size();
  for (auto& [production, frames] : real_frames) s.real[production].frames = frames.size();
  std::set<std::string> warned;
  for (auto& [key, st] : lines) {
    const auto& [performer, licence_id, production] = key;
    ProductionLine& line = st.line;
    line.frames = st.frames.size();
    const auto it = licences_.find(licence_id);
    if (it == licences_.end() || !it->second.terms_ok) {
      line.terms_known = false;
      if (it == licences_.end() && warned.insert(licence_id).second) {
        s.warnings.push_back("usage under licence " + (licence_id.empty() ? "(none)" : licence_id) +
                             " by performer " + performer +
                             ", which has no licence_signed entry in the ledger: amount unknown");
      }
    } else {
      const consent::Compensation& c = it->second.comp;
      line.currency = c.currency;
      line.per_production_fee = c.per_production_fee;
      line.per_screen_second = c.per_screen_second;
      line.minimum = c.minimum_per_production;
      line.amount = std::max(c.per_production_fee + c.per_screen_second * line.screen_seconds,
                             c.minimum_per_production);
    }
    s.performers[performer].productions.push_back(line);
  }
  for (auto& [id, p] : s.performers) {
    if (p.synthetic) continue;
    for (const auto& [lic, fee] : p.scan_fees) p.total[p.licence_currency[lic]] += fee;
    for (const ProductionLine& l : p.productions) {
      if (l.terms_known) p.total[l.currency] += l.amount;
    }
  }
  if (frames_without_supersede_ > 0) {
    s.warnings.push_back(std::to_string(frames_without_supersede_) +
                         " frame(s) re-rendered without a supersede entry: only the latest render "
                         "of each is counted");
  }
  if (duplicates_ > 0) {
    s.warnings.push_back(std::to_string(duplicates_) +
                         " duplicate usage event(s) (same render, frame and double) not counted");
  }
  return s;
}

}  // namespace

Result<Statements> ComputeStatements(const Ledger& ledger) {
  Accumulator acc;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const Entry& e) { return acc.Add(e); }));
  return acc.Finish(ledger.head());
}

Result<Statements> ComputeStatements(std::string_view log_bytes,
                                     const std::array<uint8_t, 32>& public_key) {
  Accumulator acc;
  FIGURANT_ASSIGN_OR_RETURN(
      VerifyReport report,
      ReadLog(log_bytes, public_key, [&](const Entry& e) { return acc.Add(e); }));
  return acc.Finish(report.last_head);
}

json PerformerStatementJson(const Statements& s, const std::string& performer,
                            const std::optional<std::string>& production) {
  json j = {{"performer", performer}, {"ledger_head", s.head.ToJson()}};
  const auto it = s.performers.find(performer);
  json prods = json::array();
  std::map<std::string, double> total;
  std::set<std::string> counted;
  bool synthetic = false;
  if (it != s.performers.end()) {
    synthetic = it->second.synthetic;
    for (const ProductionLine& l : it->second.productions) {
      if (production && l.production != *production) continue;
      prods.push_back(LineJson(l));
      if (l.terms_known) total[l.currency] += l.amount;
      counted.insert(l.production);
    }
    if (!production) {
      json fees = json::array();
      for (const auto& [lic, fee] : it->second.scan_fees) {
        fees.push_back({{"licence", lic},
                        {"scan_fee", fee},
                        {"currency", it->second.licence_currency.at(lic)}});
        total[it->second.licence_currency.at(lic)] += fee;
      }
      j["scan_fees"] = fees;
    }
  }
  j["synthetic"] = synthetic;
  j["productions"] = prods;
  j["production_count"] = counted.size();
  j["total"] = synthetic ? json::object() : json(total);
  if (production)
    j["note"] = "scan fees are owed once per licence: see the statement without --production";
  j["warnings"] = s.warnings;
  return j;
}

json ProductionStatementJson(const Statements& s, const std::string& production) {
  json performers = json::array();
  std::map<std::string, double> total;
  for (const auto& [id, p] : s.performers) {
    if (p.synthetic) continue;
    for (const ProductionLine& l : p.productions) {
      if (l.production != production) continue;
      json line = LineJson(l);
      line["performer"] = id;
      performers.push_back(line);
      if (l.terms_known) total[l.currency] += l.amount;
    }
  }
  auto population = [&](const std::map<std::string, PopulationLine>& lines) {
    const auto it = lines.find(production);
    if (it == lines.end()) return json(nullptr);
    return json{{"doubles", it->second.doubles.size()},
                {"agents", it->second.agents.size()},
                {"frames", it->second.frames},
                {"screen_seconds", it->second.screen_seconds}};
  };
  json syn = population(s.synthetic);
  if (!syn.is_null()) syn["amount"] = 0;
  return {{"production", production},
          {"ledger_head", s.head.ToJson()},
          {"performers", performers},
          {"total", total},
          {"real", population(s.real)},
          {"synthetic", syn},
          {"note", "scan fees are owed once per licence and appear in each performer's statement"},
          {"warnings", s.warnings}};
}

std::string PerformerStatementText(const Statements& s, const std::string& performer,
                                   const std::optional<std::string>& production) {
  const json j = PerformerStatementJson(s, performer, production);
  std::ostringstream t;
  t << "Statement for performer " << performer
    << (production ? " in production " + *production : std::string()) << "\n";
  if (j["synthetic"].get<bool>()) t << "  synthetic performer: no real person, nothing owed\n";
  if (j.contains("scan_fees")) {
    for (const json& f : j["scan_fees"]) {
      t << "  scan fee (licence " << f["licence"].get<std::string>()
        << "): " << Money(f["scan_fee"].get<double>(), f["currency"].get<std::string>()) << "\n";
    }
  }
  for (const json& p : j["productions"]) {
    t << "  " << p["production"].get<std::string>() << ": " << p["frames"].get<uint64_t>()
      << " frames in " << p["shots"].size() << " shot(s), "
      << Num(p["screen_seconds"].get<double>()) << " screen-seconds → "
      << (p.contains("amount_unknown")
              ? std::string("amount unknown (licence terms not in the ledger)")
              : Money(p["amount"].get<double>(), p["currency"].get<std::string>()))
      << " (licence " << p["licence"].get<std::string>() << ")\n";
  }
  for (const auto& [cur, v] : j["total"].items())
    t << "  total owed: " << Money(v.get<double>(), cur) << "\n";
  if (j.contains("note")) t << "  " << j["note"].get<std::string>() << "\n";
  t << Warnings(j);
  t << "  " << HeadText(s.head) << "\n";
  return t.str();
}

std::string ProductionStatementText(const Statements& s, const std::string& production) {
  const json j = ProductionStatementJson(s, production);
  std::ostringstream t;
  t << "Statement for production " << production << "\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "  %-22s %-22s %8s %14s %14s\n", "performer", "licence", "frames",
                "screen-seconds", "owed");
  t << buf;
  for (const json& p : j["performers"]) {
    std::snprintf(buf, sizeof buf, "  %-22s %-22s %8llu %14.2f %14s\n",
                  p["performer"].get<std::string>().c_str(),
                  p["licence"].get<std::string>().c_str(),
                  static_cast<unsigned long long>(p["frames"].get<uint64_t>()),
                  p["screen_seconds"].get<double>(),
                  p.contains("amount_unknown")
                      ? "unknown"
                      : Money(p["amount"].get<double>(), p["currency"].get<std::string>()).c_str());
    t << buf;
  }
  for (const auto& [cur, v] : j["total"].items()) {
    t << "  total owed: " << Money(v.get<double>(), cur) << " (" << j["note"].get<std::string>()
      << ")\n";
  }
  for (const char* who : {"real", "synthetic"}) {
    if (j[who].is_null()) continue;
    std::snprintf(buf, sizeof buf,
                  "  %s performers%s: %zu agents, %zu doubles, %llu frames, %.2f screen-seconds\n",
                  who, std::string_view(who) == "synthetic" ? " (no real person, not paid)" : "",
                  j[who]["agents"].get<size_t>(), j[who]["doubles"].get<size_t>(),
                  static_cast<unsigned long long>(j[who]["frames"].get<uint64_t>()),
                  j[who]["screen_seconds"].get<double>());
    t << buf;
  }
  t << Warnings(j);
  t << "  " << HeadText(s.head) << "\n";
  return t.str();
}

std::string ProductionStatementCsv(const Statements& s, const std::string& production) {
  const json j = ProductionStatementJson(s, production);
  std::string out = "production,performer,licence,frames,screen_seconds,amount,currency\n";
  for (const json& p : j["performers"]) {
    out += CsvField(production) + "," + CsvField(p["performer"]) + "," + CsvField(p["licence"]) +
           "," + std::to_string(p["frames"].get<uint64_t>()) + "," +
           Num(p["screen_seconds"].get<double>(), 4) + "," + Num(p["amount"].get<double>()) + "," +
           CsvField(p["currency"]) + "\n";
  }
  if (!j["synthetic"].is_null()) {
    out += CsvField(production) + ",synthetic,," +
           std::to_string(j["synthetic"]["frames"].get<uint64_t>()) + "," +
           Num(j["synthetic"]["screen_seconds"].get<double>(), 4) + ",0.00,\n";
  }
  return out;
}

std::string PerformerStatementCsv(const Statements& s, const std::string& performer,
                                  const std::optional<std::string>& production) {
  const json j = PerformerStatementJson(s, performer, production);
  std::string out = "performer,item,licence,frames,screen_seconds,amount,currency\n";
  if (j.contains("scan_fees")) {
    for (const json& f : j["scan_fees"]) {
      out += CsvField(performer) + ",scan_fee," + CsvField(f["licence"]) + ",,," +
             Num(f["scan_fee"].get<double>()) + "," + CsvField(f["currency"]) + "\n";
    }
  }
  for (const json& p : j["productions"]) {
    out += CsvField(performer) + "," + CsvField(p["production"]) + "," + CsvField(p["licence"]) +
           "," + std::to_string(p["frames"].get<uint64_t>()) + "," +
           Num(p["screen_seconds"].get<double>(), 4) + "," + Num(p["amount"].get<double>()) + "," +
           CsvField(p["currency"]) + "\n";
  }
  return out;
}

}  // namespace figurant::ledger
