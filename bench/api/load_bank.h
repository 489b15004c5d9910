// The bank the API load test runs against, made through the real `figurant` binary as an operator
// would: a studio with two productions (one its renders use, one its offers name), performers
// each with an enrolled key held only by the load test (their "device"), a MakeHuman double and a
// signed licence for the render production, a user per performer and one for the studio, and a
// scene showing every performer's double for a CLI render to append usage with.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_harness.h"
#include "core/status.h"
#include "render_bank.h"

namespace figurant::bench {

// The clock every figurant process of the load test is pinned to (FIGURANT_NOW), the render bank's.
inline constexpr char kLoadNow[] = "2026-06-01T12:00:00Z";

struct LoadPerformer {
  std::string id;
  testing::Device device;  // the user logging in as them, with the key they enrolled
  std::string double_id;   // their double in the render scene
};

struct LoadBank {
  std::string bank;               // the bank directory
  std::string studio;             // the studio's id
  std::string render_production;  // what the CLI render renders (licensed by every performer)
  std::string offer_production;   // what the load test's offers name (never rendered)
  std::vector<LoadPerformer> performers;
  testing::Device studio_user;
  std::filesystem::path scene;  // a scene with every performer's double
};

// `figurant --json --bank BANK ARGS` on `bank` (its pinned clock, `env`): the JSON printed, or
// Internal naming the command and its stderr when it exits non-zero.
Result<nlohmann::json> CliJson(const testing::RenderBank& bank, std::vector<std::string> args,
                               std::map<std::string, std::string> env = {});

// The terms of the licences the load test offers: background use in `production`, revocable at
// once, so that a licence can be signed, suspended, resumed and revoked within a run.
nlohmann::json OfferTerms(const std::string& production);

// Signs `licence` (a draft offered to `performer`) with the performer's own key through the CLI:
// `licence offer`, the consent record signed here, `licence sign --signature`.
Status SignWithCli(const testing::RenderBank& bank, const LoadPerformer& performer,
                   const std::string& licence);

// Makes the bank in `render_bank` (already holding a studio and its production) with `performers`
// performers. Internal naming the failing command otherwise.
Result<LoadBank> MakeLoadBank(testing::RenderBank& render_bank, int performers);

}  // namespace figurant::bench
