#include "render_bank.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"

namespace figurant::testing {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);
constexpr char kNow[] = "2026-06-01T12:00:00Z";

}  // namespace

RenderBank::RenderBank(const fs::path& dir) : dir_(dir), bank_((dir / "bank").string()) {
  Json({"init"});
  // The studio holds its own key and signs its production's declaration with it.
  const std::string key = (dir / "studio.key").string();
  Json({"key", "new", "--out", key});
  studio_ = Json({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
  production_ =
      Json({"production", "add", "--studio", studio_, "--title", "Market", "--media", "streaming",
            "--territories", "FR", "--fps", "24", "--studio-key", key})["id"];
}

std::string RenderBank::AddDouble(const std::string& name, double max_screen_fraction) {
  const std::string performer = Json({"performer", "add", "--name", name})["id"];
  const fs::path body = dir_ / ("body_" + name + ".json");
  std::ofstream(body) << R"({"gender": 1, "height": 0.5})";
  const json imported = Json({"scan", "import", "--performer", performer, "--makehuman",
                              kMakeHuman.string(), "--body", body.string()});
  const json terms = {{"productions", {production_}},
                      {"uses", {"background"}},
                      {"media", {"streaming"}},
                      {"territories", {"worldwide"}},
                      {"valid_from", "2026-01-01"},
                      {"valid_until", "2027-12-31"},
                      {"max_screen_height_fraction", max_screen_fraction},
                      {"compensation", {{"currency", "EUR"}, {"per_screen_second", 2.0}}},
                      {"revocable", true},
                      {"revocation_notice_days", 0}};
  const fs::path terms_file = dir_ / ("terms_" + name + ".json");
  std::ofstream(terms_file) << terms.dump();
  const std::string licence = Json({"licence", "draft", "--performer", performer, "--studio",
                                    studio_, "--terms", terms_file.string()})["id"];
  Json({"licence", "sign", licence, "--performer", performer});
  return imported["id"];
}

RunResult RenderBank::Run(std::vector<std::string> args,
                          std::map<std::string, std::string> env) const {
  args.insert(args.begin(), {"--bank", bank_});
  env.emplace("FIGURANT_NOW", kNow);
  return RunFigurant(args, env);
}

json RenderBank::Json(std::vector<std::string> args, int expected) const {
  args.insert(args.begin(), "--json");
  const RunResult r = Run(args);
  EXPECT_EQ(r.exit_code, expected) << r.err;
  return json::parse(r.out, nullptr, false);
}

json RenderBank::Scene(const std::string& shot, const std::string& output, const json& agents,
                       int frames) const {
  return {
      {"figurant_scene", 1},
      {"production", production_},
      {"shot", shot},
      {"seed", 5},
      {"camera", {{"position", {0, 1.6, -9}}, {"look_at", {0, 1.0, 0}}, {"resolution", {160, 90}}}},
      {"frames", {{"start", 1001}, {"end", 1000 + frames}, {"fps", 24}}},
      {"render", {{"spp", 1}, {"max_bounces", 0}, {"output", output}}},
      {"agents", agents}};
}

json RenderBank::Agent(const std::string& double_id, const std::string& name, double x) {
  return {{"double", double_id}, {"position", {x, 0, 0}}, {"name", name}};
}

std::map<std::string, std::string> RenderBank::Snapshot() const {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(bank_)) {
    if (e.is_directory()) {
      files[fs::relative(e.path(), bank_).string() + "/"] = "";  // a directory
      continue;
    }
    const std::string name = e.path().filename().string();
    if (name.ends_with(".lock") || name.ends_with("-wal") || name.ends_with("-shm")) continue;
    auto bytes = ReadFile(e.path());
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    files[fs::relative(e.path(), bank_).string()] = bytes.ok() ? *bytes : "";
  }
  return files;
}

std::vector<MeteredFrame> RenderBank::Usage() const {
  const fs::path exported = dir_ / "usage-export.log";
  const json out = Json({"ledger", "export", exported.string()});
  auto head = ledger::SignedHead::FromJson(out["head"]);
  EXPECT_TRUE(head.ok()) << out.dump();
  auto bytes = ReadFile(exported);
  EXPECT_TRUE(bytes.ok());
  std::vector<MeteredFrame> usage;
  if (!head.ok() || !bytes.ok()) return usage;
  auto read = ledger::ReadLog(*bytes, head->public_key, [&](const ledger::Entry& e) -> Status {
    if (e.type != ledger::EntryType::kUsage) return Status::Ok();
    FIGURANT_ASSIGN_OR_RETURN(const ledger::UsageEvent u, ledger::ParseUsage(e));
    usage.push_back({u.render_id, u.key.shot, u.key.frame, u.double_id, u.height_fraction});
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return usage;
}

}  // namespace figurant::testing
