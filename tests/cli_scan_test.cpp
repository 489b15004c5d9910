// Scan ingest and erasure through the real binary: the canary test (no byte of a scan on disk in
// clear, before or after erasure), retention runs, and SIGKILL during imports.
#include <gtest/gtest.h>
#include <signal.h>
#include <stb/stb_image_write.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>

#include "bank/bank.h"
#include "cli_device.h"
#include "cli_harness.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kCanary[] = "CANARY-d41c9e-LIKENESS";

// Every file under `dir`, including temporaries and SQLite's -wal/-shm.
std::vector<fs::path> AllFiles(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out.push_back(e.path());
  }
  return out;
}

// The files under `dir` containing `needle`.
std::vector<std::string> FilesContaining(const fs::path& dir, std::string_view needle) {
  std::vector<std::string> hits;
  for (const fs::path& p : AllFiles(dir)) {
    auto text = ReadFile(p);
    if (text.ok() && text->find(needle) != std::string::npos) hits.push_back(p.string());
  }
  return hits;
}

// A textured person whose OBJ, MTL and texture pixels all carry the canary.
void WriteCanaryScan(const fs::path& dir) {
  // Texture: one row whose RGBA bytes spell the canary, repeated.
  std::string px;
  while (px.size() < 64 * 4) px += kCanary;
  px.resize(64 * 4);
  stbi_write_png((dir / "skin.png").c_str(), 64, 1, 4, px.data(), 64 * 4);
  std::ofstream(dir / "scan.mtl") << "# " << kCanary << "\nnewmtl " << kCanary
                                  << "\nKd 0.8 0.6 0.5\nmap_Kd skin.png\n";
  std::ofstream obj(dir / "scan.obj");
  obj << "# captured by rig " << kCanary << "\nmtllib scan.mtl\no " << kCanary << "\ng " << kCanary
      << "\nusemtl " << kCanary << "\n";
  // A 1.75 m box person with feet reaching forward, UV-mapped onto the texture.
  const double v[][3] = {
      {-0.25, 0.1, -0.15},  {-0.25, 0.1, 0.15},  {0.25, 0.1, -0.15},  {0.25, 0.1, 0.15},
      {-0.25, 1.75, -0.15}, {-0.25, 1.75, 0.15}, {0.25, 1.75, -0.15}, {0.25, 1.75, 0.15},
      {-0.2, 0, -0.05},     {-0.2, 0, 0.3},      {0.2, 0, -0.05},     {0.2, 0, 0.3},
      {-0.2, 0.08, -0.05},  {-0.2, 0.08, 0.3},   {0.2, 0.08, -0.05},  {0.2, 0.08, 0.3}};
  for (const auto& p : v) obj << "v " << p[0] << " " << p[1] << " " << p[2] << "\n";
  obj << "vt 0.1 0.5\nvt 0.6 0.5\nvt 0.9 0.5\n";
  const int faces[][4] = {{1, 3, 4, 2},    {5, 6, 8, 7},     {1, 2, 6, 5},    {3, 7, 8, 4},
                          {1, 5, 7, 3},    {2, 4, 8, 6},     {9, 11, 12, 10}, {13, 14, 16, 15},
                          {9, 10, 14, 13}, {11, 15, 16, 12}, {9, 13, 15, 11}, {10, 12, 16, 14}};
  for (const auto& f : faces) {
    obj << "f " << f[0] << "/1 " << f[1] << "/2 " << f[2] << "/3 " << f[3] << "/2\n";
  }
}

class CliScanTest : public ::testing::Test {
 protected:
  CliScanTest() : dir_("cli-scan") {}
  void SetUp() override {
    bank_ = dir_.path() / "bank";
    ASSERT_EQ(Run({"init"}).exit_code, 0);
  }
  // Signs `licence` on the performer's own device (cli_device.h): their key, never the bank's.
  void SignOnDevice(const std::string& performer, const std::string& licence,
                    const std::string& represented_by = "none") {
    SignOnDeviceOf(
        device_, dir_.path() / "device", [this] { return bank_.string(); },
        {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}}, performer, licence, represented_by);
  }

  RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_.string()});
    env.emplace("FIGURANT_NOW", "2026-06-01T12:00:00Z");
    return RunFigurant(args, env);
  }
  json Json(std::vector<std::string> args, int expected = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), "--json");
    RunResult r = Run(args, std::move(env));
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  // A double's geometry as stored (decrypted through the library), to search the disk for.
  std::string StoredGeometry(const std::string& double_id) {
    auto bank = bank::Bank::Open(bank_, clock_);
    EXPECT_TRUE(bank.ok());
    if (!bank.ok()) return {};
    auto asset = (*bank)->LoadDouble(double_id);
    EXPECT_TRUE(asset.ok()) << asset.status().ToString();
    return asset.ok() ? geom::EncodeDoubleAsset(*asset) : std::string();
  }
  // Eight 32-byte windows spread over `bytes`.
  static std::vector<std::string> Windows(const std::string& bytes) {
    std::vector<std::string> windows;
    for (size_t at = 16; at + 32 <= bytes.size(); at += bytes.size() / 8) {
      windows.push_back(bytes.substr(at, 32));
    }
    return windows;
  }
  // A copy of the performer's wrapped data key taken before erasure, put back beside the bank's
  // current keys, does not unwrap; `other`'s key, re-wrapped, still does.
  void ExpectBackupNoLongerUnwraps(const fs::path& backup, const std::string& performer,
                                   const std::string& other) {
    const fs::path replay = dir_.path() / "keys-replay";
    fs::copy(bank::DefaultKeysDir(bank_), replay, fs::copy_options::recursive);
    fs::copy_file(backup / "data" / (performer + ".key"), replay / "data" / (performer + ".key"));
    {
      auto keys = store::KeyRing::Open(replay, /*create=*/false);
      ASSERT_TRUE(keys.ok()) << keys.status().ToString();
      auto old = (*keys)->DataKey(performer, /*create=*/false);
      EXPECT_EQ(old.status().code(), StatusCode::kDataLoss) << old.status().ToString();
      EXPECT_TRUE((*keys)->DataKey(other, /*create=*/false).ok());
    }
  }
  // What remains of `performer` after erasure, for the record (docs/store.md lists it).
  void PrintWhatRemains(const std::string& performer, const json& licence) {
    std::cout << "== what remains of " << performer << " after erasure ==\n"
              << Json({"performer", "show", performer}).dump(2) << "\n"
              << licence.dump(2) << "\n";
    for (const fs::path& p : AllFiles(bank_)) {
      std::cout << fs::relative(p, bank_).string() << " " << fs::file_size(p) << " bytes\n";
    }
    auto bank = bank::Bank::Open(bank_, clock_);
    ASSERT_TRUE(bank.ok());
    auto ledger = (*bank)->Ledger();
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    const Status listed = (*ledger)->ForEach([&](const ledger::Entry& e) {
      if (e.payload.find(performer) != std::string::npos) {
        std::cout << "ledger entry " << e.seq << ": " << e.payload << "\n";
      }
      return Status::Ok();
    });
    EXPECT_TRUE(listed.ok()) << listed.ToString();
  }
  TempDir dir_;
  std::unique_ptr<CliDevice> device_;  // the performers' own keys (SignOnDevice)
  fs::path bank_;
  FixedClock clock_{*ParseTimestamp("2026-06-01T12:00:00Z")};
};

TEST_F(CliScanTest, CanaryNeverReachesTheDiskInClearAndErasureLeavesNoTrace) {
  const fs::path scan_dir = dir_.path() / "rig";
  fs::create_directories(scan_dir);
  WriteCanaryScan(scan_dir);
  const std::string performer = Json({"performer", "add", "--name", "Ana"})["id"];
  const std::string other = Json({"performer", "add", "--name", "Ben"})["id"];
  json d = Json({"scan", "import", "--performer", performer, (scan_dir / "scan.obj").string(),
                 "--name", "take 1"});
  const std::string double_id = d["id"];
  Json({"scan", "import", "--performer", other, (scan_dir / "scan.obj").string()});

  const std::string plaintext = StoredGeometry(double_id);
  // The texture's canary pixels were baked into the stored colours, not copied.
  EXPECT_EQ(plaintext.find(kCanary), std::string::npos);
  ASSERT_GT(plaintext.size(), 512u);
  const std::vector<std::string> windows = Windows(plaintext);

  // Before erasure: nothing of the scan in clear anywhere in the bank.
  EXPECT_EQ(FilesContaining(bank_, kCanary), std::vector<std::string>{});
  for (const std::string& w : windows)
    EXPECT_EQ(FilesContaining(bank_, w), std::vector<std::string>{});

  json erased = Json({"performer", "erase", performer});
  EXPECT_EQ(erased["doubles_erased"], 1);
  EXPECT_TRUE(erased["key_destroyed"]);
  EXPECT_EQ(FilesContaining(bank_, kCanary), std::vector<std::string>{});
  for (const std::string& w : windows)
    EXPECT_EQ(FilesContaining(bank_, w), std::vector<std::string>{});
  // Nothing left that could be decrypted: the data key and the blob directory are gone.
  EXPECT_FALSE(fs::exists(bank::DefaultKeysDir(bank_) / "data" / (performer + ".key")));
  EXPECT_FALSE(fs::exists(bank_ / "store" / performer));
  json shown = Json({"double", "show", double_id});
  EXPECT_EQ(shown["double"]["status"], "erased");
  EXPECT_TRUE(shown["double"]["source_sha256"].is_null());
  EXPECT_EQ(shown["double"]["height_m"], 0.0);
  // The other performer is untouched.
  EXPECT_TRUE(fs::exists(bank::DefaultKeysDir(bank_) / "data" / (other + ".key")));
  json others = Json({"double", "list", "--performer", other});
  EXPECT_EQ(others["doubles"][0]["status"], "ready");
}

// Attack: after `performer erase`, read every byte the bank keeps (registry, its WAL and free
// pages, ledger, store, keys) looking for the person — their name, email, estate, the words of
// the consent they signed, the scan's bytes — and replay a backup of the keys taken before the
// erasure. What remains must be ids, hashes and events only; the list is printed.
TEST_F(CliScanTest, ErasureLeavesOnlyIdsAndHashesAndABackupOfTheKeysNoLongerOpensTheScan) {
  const std::string name = "Zenobia Quillfeather";
  const std::string email = "zenobia.q7731@example.org";
  const std::string estate_name = "Heirs of Zenobia Quillfeather";
  const fs::path scan_dir = dir_.path() / "rig";
  fs::create_directories(scan_dir);
  WriteCanaryScan(scan_dir);
  const std::string performer = Json({"performer", "add", "--name", name, "--email", email})["id"];
  const std::string other = Json({"performer", "add", "--name", "Bertrand Okafor"})["id"];
  Json({"performer", "estate", performer, "--name", estate_name});
  const std::string studio_key = (dir_.path() / "studio.key").string();
  Json({"key", "new", "--out", studio_key}, 0, WithPartyPassphrase());
  const std::string studio = Json(
      {"studio", "add", "--name", "Lumen Studio", "--public-key-file", studio_key + ".pub"})["id"];
  const std::string production =
      Json({"production", "add", "--studio", studio, "--title", "Crowd Scene", "--media",
            "streaming", "--territories", "worldwide", "--fps", "24", "--studio-key", studio_key},
           0, WithPartyPassphrase())["id"];
  std::ofstream(dir_.path() / "terms.json")
      << R"({"productions": [")" << production
      << R"("], "uses": ["background"], "media": ["streaming"], "territories": ["worldwide"],
      "valid_from": "2026-01-01", "valid_until": "2027-12-31", "revocable": true,
      "max_screen_height_fraction": 0.2, "excluded_content": [],
      "revocation_notice_days": 30,
      "compensation": {"currency": "EUR", "scan_fee": 180.0, "per_production_fee": 180.0}})";
  const std::string terms = (dir_.path() / "terms.json").string();
  std::string licences[2];
  for (int i = 0; i < 2; ++i) {
    const std::string who = i == 0 ? performer : other;
    licences[i] =
        Json({"licence", "draft", "--performer", who, "--studio", studio, "--terms", terms})["id"];
    SignOnDevice(who, licences[i], "union");
  }
  const std::string double_id = Json({"scan", "import", "--performer", performer,
                                      (scan_dir / "scan.obj").string(), "--name", "take 1"})["id"];
  const std::string other_double =
      Json({"scan", "import", "--performer", other, (scan_dir / "scan.obj").string()})["id"];

  const std::string plaintext = StoredGeometry(double_id);
  ASSERT_GT(plaintext.size(), 512u);
  std::vector<std::string> needles = {name,  "Zenobia",       "Quillfeather",
                                      email, "zenobia.q7731", estate_name};
  for (const std::string& w : Windows(plaintext)) needles.push_back(w);
  // The name is on screen for the people who need it while the performer is in the bank.
  EXPECT_NE(Run({"licence", "show", licences[0]}).out.find(name), std::string::npos);

  const fs::path backup = dir_.path() / "keys-backup";
  fs::copy(bank::DefaultKeysDir(bank_), backup, fs::copy_options::recursive);
  ASSERT_TRUE(fs::exists(backup / "data" / (performer + ".key")));

  json erased = Json({"performer", "erase", performer});
  EXPECT_TRUE(erased["key_destroyed"]);

  // Nothing of the person anywhere in the bank or its keys directory: every file, as raw bytes.
  const fs::path keys = bank::DefaultKeysDir(bank_);
  for (const std::string& n : needles) {
    for (const fs::path& dir : {bank_, keys}) {
      EXPECT_EQ(FilesContaining(dir, n), std::vector<std::string>{})
          << "found " << (n.size() < 40 && n.find('\0') == std::string::npos ? n : "scan bytes");
    }
  }
  // No file is named for the person any more: data key, signing keys, store directory.
  const std::string estate_id = Json({"performer", "show", performer})["estate"]["id"];
  for (const fs::path& dir : {bank_, keys}) {
    for (const fs::path& p : AllFiles(dir)) {
      EXPECT_EQ(p.string().find(performer), std::string::npos) << p;
      EXPECT_EQ(p.string().find(estate_id), std::string::npos) << p;
    }
  }
  // A backup of the keys taken before erasure does not open the scan: the master key that
  // wrapped the erased performer's data key was rotated and destroyed.
  ExpectBackupNoLongerUnwraps(backup, performer, other);
  auto old_master = ReadFile(backup / "master.key");
  ASSERT_TRUE(old_master.ok());
  for (const fs::path& dir : {bank_, keys}) {
    EXPECT_EQ(FilesContaining(dir, old_master->substr(old_master->find('\n') + 1, 64)),
              std::vector<std::string>{});
  }
  // Everyone else is untouched: their double opens and their licence still verifies.
  EXPECT_EQ(Json({"double", "list", "--performer", other})["doubles"][0]["status"], "ready");
  EXPECT_FALSE(StoredGeometry(other_double).empty());
  EXPECT_TRUE(Json({"licence", "show", licences[1]})["licence"]["signature_valid"]);
  // The erased licence keeps its signature, verifiable by the disclosure's hash alone.
  const json kept = Json({"licence", "show", licences[0]});
  EXPECT_TRUE(kept["licence"]["signature_valid"]) << kept.dump(2);

  PrintWhatRemains(performer, kept);
}

TEST_F(CliScanTest, RefusedImportWritesNothing) {
  const std::string performer = Json({"performer", "add", "--name", "Ana"})["id"];
  std::ofstream(dir_.path() / "bad.obj") << "v 0 0 0\nv 1 0 0\nv 0 0 0\nf 1 2 3\n";
  RunResult r =
      Run({"scan", "import", "--performer", performer, (dir_.path() / "bad.obj").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.obj"), std::string::npos) << r.err;
  EXPECT_TRUE(Json({"double", "list"})["doubles"].empty());
  EXPECT_FALSE(fs::exists(bank_ / "store" / performer));
}

TEST_F(CliScanTest, ImplausibleHeightAsksForTheFilesUnits) {
  const std::string performer = Json({"performer", "add", "--name", "Ana"})["id"];
  WriteCanaryScan(dir_.path());  // 1.75 m tall in metres; 1.75 mm read as millimetres
  RunResult r = Run({"scan", "import", "--performer", performer,
                     (dir_.path() / "scan.obj").string(), "--units", "mm"});
  EXPECT_EQ(r.exit_code, 2);
  // The height, the units it was read in, and the option (--units) that says the real ones.
  EXPECT_NE(r.err.find("units option"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(reading the file in mm)"), std::string::npos) << r.err;
  EXPECT_TRUE(Json({"double", "list"})["doubles"].empty());
}

TEST_F(CliScanTest, MakeHumanImportTakesAPose) {
  const std::string performer = Json({"performer", "add", "--name", "Ana"})["id"];
  std::ofstream(dir_.path() / "body.json") << R"({"gender": 0.2, "height": 0.4})";
  // --makehuman alone: the data the repository carries.
  const std::vector<std::string> base = {"scan",        "import",
                                         "--performer", performer,
                                         "--body",      (dir_.path() / "body.json").string(),
                                         "--makehuman"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  json walking = Json(with({"--pose", "animations/walks/walk1.bvh:5"}));
  EXPECT_TRUE(walking["rigged"]) << walking.dump();
  EXPECT_GT(walking["height_m"].get<double>(), 1.4);
  // A frame past the end is refused, naming the clip and the range; nothing is stored.
  RunResult r = Run(with({"--pose", "animations/walks/walk1.bvh:99"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("walk1.bvh"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0..13"), std::string::npos) << r.err;
  EXPECT_EQ(Json({"double", "list"})["doubles"].size(), 1u);
  EXPECT_NE(Run({"scan", "import", "--performer", performer, "--pose", "stand",
                 (dir_.path() / "body.json").string()})
                .exit_code,
            0);
}

TEST_F(CliScanTest, MakeHumanImportTakesAnotherDataDirectory) {
  const std::string performer = Json({"performer", "add", "--name", "Ana"})["id"];
  // A copy of the data elsewhere builds the same body as the repository's own data.
  const fs::path copy = dir_.path() / "mh";
  fs::copy(FIGURANT_MAKEHUMAN_DIR, copy, fs::copy_options::recursive);
  const json bundled = Json({"scan", "import", "--performer", performer, "--makehuman"});
  const json copied =
      Json({"scan", "import", "--performer", performer, "--makehuman", copy.string()});
  EXPECT_DOUBLE_EQ(copied["height_m"].get<double>(), bundled["height_m"].get<double>());
  // A directory that is not MakeHuman's data is refused, naming the file it lacks.
  fs::remove(copy / "rigs" / "default.mhskel");
  fs::remove_all(copy / "3dobjs");
  const RunResult r =
      Run({"scan", "import", "--performer", performer, "--makehuman", copy.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find((copy / "3dobjs" / "base.obj").string()), std::string::npos) << r.err;
  EXPECT_EQ(Json({"double", "list"})["doubles"].size(), 2u);
}

TEST_F(CliScanTest, RetentionRunErasesOnlyThosePastTheirDate) {
  const fs::path scan_dir = dir_.path() / "rig";
  fs::create_directories(scan_dir);
  WriteCanaryScan(scan_dir);
  const std::string old_p = Json({"performer", "add", "--name", "Old"})["id"];
  Json({"scan", "import", "--performer", old_p, (scan_dir / "scan.obj").string()});
  // Three years and a day later (no licence): past retention; a performer added then is not.
  auto later = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_.string(), "--json"});
    RunResult r = RunFigurant(args, {{"FIGURANT_NOW", "2029-06-02T12:00:00Z"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  };
  const std::string new_p = later({"performer", "add", "--name", "New"})["id"];
  json dry = later({"retention", "run", "--dry-run"});
  ASSERT_EQ(dry["performers"].size(), 1u);
  EXPECT_EQ(dry["performers"][0]["id"], old_p);
  EXPECT_FALSE(dry["performers"][0]["erased"]);
  EXPECT_TRUE(fs::exists(bank_ / "store" / old_p));
  json run = later({"retention", "run"});
  EXPECT_TRUE(run["performers"][0]["erased"]);
  EXPECT_FALSE(fs::exists(bank_ / "store" / old_p));
  EXPECT_TRUE(later({"retention", "run"})["performers"].empty());
  EXPECT_TRUE(later({"performer", "show", new_p})["performer"]["erased_at"].is_null());
}

TEST_F(CliScanTest, KilledImportsLeaveNoHalfVisibleDouble) {
  const std::string performer = Json({"performer", "add", "--name", "Ana"})["id"];
  const std::string zae = "/usr/share/assimp/models/Collada/human.zae";
  const std::vector<std::string> import = {"--bank",      bank_.string(), "scan", "import",
                                           "--performer", performer,      zae};
  const std::map<std::string, std::string> slow_writes = {{"FIGURANT_TEST_WRITE_DELAY_MS", "30"}};
  // Kills land anywhere in an import as long as this machine takes for one, whatever its speed.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(RunFigurant(import, slow_writes).exit_code, 0);
  const auto whole_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::mt19937 rng(7);
  int killed = 0;
  constexpr int kRuns = 12;
  for (int i = 0; i < kRuns; ++i) {
    // Between 5 % and 90 % of an import's duration.
    const auto after_us = static_cast<int>(whole_us * (5 + rng() % 86) / 100);
    RunResult r = RunAndKill(import, slow_writes, after_us);
    if (r.signal == SIGKILL) ++killed;
    // Every double the registry shows is complete: its blob exists and decrypts.
    FixedClock clock(*ParseTimestamp("2026-06-01T12:00:00Z"));
    auto bank = bank::Bank::Open(bank_, clock);
    ASSERT_TRUE(bank.ok());
    ASSERT_TRUE((*bank)->registry().CheckIntegrity().ok());
    const auto doubles = (*bank)->registry().ListDoubles(performer);
    ASSERT_TRUE(doubles.ok());
    for (const auto& d : *doubles) {
      auto asset = (*bank)->LoadDouble(d.id);
      ASSERT_TRUE(asset.ok()) << "after kill " << i << ": " << asset.status().ToString();
    }
  }
  EXPECT_GE(killed, kRuns / 2) << "an import takes " << whole_us << " us";
}

}  // namespace
}  // namespace figurant::testing
