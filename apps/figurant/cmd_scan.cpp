// scan import · double list|show · performer erase · retention run
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli.h"
#include "core/file.h"

namespace figurant::cli {
namespace {

using nlohmann::json;

using api::DoubleJson;

std::string LodText(const registry::Double& d) {
  const json lods = json::parse(d.lods_json.empty() ? "[]" : d.lods_json, nullptr, false);
  std::string out;
  int level = 0;
  for (const json& l : lods) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%sL%d %zu tris (err %.4f)", out.empty() ? "" : ", ", level++,
                  l.value("triangles", size_t{0}), l.value("error", 0.0));
    out += buf;
  }
  return out.empty() ? std::string("none") : out;
}

struct ImportArgs {
  std::string performer, file, units = "auto", name, makehuman, body, tags, pose;
  size_t max_triangles = 2'000'000;
};

void AddImportOptions(CLI::App& cmd, ImportArgs& a) {
  cmd.add_option("--performer", a.performer, "Performer id")->required();
  cmd.add_option("file", a.file, "Mesh file");
  cmd.add_option("--units", a.units, "Units of the file: auto, m, dm, cm, mm, in")
      ->check(CLI::IsMember({"auto", "m", "dm", "cm", "mm", "in"}));
  cmd.add_option("--name", a.name, "A label for the double");
  cmd.add_option("--tags", a.tags, "Look tags, comma-separated (e.g. winter_coats,formal)");
  cmd.add_option("--max-triangles", a.max_triangles, "Refuse larger scans");
  cmd.add_option("--makehuman", a.makehuman,
                 "Build the double from MakeHuman instead of a file: its data directory, or "
                 "none for the repository's assets/makehuman")
      ->expected(0, 1)
      ->default_str(FIGURANT_MAKEHUMAN_DIR);
  cmd.add_option("--body", a.body, "MakeHuman body sliders (JSON), with --makehuman");
  cmd.add_option("--pose", a.pose,
                 "With --makehuman: rest (A-pose), stand, or a BVH clip CLIP[:FRAME] (a path, or "
                 "relative to the MakeHuman directory, e.g. animations/walks/walk1.bvh:3)");
}

// --body's sliders, or MakeHuman's average body without one.
Result<scan::MakeHumanBody> ReadBody(const std::string& file) {
  if (file.empty()) return scan::MakeHumanBody{};
  auto text = ReadUserFile(file, scan::kBodyFile);
  if (!text.ok()) return text.status().WithContext("--body");
  return scan::ParseMakeHumanBody(*text, file);
}

// --pose, when given.
Result<std::optional<scan::MakeHumanPose>> ReadPose(const std::string& spec) {
  if (spec.empty()) return std::optional<scan::MakeHumanPose>();
  auto parsed = scan::ParseMakeHumanPose(spec);
  if (!parsed.ok()) return parsed.status().WithContext("--pose");
  return std::optional<scan::MakeHumanPose>(*parsed);
}

// The double the arguments describe: a mesh file, or a MakeHuman body. A height the units do not
// explain names --units, the flag that says which units the file uses.
Result<scan::ImportedScan> Import(const ImportArgs& a) {
  if (!a.pose.empty() && a.makehuman.empty()) return InvalidArgument("--pose needs --makehuman");
  if (a.file.empty() == a.makehuman.empty()) {
    return InvalidArgument("give a mesh file, or --makehuman [DIR] --body FILE");
  }
  scan::ImportOptions options;
  options.units = *scan::ParseUnits(a.units);
  options.max_triangles = a.max_triangles;
  if (a.makehuman.empty()) {
    return scan::ImportFile(a.file, options);
  }
  FIGURANT_ASSIGN_OR_RETURN(const scan::MakeHumanBody body, ReadBody(a.body));
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<scan::MakeHumanPose> pose, ReadPose(a.pose));
  return scan::ImportMakeHuman(a.makehuman, body, options, pose);
}

// One line about a new double for stderr: height, units, levels of detail, rig.
std::string ImportedLine(const registry::Double& d) {
  char h[32];
  std::snprintf(h, sizeof h, "%.3f", d.height_m);
  std::ostringstream out;
  out << "figurant: " << d.id << ": " << h << " m tall, read in " << d.units
      << (d.units_guessed ? " (guessed from the height; --units to override)" : "") << ", "
      << LodText(d) << ", "
      << (d.rigged ? "rigged (animatable)" : "no rig (posed double, not animatable)") << "\n";
  return out.str();
}

void RegisterImport(CLI::App& app, Context& ctx) {
  CLI::App* scan = app.add_subcommand("scan", "Scans: turn a scanning rig's files into a double");
  scan->require_subcommand(1);
  auto a = std::make_shared<ImportArgs>();
  CLI::App* cmd = scan->add_subcommand(
      "import", "Import a mesh (OBJ, PLY, glTF/GLB, FBX, DAE/ZAE) or a MakeHuman body as a double");
  AddImportOptions(*cmd, *a);
  cmd->callback([&ctx, a] {
    auto imported = Import(*a);
    if (!ctx.Check(imported.status())) return;
    for (const std::string& w : imported->warnings) std::cerr << "figurant: warning: " << w << "\n";
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    const registry::SourceKind kind =
        a->makehuman.empty() ? registry::SourceKind::kScan : registry::SourceKind::kMakeHuman;
    bank::NewDouble nd{a->performer, a->name, kind, SplitList(a->tags)};
    auto d = (*bank)->AddDouble(nd, *imported);
    if (!ctx.Check(d.status())) return;
    json j = {{"id", d->id},         {"height_m", d->height_m},
              {"units", d->units},   {"units_guessed", d->units_guessed},
              {"rigged", d->rigged}, {"warnings", imported->warnings}};
    if (!ctx.json) std::cerr << ImportedLine(*d);
    ctx.Emit(j, d->id + "\n");
  });
}

void RegisterDouble(CLI::App& app, Context& ctx) {
  CLI::App* dbl = app.add_subcommand("double", "Doubles: processed, renderable replicas");
  dbl->require_subcommand(1);
  auto performer = std::make_shared<std::string>();
  CLI::App* list = dbl->add_subcommand("list", "List doubles");
  list->add_option("--performer", *performer, "Only this performer's doubles");
  list->callback([&ctx, performer] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    std::optional<std::string> p;
    if (!performer->empty()) p = *performer;
    auto all = (*bank)->registry().ListDoubles(p);
    if (!ctx.Check(all.status())) return;
    json arr = json::array();
    std::ostringstream t;
    for (const auto& d : *all) {
      arr.push_back(DoubleJson(d));
      char h[32];
      std::snprintf(h, sizeof h, "%.2f m", d.height_m);
      t << d.id << "  " << d.performer_id << "  " << registry::DoubleStatusName(d.status) << "  "
        << h << "  " << (d.rigged ? "rigged" : "posed") << "  " << d.name << "\n";
    }
    ctx.Emit({{"doubles", arr}}, all->empty() ? "no doubles" : t.str());
  });
  auto id = std::make_shared<std::string>();
  CLI::App* show =
      dbl->add_subcommand("show", "Show a double: performer, source, size, LODs, licences");
  show->add_option("double", *id, "Double id")->required();
  show->callback([&ctx, id] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto d = (*bank)->registry().GetDouble(*id);
    if (!ctx.Check(d.status())) return;
    auto performer = (*bank)->registry().GetPerformer(d->performer_id);
    if (!ctx.Check(performer.status())) return;
    auto licences = (*bank)->ListLicences(d->performer_id);
    if (!ctx.Check(licences.status())) return;
    json j = {{"double", DoubleJson(*d)}, {"performer_name", performer->name}};
    j["licences"] = json::array();
    std::ostringstream t;
    char h[64];
    std::snprintf(h, sizeof h, "%.3f m (footprint radius %.2f m)", d->height_m,
                  d->footprint_radius_m);
    t << d->name << " (" << d->id << ")  " << registry::DoubleStatusName(d->status) << "\n"
      << "  performer: " << performer->name << " (" << d->performer_id << ")"
      << (performer->synthetic ? " [SYNTHETIC]" : "") << "\n"
      << "  source:    " << registry::SourceKindName(d->source_kind) << ", sha256 "
      << d->source_sha256.value_or("(erased)") << "\n"
      << "  height:    " << h << ", read in " << d->units << (d->units_guessed ? " (guessed)" : "")
      << "\n"
      << "  levels:    " << LodText(*d) << "\n"
      << "  rig:       " << (d->rigged ? "yes (animatable)" : "no (posed double)") << "\n"
      << "  licences:\n";
    for (const auto& v : *licences) {
      j["licences"].push_back(LicenceJson(v));
      t << "    " << v.licence.id << "  " << registry::LicenceStateName(v.licence.state) << "  "
        << v.studio_name << "\n";
    }
    if (licences->empty()) t << "    none: this double may not be rendered\n";
    ctx.Emit(j, t.str());
  });
}

void RegisterErase(CLI::App& app, Context& ctx) {
  // `performer erase` joins the performer command family registered in cmd_bank.cpp.
  CLI::App* performer = app.get_subcommand("performer");
  auto id = std::make_shared<std::string>();
  CLI::App* erase = performer->add_subcommand(
      "erase", "Right to erasure: destroy the performer's key and scans; keep the ledger");
  erase->add_option("performer", *id, "Performer id")->required();
  erase->callback([&ctx, id] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto r = (*bank)->ErasePerformer(*id);
    if (!ctx.Check(r.status())) return;
    ctx.Emit({{"id", r->performer_id},
              {"doubles_erased", r->doubles_erased},
              {"licences_erased", r->licences_erased},
              {"key_destroyed", r->key_destroyed}},
             "erased " + r->performer_id + ": " + std::to_string(r->doubles_erased) +
                 " double(s), " + std::to_string(r->licences_erased) +
                 " licence(s); their data key and scans are destroyed");
  });

  CLI::App* retention = app.add_subcommand("retention", "Biometric retention (BIPA schedule)");
  retention->require_subcommand(1);
  auto dry = std::make_shared<bool>(false);
  CLI::App* run = retention->add_subcommand(
      "run", "Erase every performer whose retention date has passed (lists them first)");
  run->add_flag("--dry-run", *dry, "Only list who would be erased");
  run->callback([&ctx, dry] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto due = (*bank)->RetentionDue();
    if (!ctx.Check(due.status())) return;
    json arr = json::array();
    std::ostringstream t;
    t << due->size() << " performer(s) past their retention date"
      << (*dry ? " (dry run: nothing erased)" : "") << "\n";
    for (const auto& c : *due) {
      t << "  " << c.performer.id << "  " << c.performer.name << "  erase on "
        << c.retention.erase_on->ToString() << " (" << c.retention.basis << ")\n";
      json item = {{"id", c.performer.id},
                   {"erase_on", c.retention.erase_on->ToString()},
                   {"basis", c.retention.basis},
                   {"erased", false}};
      if (!*dry) {
        auto r = (*bank)->ErasePerformer(c.performer.id);
        if (!ctx.Check(r.status())) return;
        item["erased"] = true;
      }
      arr.push_back(item);
    }
    ctx.Emit({{"dry_run", *dry}, {"performers", arr}}, t.str());
  });
}

}  // namespace

void RegisterScanCommands(CLI::App& app, Context& ctx) {
  RegisterImport(app, ctx);
  RegisterDouble(app, ctx);
  RegisterErase(app, ctx);
}

}  // namespace figurant::cli
