#include "ledger/statement.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <tuple>

#include "consent/terms.h"
#include "ledger/internal/billed_units.h"
#include "ledger/payloads.h"

namespace figurant::ledger {

using nlohmann::json;

namespace {

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

// A licence as its latest licence_signed entry states it.
struct Licence {
  std::string performer;
  bool synthetic = false;
  bool terms_ok = false;
  std::string problem;  // why the terms do not parse, when they do not
  consent::Compensation comp;
};

// What one real performer's counted usage under one licence in one production adds up to.
struct LineTally {
  ProductionLine line;
  std::set<std::string> frames;  // FrameId of every frame counted
};
using LineKey =
    std::tuple<std::string, std::string, std::string>;  // performer, licence, production

using internal::Unit;
using internal::UnitKey;

// Every unit, summed.
struct UsageTally {
  std::map<LineKey, LineTally> lines;                     // real performers only
  std::map<std::string, PopulationLine> real, synthetic;  // by production
  std::map<std::string, bool> performers;                 // performer → synthetic
};

std::string FrameId(const std::string& shot, int frame) {
  return shot + '\0' + std::to_string(frame);
}

void AddToPopulation(const UnitKey& key, const Unit& unit, PopulationLine& pop,
                     std::map<std::string, std::set<std::string>>& frames) {
  pop.production = key.frame.production;
  for (const std::string& a : unit.agent_names) pop.agents.insert(key.frame.shot + "/" + a);
  pop.doubles.insert(key.double_id);
  pop.screen_seconds += unit.seconds;
  frames[key.frame.production].insert(FrameId(key.frame.shot, key.frame.frame));
}

void AddToLine(const UnitKey& key, const Unit& unit, LineTally& t) {
  t.line.production = key.frame.production;
  t.line.licence = unit.first.licence_id;
  t.frames.insert(FrameId(key.frame.shot, key.frame.frame));
  t.line.shots.insert(key.frame.shot);
  t.line.screen_seconds += unit.seconds;
  t.line.pixels += unit.pixels;
}

UsageTally TallyUsage(const std::map<UnitKey, Unit>& units) {
  UsageTally t;
  std::map<std::string, std::set<std::string>> synthetic_frames, real_frames;  // by production
  for (const auto& [key, unit] : units) {
    const UsageEvent& u = unit.first;
    auto& population = u.synthetic ? t.synthetic : t.real;
    AddToPopulation(key, unit, population[key.frame.production],
                    u.synthetic ? synthetic_frames : real_frames);
    bool& synthetic = t.performers[u.performer_id];
    synthetic = synthetic || u.synthetic;
    if (!u.synthetic)
      AddToLine(key, unit, t.lines[{u.performer_id, u.licence_id, key.frame.production}]);
  }
  for (auto& [production, frames] : synthetic_frames) {
    t.synthetic[production].frames = frames.size();
  }
  for (auto& [production, frames] : real_frames) t.real[production].frames = frames.size();
  return t;
}

// A line priced under its licence's terms, or marked unknown (and warned about, once per licence)
// when the ledger holds no terms for it.
ProductionLine PriceLine(const LineKey& key, const LineTally& t,
                         const std::map<std::string, Licence>& licences,
                         std::set<std::string>& warned, std::vector<std::string>& warnings) {
  const auto& [performer, licence_id, production] = key;
  ProductionLine line = t.line;
  line.frames = t.frames.size();
  const auto it = licences.find(licence_id);
  if (it == licences.end() || !it->second.terms_ok) {
    line.terms_known = false;
    if (it == licences.end() && warned.insert(licence_id).second) {
      warnings.push_back("usage under licence " + (licence_id.empty() ? "(none)" : licence_id) +
                         " by performer " + performer +
                         ", which has no licence_signed entry in the ledger: amount unknown");
    }
    return line;
  }
  const consent::Compensation& c = it->second.comp;
  line.currency = c.currency;
  line.per_production_fee = c.per_production_fee;
  line.per_screen_second = c.per_screen_second;
  line.minimum = c.minimum_per_production;
  line.amount = std::max(c.per_production_fee + c.per_screen_second * line.screen_seconds,
                         c.minimum_per_production);
  return line;
}

// Scan fees and currencies of every licence with readable terms; a warning for the others.
void AddLicences(const std::map<std::string, Licence>& licences, Statements& s) {
  for (const auto& [id, l] : licences) {
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
}

void AddTotals(Statements& s) {
  for (auto& [id, p] : s.performers) {
    if (p.synthetic) continue;
    for (const auto& [lic, fee] : p.scan_fees) p.total[p.licence_currency[lic]] += fee;
    for (const ProductionLine& l : p.productions) {
      if (l.terms_known) p.total[l.currency] += l.amount;
    }
  }
}

}  // namespace

// Gathers what statements need from entries in ledger order (Add), then prices and totals them
// (Finish, repeatable: ApplyDeclaredRates sets, never accumulates).
struct StatementsBuilder::Impl {
 public:
  Status Add(const Entry& e) {
    switch (e.type) {
      case EntryType::kLicenceSigned: {
        FIGURANT_ASSIGN_OR_RETURN(LicenceSignedEvent l, ParseLicenceSigned(e));
        AddLicence(e.seq, l);
        return Status::Ok();
      }
      default:
        return units_.Add(e);
    }
  }

  Statements Finish(const SignedHead& head) {
    Statements s;
    s.head = head;
    units_.ApplyDeclaredRates(s.warnings);
    AddLicences(licences_, s);
    UsageTally tally = TallyUsage(units_.units());
    s.real = std::move(tally.real);
    s.synthetic = std::move(tally.synthetic);
    for (const auto& [id, synthetic] : tally.performers) {
      PerformerStatement& p = s.performers[id];
      p.performer = id;
      p.synthetic = p.synthetic || synthetic;
    }
    std::set<std::string> warned;
    for (const auto& [key, t] : tally.lines) {
      s.performers[std::get<0>(key)].productions.push_back(
          PriceLine(key, t, licences_, warned, s.warnings));
    }
    AddTotals(s);
    units_.AddRecordWarnings(s.warnings);
    return s;
  }

 private:
  void AddLicence(uint64_t seq, const LicenceSignedEvent& e) {
    Licence& l = licences_[e.licence_id];  // a later signature of the same licence replaces it
    l.performer = e.performer_id;
    l.synthetic = e.synthetic;
    auto terms = consent::ParseTerms(e.terms, "ledger entry " + std::to_string(seq));
    l.terms_ok = terms.ok();
    if (terms.ok()) {
      l.comp = terms->compensation;
    } else {
      l.problem = terms.status().message();
    }
  }

  std::map<std::string, Licence> licences_;
  internal::BilledUnits units_;  // usage, supersede and production_declared entries
};

StatementsBuilder::StatementsBuilder() : impl_(std::make_unique<Impl>()) {}
StatementsBuilder::~StatementsBuilder() = default;
StatementsBuilder::StatementsBuilder(StatementsBuilder&&) noexcept = default;
StatementsBuilder& StatementsBuilder::operator=(StatementsBuilder&&) noexcept = default;
Status StatementsBuilder::Add(const Entry& entry) { return impl_->Add(entry); }
Statements StatementsBuilder::Finish(const SignedHead& head) { return impl_->Finish(head); }

Result<Statements> ComputeStatements(const Ledger& ledger) {
  StatementsBuilder acc;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const Entry& e) { return acc.Add(e); }));
  return acc.Finish(ledger.head());
}

Result<Statements> ComputeStatements(std::string_view log_bytes,
                                     const std::array<uint8_t, 32>& public_key) {
  StatementsBuilder acc;
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
    j["note"] =
        "scan fees are owed once per licence: see the performer's statement over all productions";
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
