// The bank the shot tests render from: a temporary bank (removed after each test) with one studio
// and one streaming production, and helpers that add a performer with a generated body and sign
// licences for them. Shared by the shot module's tests so each states only what it varies.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "bank/bank.h"
#include "bank/device.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "scan/scan.h"
#include "synth/synth.h"

namespace figurant::shot {

inline constexpr UnixSeconds kTestNow = 1790000000;  // 2026-09-21

// Terms granting background use in `production` on streaming, worldwide, through 2027, with the
// given alterations and largest on-screen height. Tests change single fields of the result.
inline nlohmann::json LicenceTerms(const std::string& production, const nlohmann::json& alterations,
                                   double max_screen_height_fraction) {
  return {{"productions", {production}},
          {"uses", {"background"}},
          {"media", {"streaming"}},
          {"territories", {"worldwide"}},
          {"valid_from", "2026-01-01"},
          {"valid_until", "2027-12-31"},
          {"max_screen_height_fraction", max_screen_height_fraction},
          {"alterations", alterations},
          {"compensation", {{"currency", "EUR"}, {"scan_fee", 1}}},
          {"revocable", true},
          {"revocation_notice_days", 0}};
}

class ShotTestBank : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    studio_key_ = GenerateSigningKeyPair();
    const std::string suite =
        ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name();
    dir_ = std::filesystem::temp_directory_path() /
           ("figurant-" + suite + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto b = bank::Bank::Init(dir_ / "bank", clock_);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    bank_ = std::move(b).value();
    auto studio = bank_->AddStudio("S", studio_key_.public_key);
    ASSERT_TRUE(studio.ok()) << studio.status().ToString();
    studio_ = studio->id;
    auto production = DeclareProduction("P", {"streaming"});
    ASSERT_TRUE(production.ok()) << production.status().ToString();
    production_ = production->id;
  }
  void TearDown() override {
    bank_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A production of the studio released in FR on `media`, at 24 fps, declared and signed with the
  // studio's key.
  Result<registry::Production> DeclareProduction(const std::string& title,
                                                 const std::vector<std::string>& media) {
    return bank_->AddProduction(consent::SignProduction(
        {NewId(id_prefix::kProduction), studio_, title, media, {"FR"}, {}, *ParseFrameRate("24")},
        studio_key_));
  }

  // A new performer named `name` and their double: the body synth::Generate(seed) makes
  // (wardrobe-marked), with its rig stripped when !rigged (a bare scan).
  Result<registry::Double> AddPerformerDouble(const std::string& name, uint64_t seed,
                                              bool rigged = true) {
    FIGURANT_ASSIGN_OR_RETURN(
        const registry::Performer p,
        bank_->AddPerformer({name, std::nullopt, consent::Language::kEnglish, false}));
    synth::SyntheticPerformer body = synth::Generate(seed, 0.04);
    if (!rigged) {
      body.mesh.skeleton.reset();
      body.mesh.skin = {};
    }
    FIGURANT_ASSIGN_OR_RETURN(const scan::ImportedScan scan,
                              scan::ImportGenerated(body.mesh, name, Sha256Hex(name), {}));
    EXPECT_EQ(scan.rigged, rigged) << name;
    return bank_->AddDouble({p.id, name, registry::SourceKind::kScan, {}}, scan);
  }

  // Drafts a licence of `performer_id` to the studio with `terms` and signs it (represented by a
  // union); returns its id.
  Result<std::string> SignLicence(const std::string& performer_id, const nlohmann::json& terms) {
    FIGURANT_ASSIGN_OR_RETURN(const bank::LicenceView draft,
                              bank_->DraftLicence(performer_id, studio_, terms.dump(), "terms"));
    // The performer signs on their own device (bank/device.h), with a key they enrolled.
    FIGURANT_RETURN_IF_ERROR(
        devices_.Sign(*bank_, draft.licence.id, consent::Representation::kUnion).status());
    return draft.licence.id;
  }

  FixedClock clock_{kTestNow};
  std::filesystem::path dir_;
  SigningKeyPair studio_key_{};  // the studio's own
  std::unique_ptr<bank::Bank> bank_;
  bank::Device devices_;  // the performers' own keys
  std::string studio_, production_;
};

}  // namespace figurant::shot
