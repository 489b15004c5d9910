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

std::string HeadText(const SignedHead& h) {
  return "ledger head: " + std::to_string(h.tree_size) + " entries, root " + ToHex(h.root);
}

}  // namespace

Result<Statements> ComputeStatements(const Ledger& ledger) {
  Statements s;
  s.head = ledger.head();
  struct Licence {
    std::string performer, currency;
    bool synthetic = false;
    consent::Compensation comp;
  };
  std::map<std::string, Licence> licences;
  std::vector<Usage> usages;
  std::set<std::tuple<std::string, std::string, int, std::string>> superseded;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const Entry& e) -> Status {
    const json j = json::parse(e.payload, nullptr, false);
    auto bad = [&](const std::string& why) {
      return DataLoss("ledger entry " + std::to_string(e.seq) + ": " + why);
    };
    if (!j.is_object()) return bad("payload is not a JSON object");
    switch (e.type) {
      case EntryType::kLicenceSigned: {
        auto terms =
            consent::ParseTerms(j.value("terms", json()), "ledger entry " + std::to_string(e.seq));
        if (!terms.ok()) return bad(terms.status().message());
        Licence& l = licences[j.value("licence", "")];
        l.performer = j.value("performer", "");
        l.synthetic = j.value("synthetic", false);
        l.comp = terms->compensation;
        PerformerStatement& p = s.performers[l.performer];
        p.performer = l.performer;
        p.synthetic = l.synthetic;
        p.licence_currency[j.value("licence", "")] = l.comp.currency;
        if (!l.synthetic) p.scan_fees[j.value("licence", "")] = l.comp.scan_fee;
        break;
      }
      case EntryType::kUsage: {
        Usage u;
        u.render = j.value("render", "");
        u.production = j.value("production", "");
        u.shot = j.value("shot", "");
        u.frame = j.value("frame", 0);
        u.fps = j.value("fps", 24.0);
        u.double_id = j.value("double", "");
        u.performer = j.value("performer", "");
        u.licence = j.value("licence", "");
        u.pixels = j.value("pixels", 0.0);
        u.synthetic = j.value("synthetic", false);
        u.agents = j.value("agents", 1);
        if (!(u.fps > 0)) return bad("fps must be > 0");
        usages.push_back(std::move(u));
        break;
      }
      case EntryType::kSupersede:
        superseded.insert({j.value("production", ""), j.value("shot", ""), j.value("frame", 0),
                           j.value("superseded", "")});
        break;
      default:
        break;
    }
    return Status::Ok();
  }));

  // Aggregate the usage that still counts: (performer, licence, production) → line.
  std::map<std::tuple<std::string, std::string, std::string>, ProductionLine> lines;
  for (const Usage& u : usages) {
    if (superseded.contains({u.production, u.shot, u.frame, u.render})) continue;
    if (u.synthetic) {
      SyntheticLine& syn = s.synthetic[u.production];
      syn.production = u.production;
      syn.frames += 1;
      syn.screen_seconds += 1.0 / u.fps;
      syn.agents.insert(u.double_id);
      PerformerStatement& p = s.performers[u.performer];
      p.performer = u.performer;
      p.synthetic = true;
      continue;
    }
    ProductionLine& line = lines[{u.performer, u.licence, u.production}];
    line.production = u.production;
    line.licence = u.licence;
    line.frames += 1;
    line.shots.insert(u.shot);
    line.screen_seconds += 1.0 / u.fps;
    line.pixels += u.pixels;
  }
  for (auto& [key, line] : lines) {
    const auto& [performer, licence_id, production] = key;
    PerformerStatement& p = s.performers[performer];
    p.performer = performer;
    const auto it = licences.find(licence_id);
    if (it == licences.end()) {
      return DataLoss("usage under licence " + licence_id +
                      " which has no licence_signed entry in the ledger");
    }
    const consent::Compensation& c = it->second.comp;
    line.currency = c.currency;
    line.per_production_fee = c.per_production_fee;
    line.per_screen_second = c.per_screen_second;
    line.minimum = c.minimum_per_production;
    line.amount = std::max(c.per_production_fee + c.per_screen_second * line.screen_seconds,
                           c.minimum_per_production);
    p.productions.push_back(line);
  }
  for (auto& [id, p] : s.performers) {
    if (p.synthetic) continue;
    for (const auto& [lic, fee] : p.scan_fees) p.total[p.licence_currency[lic]] += fee;
    for (const ProductionLine& l : p.productions) p.total[l.currency] += l.amount;
  }
  return s;
}

json PerformerStatementJson(const Statements& s, const std::string& performer,
                            const std::optional<std::string>& production) {
  json j = {{"performer", performer}, {"ledger_head", s.head.ToJson()}};
  const auto it = s.performers.find(performer);
  json prods = json::array();
  std::map<std::string, double> total;
  bool synthetic = false;
  if (it != s.performers.end()) {
    synthetic = it->second.synthetic;
    for (const ProductionLine& l : it->second.productions) {
      if (production && l.production != *production) continue;
      prods.push_back({{"production", l.production},
                       {"licence", l.licence},
                       {"frames", l.frames},
                       {"shots", l.shots},
                       {"screen_seconds", l.screen_seconds},
                       {"amount", l.amount},
                       {"currency", l.currency}});
      total[l.currency] += l.amount;
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
  j["total"] = synthetic ? json::object() : json(total);
  return j;
}

json ProductionStatementJson(const Statements& s, const std::string& production) {
  json performers = json::array();
  for (const auto& [id, p] : s.performers) {
    if (p.synthetic) continue;
    for (const ProductionLine& l : p.productions) {
      if (l.production != production) continue;
      performers.push_back({{"performer", id},
                            {"licence", l.licence},
                            {"frames", l.frames},
                            {"shots", l.shots},
                            {"screen_seconds", l.screen_seconds},
                            {"amount", l.amount},
                            {"currency", l.currency}});
    }
  }
  json syn = nullptr;
  if (const auto it = s.synthetic.find(production); it != s.synthetic.end()) {
    syn = {{"doubles", it->second.agents.size()},
           {"frames", it->second.frames},
           {"screen_seconds", it->second.screen_seconds},
           {"amount", 0}};
  }
  return {{"production", production},
          {"ledger_head", s.head.ToJson()},
          {"performers", performers},
          {"synthetic", syn}};
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
      << Money(p["amount"].get<double>(), p["currency"].get<std::string>()) << "\n";
  }
  for (const auto& [cur, v] : j["total"].items())
    t << "  total owed: " << Money(v.get<double>(), cur) << "\n";
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
                  Money(p["amount"].get<double>(), p["currency"].get<std::string>()).c_str());
    t << buf;
  }
  if (!j["synthetic"].is_null()) {
    std::snprintf(buf, sizeof buf,
                  "  synthetic performers (no real person, not paid): %zu doubles, %llu frames, "
                  "%.2f screen-seconds\n",
                  j["synthetic"]["doubles"].get<size_t>(),
                  static_cast<unsigned long long>(j["synthetic"]["frames"].get<uint64_t>()),
                  j["synthetic"]["screen_seconds"].get<double>());
    t << buf;
  }
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
