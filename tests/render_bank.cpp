#include "render_bank.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

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
  Json({"key", "new", "--out", key}, 0, WithPartyPassphrase());
  studio_ = Json({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
  production_ = Json({"production", "add", "--studio", studio_, "--title", "Market", "--media",
                      "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
                     0, WithPartyPassphrase())["id"];
}

std::vector<std::string> RenderBank::ScanImportArgs(const std::string& performer,
                                                    const std::string& name) const {
  const fs::path body = dir_ / ("body_" + name + ".json");
  std::ofstream(body) << R"({"gender": 1, "height": 0.5})";
  return {"scan",   "import",     "--performer", performer, "--makehuman", kMakeHuman.string(),
          "--body", body.string()};
}

std::string RenderBank::PerformerOf(const std::string& double_id) const {
  const auto it = performer_of_.find(double_id);
  return it == performer_of_.end() ? "" : it->second;
}

std::string RenderBank::AddDouble(const std::string& name, double max_screen_fraction) {
  const std::string performer = Json({"performer", "add", "--name", name})["id"];
  const json imported = Json(ScanImportArgs(performer, name));
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
  if (!device_) {
    device_ = std::make_unique<CliDevice>(
        dir_ / "device", [this](const std::vector<std::string>& a) { return Run(a); },
        std::map<std::string, std::string>{{"FIGURANT_NOW", kNow}});
  }
  const RunResult signed_ = device_->Sign(performer, licence);
  EXPECT_EQ(signed_.exit_code, 0) << signed_.err;
  performer_of_[imported["id"]] = performer;
  return imported["id"];
}

RunResult RenderBank::Run(std::vector<std::string> args,
                          std::map<std::string, std::string> env) const {
  args.insert(args.begin(), {"--bank", bank_});
  env.emplace("FIGURANT_NOW", kNow);
  return RunFigurant(args, env);
}

RunResult RenderBank::RunAndKill(std::vector<std::string> args,
                                 std::map<std::string, std::string> env, int kill_after_us) const {
  args.insert(args.begin(), {"--bank", bank_});
  env.emplace("FIGURANT_NOW", kNow);
  return testing::RunAndKill(args, env, kill_after_us);
}

json RenderBank::Json(std::vector<std::string> args, int expected,
                      std::map<std::string, std::string> env) const {
  args.insert(args.begin(), "--json");
  const RunResult r = Run(args, std::move(env));
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

Witness::Witness(const fs::path& dir) : dir_(dir) {
  const RunResult key = RunFigurant({"--json", "witness", "new-key", "--out", key_file().string()},
                                    {{"FIGURANT_NOW", kNow}});
  EXPECT_EQ(key.exit_code, 0) << key.err;
  const json j = json::parse(key.out, nullptr, false);
  if (j.is_object() && j.contains("public_key")) public_key_ = j["public_key"];
}

RunResult Witness::Countersign(const fs::path& ledger_file,
                               const std::string& bank_public_key) const {
  return RunFigurant({"ledger", "witness", ledger_file.string(), "--public-key", bank_public_key,
                      "--key", key_file().string(), "--witness-log", log().string()},
                     {{"FIGURANT_NOW", kNow}});
}

RunResult Witness::Verify(const fs::path& ledger_file, const std::string& bank_public_key) const {
  return RunFigurant({"ledger", "verify", ledger_file.string(), "--public-key", bank_public_key,
                      "--witness", log().string(), "--witness-key", public_key_},
                     {{"FIGURANT_NOW", kNow}});
}

std::string UnmeteredPlates(const fs::path& out, const std::string& shot,
                            const std::vector<MeteredFrame>& usage, int* plates) {
  std::set<int> metered;
  for (const MeteredFrame& u : usage) {
    if (u.shot == shot) metered.insert(u.frame);
  }
  const std::regex plate(shot + R"(\.(\d+)\.(exr|png|coverage\.json))");
  for (const auto& e : fs::directory_iterator(out)) {
    const std::string name = e.path().filename().string();
    std::smatch m;
    if (!std::regex_match(name, m, plate)) continue;
    ++*plates;
    if (!metered.contains(std::stoi(m[1]))) return name + " is on disk but not in the ledger";
  }
  return "";
}

namespace {

bool IsTempFile(const std::string& name) {
  return name.starts_with(".figurant-tmp") || name.find(".tmp-") != std::string::npos;
}

}  // namespace

int TempFiles(const fs::path& out) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    if (IsTempFile(e.path().filename().string())) ++n;
  }
  return n;
}

std::string TempFileNamedLikeAPlate(const fs::path& out) {
  for (const auto& e : fs::directory_iterator(out)) {
    std::string name = e.path().filename().string();
    if (IsTempFile(name) &&
        (name.ends_with(".exr") || name.ends_with(".png") || name.ends_with(".json"))) {
      return name;
    }
  }
  return "";
}

}  // namespace figurant::testing
