#include "cli_device.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace figurant::testing {

namespace fs = std::filesystem;
using nlohmann::json;

CliDevice::CliDevice(fs::path folder, BankRun bank, std::map<std::string, std::string> env)
    : folder_(std::move(folder)), bank_(std::move(bank)), env_(std::move(env)) {
  fs::create_directories(folder_);
}

fs::path CliDevice::KeyFile(const std::string& performer, const std::string& as) const {
  return folder_ / (as + "-" + performer + ".key");
}

fs::path CliDevice::SignatureFile(const std::string& licence) const {
  return folder_ / ("signature-" + licence + ".json");
}

RunResult CliDevice::Device(const std::vector<std::string>& args, const std::string& input) const {
  return RunFigurantWithInput(args, input, WithPartyPassphrase(env_));
}

RunResult CliDevice::Enrol(const std::string& performer, const std::string& as) {
  const std::string who = as + "-" + performer;
  if (enrolled_[who]) {
    RunResult already;
    already.exit_code = 0;
    return already;
  }
  const fs::path key = KeyFile(performer, as);
  RunResult made = Device({"key", "new", "--out", key.string()});
  if (made.exit_code != 0) return made;
  RunResult invited = bank_({"--json", "performer", "invite", performer, "--as", as});
  if (invited.exit_code != 0) return invited;
  const std::string code = json::parse(invited.out)["code"];
  RunResult enrolled =
      bank_({"performer", "enrol", "--code", code, "--public-key-file", key.string() + ".pub"});
  enrolled_[who] = enrolled.exit_code == 0;
  return enrolled;
}

RunResult CliDevice::Sign(const std::string& performer, const std::string& licence,
                          const std::string& represented_by, const std::string& as) {
  RunResult prepared = PrepareSignature(performer, licence, represented_by, as);
  if (prepared.exit_code != 0) return prepared;
  return bank_({"licence", "sign", licence, "--signature", SignatureFile(licence).string()});
}

RunResult CliDevice::PrepareSignature(const std::string& performer, const std::string& licence,
                                      const std::string& represented_by, const std::string& as) {
  RunResult enrolled = Enrol(performer, as);
  if (enrolled.exit_code != 0) return enrolled;
  const fs::path offer = folder_ / ("offer-" + std::to_string(++signatures_) + ".json");
  RunResult offered = bank_({"licence", "offer", licence, "--out", offer.string()});
  if (offered.exit_code != 0) return offered;
  std::ostringstream text;
  text << std::ifstream(offer).rdbuf();
  const json parsed = json::parse(text.str(), nullptr, false);
  const std::string word =
      parsed.is_object() && parsed.value("language", "en") == "fr" ? "signer\n" : "sign\n";
  const fs::path signature = SignatureFile(licence);
  fs::remove(signature);
  RunResult signed_offer =
      Device({"key", "sign", offer.string(), "--key", KeyFile(performer, as).string(), "--out",
              signature.string(), "--represented-by", represented_by},
             word);
  return signed_offer;
}

void SignOnDeviceOf(std::unique_ptr<CliDevice>& device, const fs::path& folder,
                    const std::function<std::string()>& bank,
                    const std::map<std::string, std::string>& env, const std::string& performer,
                    const std::string& licence, const std::string& represented_by) {
  if (!device) {
    device = std::make_unique<CliDevice>(
        folder,
        [bank, env](std::vector<std::string> args) {
          args.insert(args.begin(), {"--bank", bank()});
          return RunFigurant(args, env);
        },
        env);
  }
  const RunResult r = device->Sign(performer, licence, represented_by);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace figurant::testing
