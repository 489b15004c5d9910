#include "demo/demo.h"

#include <tbb/parallel_for.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/principal.h"
#include "api/sign_in.h"
#include "bank/bank.h"
#include "bank/device.h"
#include "core/file.h"
#include "core/ids.h"
#include "crowd/scene_spec.h"
#include "ledger/statement.h"
#include "scan/scan.h"
#include "shot/shot.h"
#include "synth/makehuman_performer.h"
#include "synth/synth.h"

namespace figurant::demo {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kDaysInWeek = 7;
// The examples' scenes are shot at 24 fps; the demo's production declares the same.
constexpr FrameRate kDemoFrameRate{24, 1};
// How long the demo's portal sign-in codes are valid. [Units: days]
constexpr int kPortalCodeDays = 7;

// The licence a demo performer signs, by index: a realistic mix.
enum class Kind {
  kProductionOnly,
  kPerSecond,
  kBlanketRepresented,
  kBlanketUnrepresented,
  kRevokedLastWeek,
  kExpired,
  kExcludesViolence
};

Kind KindOf(int i) {
  switch (i) {
    case 0:
      return Kind::kRevokedLastWeek;
    case 1:
      return Kind::kExpired;
    case 2:
      return Kind::kExcludesViolence;
    case 3:
    case 4:
    case 5:
      return Kind::kBlanketRepresented;
    case 6:
    case 7:
      return Kind::kBlanketUnrepresented;
    default:
      return i % 5 == 3 ? Kind::kPerSecond : Kind::kProductionOnly;
  }
}

json TermsFor(Kind k, const std::string& production, const Date& today) {
  json t = {{"productions", {production}},
            {"uses", {"background"}},
            {"media", {"streaming", "theatrical"}},
            {"territories", {"worldwide"}},
            {"valid_from", today.AddDays(-60).ToString()},
            {"valid_until", today.AddYears(2).ToString()},
            {"max_screen_height_fraction", 0.25},
            {"alterations", {"wardrobe_tint"}},
            {"excluded_content", {"nudity"}},
            {"compensation",
             {{"currency", "EUR"},
              {"scan_fee", 180.0},
              {"per_production_fee", 180.0},
              {"per_screen_second", 0.0},
              {"minimum_per_production", 0.0}}},
            {"revocable", true},
            {"revocation_notice_days", 0}};
  switch (k) {
    case Kind::kPerSecond:
      t["compensation"]["per_production_fee"] = 0.0;
      t["compensation"]["per_screen_second"] = 2.5;
      t["compensation"]["minimum_per_production"] = 25.0;
      break;
    case Kind::kBlanketRepresented:
    case Kind::kBlanketUnrepresented:
      t["productions"] = "any";
      t["valid_until"] = nullptr;
      t["revocation_notice_days"] = 30;
      break;
    case Kind::kExpired:
      t["valid_from"] = today.AddYears(-2).ToString();
      t["valid_until"] = today.AddDays(-30).ToString();
      break;
    case Kind::kExcludesViolence:
      t["excluded_content"] = {"nudity", "violence"};
      break;
    default:
      break;
  }
  return t;
}

std::string Fixed(double v, int d = 1) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", d, v);
  return b;
}

// `text` padded with spaces to `width` characters on screen (UTF-8 code points, not bytes), cut
// at a code point boundary when longer.
std::string PadRight(const std::string& text, size_t width) {
  std::string out;
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_char && shown == width) break;
    shown += starts_char;
    out += text[i];
  }
  out.append(width - shown, ' ');
  return out;
}

// Chapter 0: a clean directory for this run (the bank, the plates and the rewritten scenes).
Status PrepareDirectory(const DemoOptions& o) {
  if (o.performers < 12 || o.performers > 500) {
    return InvalidArgument("demo: performers must be in 12..500 (got " +
                           std::to_string(o.performers) + ")");
  }
  std::error_code ec;
  fs::remove_all(o.dir / "bank", ec);
  fs::remove_all(o.dir / "out", ec);
  fs::remove_all(o.dir / "scenes", ec);
  return EnsureDirectory(o.dir / "scenes");
}

// The bank, the studio and the production every shot is for.
struct DemoBank {
  std::unique_ptr<bank::Bank> bank;
  registry::Studio studio;
  registry::Production production;
  // Stands for the performers' own devices: each performer's private key is kept in the demo's
  // devices/ folder, beside (never inside) the bank, which only ever sees the public halves and
  // the signatures. Enrolment and signing go through the same path as the CLI's: performer
  // invite and enrol, licence offer, key sign, licence sign --signature.
  std::unique_ptr<bank::Device> devices;
};

// The studio's own key pair, in the demo's directory beside (never inside) the bank: a real studio
// makes it with `figurant key new` and keeps it; the bank only ever holds its public half.
Result<SigningKeyPair> StudioKey(const DemoOptions& o, std::ostream& out) {
  const fs::path file = o.dir / "studio.ed25519";
  const SigningKeyPair key = GenerateSigningKeyPair();
  FIGURANT_RETURN_IF_ERROR(bank::WriteSigningKey(file, key));
  out << "   the studio's signing key: " << file.string()
      << " (the demo's stand-in; a real studio keeps its own)\n";
  return key;
}

// Chapter 1: a new bank with a studio and its production, declared and signed by the studio.
Result<DemoBank> OpenDemoBank(const DemoOptions& o, const Clock& clock, std::ostream& out) {
  DemoBank b;
  FIGURANT_RETURN_IF_ERROR(EnsurePrivateDirectory(o.dir / "devices"));
  b.devices = std::make_unique<bank::Device>(o.dir / "devices");
  bool created = false;
  FIGURANT_ASSIGN_OR_RETURN(b.bank, bank::Bank::Init(o.dir / "bank", clock, &created));
  // The demo's stand-in key is on disk anyway; a studio's real key never leaves the studio.
  FIGURANT_ASSIGN_OR_RETURN(const SigningKeyPair studio_key, StudioKey(o, out));
  FIGURANT_ASSIGN_OR_RETURN(b.studio, b.bank->AddStudio("Lumière Pictures", studio_key.public_key));
  FIGURANT_ASSIGN_OR_RETURN(
      b.production, b.bank->AddProduction(consent::SignProduction({NewId(id_prefix::kProduction),
                                                                   b.studio.id,
                                                                   "Le Grand Match",
                                                                   {"streaming", "theatrical"},
                                                                   {"worldwide"},
                                                                   {"violence"},
                                                                   kDemoFrameRate},
                                                                  studio_key)));
  out << "   studio " << b.studio.name << ", production \"" << b.production.title << "\" ("
      << b.production.id << "): streaming and theatrical, worldwide, tagged violence, "
      << kDemoFrameRate.Name() << " fps, signed by the studio\n";
  return b;
}

// The generated performers and their doubles' meshes, one per performer.
struct Bodies {
  std::vector<synth::SyntheticPerformer> people;
  std::vector<Result<scan::ImportedScan>> scans;  // an error stops the demo when it is enrolled
  bool makehuman = false;                         // MakeHuman bodies, not procedural ones
};

// Chapter 1, the performers: generated bodies (in parallel), each a performer's double.
Result<Bodies> BuildBodies(const DemoOptions& o, std::ostream& out) {
  Bodies b;
  b.people.resize(static_cast<size_t>(o.performers));
  for (int i = 0; i < o.performers; ++i)
    b.people[static_cast<size_t>(i)] = synth::Describe(1000 + i);
  b.scans.assign(b.people.size(), InvalidArgument("not built"));
  std::optional<synth::MakeHumanKit> kit;
  if (!o.makehuman.empty()) {
    FIGURANT_ASSIGN_OR_RETURN(kit, synth::OpenMakeHumanKit(o.makehuman));
  }
  b.makehuman = kit.has_value();
  const auto t_bodies = std::chrono::steady_clock::now();
  tbb::parallel_for(size_t{0}, b.people.size(), [&](size_t i) {
    if (kit) {
      b.scans[i] = synth::BuildMakeHumanDouble(b.people[i], *kit);
      return;
    }
    synth::BuildBody(b.people[i]);
    b.scans[i] =
        scan::ImportGenerated(b.people[i].mesh, "synthetic body " + std::to_string(1000 + i),
                              Sha256Hex("synth:" + std::to_string(b.people[i].seed)), {});
  });
  const double body_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t_bodies).count();
  out << "   bodies: " << (kit ? "MakeHuman (" + o.makehuman.string() + "), posed" : "procedural")
      << ", " << Fixed(body_seconds, 1) << " s for " << b.people.size() << " ("
      << Fixed(body_seconds / static_cast<double>(std::max<size_t>(1, b.people.size())), 2)
      << " s each on the machine's cores)\n";
  return b;
}

struct Signed {
  std::string performer, licence;
  Kind kind;
};

// Every performer's signed licence, and how many of each kind.
struct Licences {
  std::vector<Signed> signed_by_performer;
  std::map<Kind, int> kind_counts;
  int synthetic = 0;  // performers registered as synthetic
};

// One performer in the bank: registered, their double added and the licence of their `kind`
// drafted and signed. `index` is the performer's place in the demo.
Result<Signed> Enrol(DemoBank& b, const Bodies& bodies, size_t index, Kind kind, bool synthetic,
                     const Date& today) {
  const synth::SyntheticPerformer& person = bodies.people[index];
  FIGURANT_RETURN_IF_ERROR(bodies.scans[index].status());
  FIGURANT_ASSIGN_OR_RETURN(
      auto p, b.bank->AddPerformer({person.name, std::nullopt,
                                    *consent::ParseLanguage(person.language), synthetic}));
  FIGURANT_RETURN_IF_ERROR(b.bank
                               ->AddDouble({p.id, person.name + " (generated)",
                                            synthetic          ? registry::SourceKind::kSynthetic
                                            : bodies.makehuman ? registry::SourceKind::kMakeHuman
                                                               : registry::SourceKind::kScan,
                                            person.look_tags},
                                           *bodies.scans[index])
                               .status());
  const json terms = TermsFor(kind, b.production.id, today);
  FIGURANT_ASSIGN_OR_RETURN(auto draft,
                            b.bank->DraftLicence(p.id, b.studio.id, terms.dump(), "demo terms"));
  const auto rep = kind == Kind::kBlanketUnrepresented ? consent::Representation::kNone
                                                       : consent::Representation::kUnion;
  FIGURANT_RETURN_IF_ERROR(b.devices->Sign(*b.bank, draft.licence.id, rep).status());
  return Signed{p.id, draft.licence.id, kind};
}

// Chapter 1, the licences: every performer enrolled with a licence of the mix. One in five
// stand-ins is registered as a synthetic performer (no real person, never paid) so the statement
// shows how synthetic background is reported; the others stand for scanned extras.
Result<Licences> EnrolPerformers(DemoBank& b, const Bodies& bodies, const Date& today) {
  Licences out;
  for (size_t i = 0; i < bodies.people.size(); ++i) {
    const bool is_synthetic = i % 5 == 4;
    out.synthetic += is_synthetic;
    const Kind kind = KindOf(static_cast<int>(i));
    ++out.kind_counts[kind];
    FIGURANT_ASSIGN_OR_RETURN(Signed s, Enrol(b, bodies, i, kind, is_synthetic, today));
    out.signed_by_performer.push_back(std::move(s));
  }
  return out;
}

// Revoked last week: the performer asked eight days ago, effective seven days ago.
Status RevokeLastWeek(const DemoOptions& o, const Clock& clock, const Date& today, DemoBank& b,
                      const Licences& licences) {
  b.bank->CloseLedger();  // the other Bank below appends the revocation
  FixedClock last_week(clock.Now() - 8 * 86400);
  FIGURANT_ASSIGN_OR_RETURN(auto earlier, bank::Bank::Open(o.dir / "bank", last_week));
  for (const Signed& s : licences.signed_by_performer) {
    if (s.kind != Kind::kRevokedLastWeek) continue;
    FIGURANT_RETURN_IF_ERROR(
        earlier->RevokeLicence(s.licence, today.AddDays(-kDaysInWeek)).status());
  }
  return Status::Ok();
}

void PrintLicenceMix(std::ostream& out, int performers, const Licences& l) {
  auto count = [&](Kind k) {
    const auto it = l.kind_counts.find(k);
    return it == l.kind_counts.end() ? 0 : it->second;
  };
  out << "   " << performers << " generated performers (" << l.synthetic
      << " registered as synthetic), each with a double and a signed licence:\n"
      << "     " << count(Kind::kProductionOnly)
      << " for background in this production only (EUR 180 scan fee + EUR 180 per production)\n"
      << "     " << count(Kind::kPerSecond)
      << " paid EUR 2.50 per screen-second (minimum EUR 25 per production)\n"
      << "     " << count(Kind::kBlanketRepresented) + count(Kind::kBlanketUnrepresented)
      << " blanket, perpetual grants (flagged; " << count(Kind::kBlanketUnrepresented)
      << " signed without representation: unenforceable under California AB 2602)\n"
      << "     1 revoked last week, 1 expired last month, 1 excluding violence\n";
}

// A crowd group scaled by `crowd_scale` (rows and seats by its square root, densities by it,
// spacings by its inverse); a seat mesh it names is found beside the example, since the scene is
// rewritten elsewhere.
void ScaleCrowd(json& g, const DemoOptions& o) {
  if (g.contains("rows")) {
    g["rows"] =
        std::max(2, static_cast<int>(std::lround(g["rows"].get<int>() * std::sqrt(o.crowd_scale))));
    g["seats_per_row"] = std::max(
        4, static_cast<int>(std::lround(g["seats_per_row"].get<int>() * std::sqrt(o.crowd_scale))));
  }
  if (g.contains("density_per_m2"))
    g["density_per_m2"] = g["density_per_m2"].get<double>() * o.crowd_scale;
  if (g.contains("spacing_m")) g["spacing_m"] = g["spacing_m"].get<double>() / o.crowd_scale;
  if (g.contains("seat_mesh") && g["seat_mesh"].is_string()) {
    g["seat_mesh"] = fs::absolute(o.examples / g["seat_mesh"].get<std::string>()).string();
  }
}

// The example scene `scene_name` rewritten for this run (the demo's production, its output
// folder, the options' size, samples and threads), written to dir/scenes and loaded.
Result<crowd::SceneSpec> PrepareScene(const DemoOptions& o, const char* scene_name,
                                      const std::string& production_id) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadFile(o.examples / scene_name));
  json scene = json::parse(text, nullptr, false);
  if (!scene.is_object()) return InvalidArgument((o.examples / scene_name).string() + ": not JSON");
  scene["production"] = production_id;
  // Plates go to <dir>/out (Shoot renders with <dir> as the output directory).
  scene["render"]["output"] =
      "out/" + fs::path(scene["render"]["output"].get<std::string>()).filename().string();
  if (o.spp > 0) scene["render"]["spp"] = o.spp;
  scene["render"]["threads"] = o.threads;
  auto& res = scene["camera"]["resolution"];
  res[0] = std::max(16, static_cast<int>(res[0].get<int>() * o.resolution_scale));
  res[1] = std::max(9, static_cast<int>(res[1].get<int>() * o.resolution_scale));
  for (json& g : scene["crowds"]) ScaleCrowd(g, o);
  const fs::path resolved = o.dir / "scenes" / scene_name;
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(resolved, scene.dump(2)));
  return crowd::LoadSceneSpec(resolved);
}

void PrintShotReport(std::ostream& out, const shot::ShotReport& r) {
  out << "   doubles eligible for the production: " << r.doubles_eligible << "\n";
  for (const auto& [reason, n] : r.excluded_by_reason) {
    out << "   excluded (" << reason << "): " << n << "\n";
  }
  for (const auto& g : r.groups) {
    out << "   group " << g.name << ": " << g.placed << " placed of " << g.asked
        << " asked, cast from " << g.doubles_eligible << " doubles; ";
    if (std::isfinite(g.clone_world_min_m)) {
      out << "nearest clones " << Fixed(g.clone_world_min_m, 2) << " m apart in the set, "
          << Fixed(g.clone_screen_min_fraction * 100, 1) << "% of frame width on screen"
          << (g.clone_constraints_met ? "" : " (constraint relaxed: the demo allows clones)");
    } else {
      out << "no double appears twice";
    }
    out << "\n";
  }
  uint64_t rays = 0;
  for (const auto& f : r.frames) rays += f.rays;
  out << "   rendered " << r.agents.size() << " agents in " << Fixed(r.render_seconds) << " s ("
      << Fixed(rays / std::max(r.render_seconds, 1e-9) / 1e6) << " Mrays/s); clone report "
      << r.clone_report.string() << "\n";
  for (const auto& f : r.frames) {
    out << "   plate " << f.exr.string() << " + " << f.png.filename().string() << "\n";
  }
}

// What a shot adds to the demo's summary.
struct ShotSummary {
  int agents = 0;
  std::vector<fs::path> plates;  // PNG previews
};

// Chapter 2: one example scene rendered, each frame metered into the ledger.
Result<ShotSummary> Shoot(const DemoOptions& o, const char* scene_name, DemoBank& b,
                          std::ostream& out) {
  FIGURANT_ASSIGN_OR_RETURN(crowd::SceneSpec spec, PrepareScene(o, scene_name, b.production.id));
  out << "\n== 2. Shot " << spec.shot << " (" << scene_name << ", " << spec.camera.width << "x"
      << spec.camera.height << ", " << spec.render.spp << " spp)\n";
  const std::string render_id = NewId(id_prefix::kRender);
  int events = 0;
  FIGURANT_ASSIGN_OR_RETURN(shot::FrameSink sink,
                            shot::MeteringSink(*b.bank, spec, render_id, &events));
  shot::ShotOptions so;
  so.allow_clones = true;
  so.output_dir = o.dir;
  so.progress = ::isatty(STDERR_FILENO) == 1;  // redraws a terminal line; noise in a log
  FIGURANT_ASSIGN_OR_RETURN(shot::ShotReport r, shot::RenderShot(*b.bank, spec, so, sink));
  PrintShotReport(out, r);
  out << "   metered " << events << " usage events under render " << render_id << "\n";
  ShotSummary shot;
  shot.agents = static_cast<int>(r.agents.size());
  for (const auto& f : r.frames) shot.plates.push_back(f.png);
  return shot;
}

// Chapter 3: the ledger verified with the bank's public key alone.
Status VerifyLedger(bank::Bank& bank, std::ostream& out) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * ledger, bank.Ledger());
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, ReadFile(ledger->file()));
  FIGURANT_ASSIGN_OR_RETURN(auto key, bank.PublicKey());
  FIGURANT_ASSIGN_OR_RETURN(auto verified, ledger::VerifyLog(bytes, key));
  out << "\n== 3. Ledger: " << verified.entries << " entries under " << verified.heads
      << " signed heads, verified with the bank's public key alone; root "
      << ToHex(verified.last_head.root).substr(0, 16) << "...\n";
  return Status::Ok();
}

// Chapter 4: what the production owes each performer, from the ledger.
Status PrintStatement(bank::Bank& bank, const registry::Production& production, std::ostream& out) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * ledger, bank.Ledger());
  FIGURANT_ASSIGN_OR_RETURN(auto statements, ledger::ComputeStatements(*ledger));
  const json st = ledger::ProductionStatementJson(statements, production.id);
  std::map<std::string, std::string> names;
  FIGURANT_ASSIGN_OR_RETURN(auto performers, bank.registry().ListPerformers());
  for (const auto& p : performers) names[p.id] = p.name;
  out << "\n== 4. Statement for \"" << production.title << "\"\n";
  out << "   " << std::left << std::setw(24) << "performer" << std::right << std::setw(8)
      << "frames" << std::setw(16) << "screen-seconds" << std::setw(16) << "owed"
      << "\n";
  double total = 0;
  for (const json& p : st["performers"]) {
    const std::string id = p["performer"];
    out << "   " << PadRight(names[id], 23) << " " << std::right << std::setw(8)
        << p["frames"].get<uint64_t>() << std::setw(16)
        << Fixed(p["screen_seconds"].get<double>(), 3) << std::setw(12)
        << Fixed(p["amount"].get<double>(), 2) << " EUR\n";
    total += p["amount"].get<double>();
  }
  if (!st["synthetic"].is_null()) {
    out << "   synthetic performers (no real person, not paid): " << st["synthetic"]["doubles"]
        << " doubles, " << Fixed(st["synthetic"]["screen_seconds"].get<double>(), 3)
        << " screen-seconds\n";
  }
  out << "   production total: " << Fixed(total, 2)
      << " EUR (plus scan fees, owed once per licence)\n";
  return Status::Ok();
}

// Chapter 5, the portal: a user for one performer who appears in the shots (their key is the one
// their device enrolled), for the studio (its key), for a union auditor and for an operator (keys
// made for them, kept in devices/), each with a one-time sign-in code; and an offer waiting for
// the performer, so the portal has one to read. Written to portal.txt too.
struct PortalUser {
  std::string who;
  api::NewUser user;
};

Result<std::string> SignInCodeFor(bank::Bank& bank, const Clock& clock, const PortalUser& u) {
  FIGURANT_ASSIGN_OR_RETURN(const registry::User user,
                            api::AddUser(bank.registry(), clock, u.user));
  FIGURANT_ASSIGN_OR_RETURN(
      const api::IssuedSignInCode code,
      api::IssueSignInCode(bank.registry(), clock, user.id, kPortalCodeDays * 86400));
  return "   " + PadRight(u.who, 44) + " " + code.code + "\n";
}

// A key made for a demo party that is not a performer, kept in devices/ as its device would.
Result<bank::Ed25519PublicKey> PartyKey(const DemoOptions& o, const std::string& name) {
  const SigningKeyPair key = GenerateSigningKeyPair();
  FIGURANT_RETURN_IF_ERROR(bank::WriteSigningKey(o.dir / "devices" / (name + ".ed25519"), key));
  return key.public_key;
}

Status OpenPortal(const DemoOptions& o, const Clock& clock, DemoBank& b, const Bodies& bodies,
                  const Licences& licences, std::ostream& out) {
  using registry::UserRole;
  // The first scanned (not synthetic) performer on an in-force per-production licence.
  size_t pick = 8;
  while (pick % 5 == 4 || KindOf(static_cast<int>(pick)) != Kind::kProductionOnly) ++pick;
  const Signed& chosen = licences.signed_by_performer.at(pick);
  const SigningKeyPair* device_key = b.devices->KeyOf(chosen.performer);
  if (device_key == nullptr) return Internal("demo: no device key for " + chosen.performer);
  json offer = TermsFor(Kind::kPerSecond, b.production.id, clock.Today());
  offer["compensation"]["per_screen_second"] = 3.0;
  FIGURANT_RETURN_IF_ERROR(
      b.bank->DraftLicence(chosen.performer, b.studio.id, offer.dump(), "demo offer").status());
  FIGURANT_ASSIGN_OR_RETURN(const auto union_key, PartyKey(o, "union"));
  FIGURANT_ASSIGN_OR_RETURN(const registry::Representative rep,
                            b.bank->AddRepresentative(registry::RepresentativeKind::kUnion,
                                                      "Syndicat des figurants", union_key));
  FIGURANT_ASSIGN_OR_RETURN(const auto operator_key, PartyKey(o, "operator"));
  bank::Ed25519PublicKey studio_key{};
  std::copy(b.studio.public_key.begin(), b.studio.public_key.end(), studio_key.begin());
  const std::string name = bodies.people.at(pick).name;
  const std::vector<PortalUser> users = {
      {"performer " + name + " (an offer waits)",
       {UserRole::kPerformer, chosen.performer, device_key->public_key}},
      {"studio " + b.studio.name, {UserRole::kStudio, b.studio.id, studio_key}},
      {"union auditor, " + rep.name, {UserRole::kUnion, rep.id, union_key}},
      {"operator", {UserRole::kOperator, "", operator_key}},
  };
  std::string text = "   figurant --bank " + (o.dir / "bank").string() +
                     " serve\n   then open http://localhost:8080/ and log in with a sign-in code "
                     "(each works once, for " +
                     std::to_string(kPortalCodeDays) + " days):\n";
  for (const PortalUser& u : users) {
    FIGURANT_ASSIGN_OR_RETURN(const std::string line, SignInCodeFor(*b.bank, clock, u));
    text += line;
  }
  out << "\n== 5. The portal\n" << text;
  return WriteFileAtomic(o.dir / "portal.txt", text);
}

}  // namespace

Result<DemoSummary> RunDemo(const DemoOptions& o, const Clock& clock, std::ostream& out) {
  const auto t0 = std::chrono::steady_clock::now();
  FIGURANT_RETURN_IF_ERROR(PrepareDirectory(o));
  const Date today = clock.Today();
  out << "== 1. A bank of " << o.performers << " performers\n";
  FIGURANT_ASSIGN_OR_RETURN(DemoBank b, OpenDemoBank(o, clock, out));
  FIGURANT_ASSIGN_OR_RETURN(const Bodies bodies, BuildBodies(o, out));
  FIGURANT_ASSIGN_OR_RETURN(const Licences licences, EnrolPerformers(b, bodies, today));
  FIGURANT_RETURN_IF_ERROR(RevokeLastWeek(o, clock, today, b, licences));
  PrintLicenceMix(out, o.performers, licences);

  DemoSummary summary;
  summary.performers = o.performers;
  summary.doubles = static_cast<int>(licences.signed_by_performer.size());
  for (const char* scene_name : {"stadium.json", "square.json"}) {
    FIGURANT_ASSIGN_OR_RETURN(ShotSummary shot, Shoot(o, scene_name, b, out));
    summary.agents_rendered += shot.agents;
    summary.plates.insert(summary.plates.end(), shot.plates.begin(), shot.plates.end());
  }
  FIGURANT_RETURN_IF_ERROR(VerifyLedger(*b.bank, out));
  FIGURANT_RETURN_IF_ERROR(PrintStatement(*b.bank, b.production, out));
  FIGURANT_RETURN_IF_ERROR(OpenPortal(o, clock, b, bodies, licences, out));
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out << "\nDone in " << Fixed(summary.seconds) << " s. Bank: " << (o.dir / "bank").string()
      << "  Plates: " << (o.dir / "out").string() << "\n";
  return summary;
}

}  // namespace figurant::demo
