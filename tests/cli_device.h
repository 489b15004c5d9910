// Performers' and estates' own devices, played through the CLI for end-to-end tests: each signer's
// key made with `figurant key new` (sealed with the party passphrase) in a folder of the test's,
// enrolled with `performer invite` and `performer enrol`, and each licence signed as a performer
// would: `licence offer`, `key sign` (typing the confirmation word), `licence sign --signature`.
// The bank never sees a private key.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace figurant::testing {

class CliDevice {
 public:
  // Runs figurant on the test's bank: `args` with the bank's options prepended and the test's
  // environment (FIGURANT_NOW...).
  using BankRun = std::function<RunResult(const std::vector<std::string>& args)>;
  // `folder` holds the keys, offers and signature files; `env` is what the device's own commands
  // run with (the same FIGURANT_NOW as the bank's, so signed_at is the bank's now).
  CliDevice(std::filesystem::path folder, BankRun bank,
            std::map<std::string, std::string> env = {});

  // Makes and enrols the key of `performer` (or, with as = "estate", their estate) once.
  // Returns the `performer enrol` result (or a default OK one when already enrolled).
  RunResult Enrol(const std::string& performer, const std::string& as = "performer");
  // Signs `licence` on the device and hands the signature to the bank. Returns the bank's
  // `licence sign --signature` result; a failing earlier step's result instead.
  RunResult Sign(const std::string& performer, const std::string& licence,
                 const std::string& represented_by = "none", const std::string& as = "performer");
  // Sign's device side only: the signature file written (SignatureFile), not yet handed over.
  RunResult PrepareSignature(const std::string& performer, const std::string& licence,
                             const std::string& represented_by = "none",
                             const std::string& as = "performer");
  // The signature file `key sign` wrote for `licence` (after Sign).
  std::filesystem::path SignatureFile(const std::string& licence) const;
  // The environment the device's own commands run with from now on (a test moving its clock).
  void SetEnv(std::map<std::string, std::string> env) { env_ = std::move(env); }
  // The private key file of the signer.
  std::filesystem::path KeyFile(const std::string& performer, const std::string& as) const;

 private:
  RunResult Device(const std::vector<std::string>& args, const std::string& input = "") const;

  std::filesystem::path folder_;
  BankRun bank_;
  std::map<std::string, std::string> env_;
  std::map<std::string, bool> enrolled_;
  int signatures_ = 0;
};

// For fixtures: signs `licence` on `device`, made on first use for the bank whose directory `bank`
// gives at each call (figurant run with --bank BANK and `env`, the device's commands with `env`
// too) with its keys in `folder`; expects every step to succeed.
void SignOnDeviceOf(std::unique_ptr<CliDevice>& device, const std::filesystem::path& folder,
                    const std::function<std::string()>& bank,
                    const std::map<std::string, std::string>& env, const std::string& performer,
                    const std::string& licence, const std::string& represented_by = "none");

}  // namespace figurant::testing
