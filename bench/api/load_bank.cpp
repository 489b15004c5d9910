#include "load_bank.h"

#include <fstream>

#include "consent/offer.h"
#include "core/clock.h"
#include "core/file.h"

namespace figurant::bench {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Frames the render loop's scene renders each time: enough to append a batch of usage per render,
// few enough that a render takes about a second on two busy cores.
constexpr int kSceneFrames = 2;
// Agents stand this far apart along x. [Units: m]
constexpr double kAgentSpacing = 0.8;

Result<std::string> Id(const Result<json>& j) {
  FIGURANT_RETURN_IF_ERROR(j.status());
  if (!j->contains("id")) return Internal("no id in " + j->dump());
  return (*j)["id"].get<std::string>();
}

// The performer, their key enrolled with a one-time code, a user logging in with it, their
// double, and a background licence for `production` signed with their key.
Result<LoadPerformer> AddPerformer(testing::RenderBank& rb, const std::string& studio,
                                   const std::string& production, int n) {
  LoadPerformer p;
  p.device = testing::NewDevice();
  const std::string name = "Load" + std::to_string(n);
  const std::string key = ToHex(p.device.key.public_key);
  FIGURANT_ASSIGN_OR_RETURN(p.id, Id(CliJson(rb, {"performer", "add", "--name", name})));
  FIGURANT_ASSIGN_OR_RETURN(json invite, CliJson(rb, {"performer", "invite", p.id}));
  FIGURANT_RETURN_IF_ERROR(
      CliJson(rb, {"performer", "enrol", "--code", invite["code"], "--public-key", key}).status());
  FIGURANT_ASSIGN_OR_RETURN(
      p.device.user, Id(CliJson(rb, {"user", "add", "--role", "performer", "--performer", p.id,
                                     "--public-key", key})));
  FIGURANT_ASSIGN_OR_RETURN(p.double_id, Id(CliJson(rb, rb.ScanImportArgs(p.id, name))));
  const fs::path terms = rb.dir() / ("render-terms-" + name + ".json");
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(terms, OfferTerms(production).dump(), 0600));
  FIGURANT_ASSIGN_OR_RETURN(const std::string licence,
                            Id(CliJson(rb, {"licence", "draft", "--performer", p.id, "--studio",
                                            studio, "--terms", terms.string()})));
  FIGURANT_RETURN_IF_ERROR(SignWithCli(rb, p, licence));
  return p;
}

}  // namespace

Result<json> CliJson(const testing::RenderBank& bank, std::vector<std::string> args,
                     std::map<std::string, std::string> env) {
  args.insert(args.begin(), "--json");
  const std::string command = args.size() > 2 ? args[1] + " " + args[2] : args[1];
  const testing::RunResult r = bank.Run(std::move(args), std::move(env));
  if (r.exit_code != 0) {
    return Internal("figurant " + command + " exited " + std::to_string(r.exit_code) + ": " +
                    r.err);
  }
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) return Internal("figurant " + command + " printed no JSON: " + r.out);
  return j;
}

json OfferTerms(const std::string& production) {
  return {{"productions", {production}},
          {"uses", {"background"}},
          {"media", {"streaming"}},
          {"territories", {"worldwide"}},
          {"valid_from", "2026-01-01"},
          {"valid_until", "2027-12-31"},
          {"max_screen_height_fraction", 0.5},
          {"compensation", {{"currency", "EUR"}, {"per_screen_second", 2.0}}},
          {"revocable", true},
          {"revocation_notice_days", 0}};
}

Status SignWithCli(const testing::RenderBank& bank, const LoadPerformer& performer,
                   const std::string& licence) {
  const fs::path offer_file = bank.dir() / (licence + ".offer.json");
  const fs::path signature = bank.dir() / (licence + ".signature.json");
  FIGURANT_RETURN_IF_ERROR(
      CliJson(bank, {"licence", "offer", licence, "--out", offer_file.string()}).status());
  FIGURANT_ASSIGN_OR_RETURN(const std::string text, ReadFile(offer_file));
  FIGURANT_ASSIGN_OR_RETURN(const consent::Offer offer,
                            consent::ParseOffer(text, offer_file.string()));
  FIGURANT_ASSIGN_OR_RETURN(const UnixSeconds now, ParseTimestamp(kLoadNow));
  consent::ConsentRecord record = consent::RecordFor(offer, consent::Representation::kNone, now);
  FIGURANT_RETURN_IF_ERROR(consent::SignConsent(record, offer.terms_text, performer.device.key));
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(signature, consent::ConsentSignatureJson(record), 0600));
  return CliJson(bank, {"licence", "sign", licence, "--signature", signature.string()}).status();
}

Result<LoadBank> MakeLoadBank(testing::RenderBank& rb, int performers) {
  LoadBank b;
  b.bank = rb.bank();
  b.render_production = rb.production();
  FIGURANT_ASSIGN_OR_RETURN(const json studios, CliJson(rb, {"studio", "list"}));
  if (studios.value("studios", json::array()).size() != 1) {
    return Internal("expected the render bank's one studio: " + studios.dump());
  }
  b.studio = studios["studios"][0]["id"];
  const std::string studio_key = (rb.dir() / "studio.key").string();
  FIGURANT_ASSIGN_OR_RETURN(
      b.offer_production,
      Id(CliJson(rb,
                 {"production", "add", "--studio", b.studio, "--title", "Offers", "--media",
                  "streaming", "--territories", "FR", "--fps", "24", "--studio-key", studio_key},
                 testing::WithPartyPassphrase())));
  json agents = json::array();
  for (int i = 0; i < performers; ++i) {
    FIGURANT_ASSIGN_OR_RETURN(LoadPerformer p, AddPerformer(rb, b.studio, b.render_production, i));
    agents.push_back(testing::RenderBank::Agent(p.double_id, "agent" + std::to_string(i),
                                                kAgentSpacing * (i - (performers - 1) / 2.0)));
    b.performers.push_back(std::move(p));
  }
  b.studio_user = testing::NewDevice();
  FIGURANT_ASSIGN_OR_RETURN(b.studio_user.user,
                            Id(CliJson(rb, {"user", "add", "--role", "studio", "--studio", b.studio,
                                            "--public-key", ToHex(b.studio_user.key.public_key)})));
  b.scene = rb.dir() / "scene.json";
  const json scene = rb.Scene("load", "plates/load.####.exr", agents, kSceneFrames);
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(b.scene, scene.dump(), 0600));
  return b;
}

}  // namespace figurant::bench
