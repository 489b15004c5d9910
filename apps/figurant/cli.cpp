#include "cli.h"

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "core/crypto.h"
#include "core/file.h"

namespace figurant::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
      return kExitBadInput;
    case StatusCode::kPermissionDenied:
      return kExitDenied;
    default:
      return kExitFailure;
  }
}

Status WithFlag(const Status& status, std::string_view flag) {
  return status.code() == StatusCode::kInvalidArgument ? status.WithContext(flag) : status;
}

std::filesystem::path Context::BankDir() const {
  if (!bank_option.empty()) return bank_option;
  if (const char* env = std::getenv("FIGURANT_BANK"); env != nullptr && *env != '\0') return env;
  return "figurant-bank";
}

void Context::Emit(const nlohmann::json& json_value, const std::string& text) {
  exit_code = kExitOk;
  if (json) {
    std::cout << json_value.dump() << '\n';
    return;
  }
  std::cout << text;
  if (!text.empty() && text.back() != '\n') std::cout << '\n';
}

void Context::Fail(const Status& status) {
  exit_code = ExitCodeFor(status);
  std::cerr << "figurant: " << status.message() << '\n';
  if (json) {
    nlohmann::json err = {
        {"error",
         {{"code", std::string(StatusCodeName(status.code()))}, {"message", status.message()}}}};
    std::cout << err.dump() << '\n';
  }
}

std::filesystem::path Context::KeysOption() const {
  if (!keys_option.empty()) return keys_option;
  if (const char* env = std::getenv("FIGURANT_KEYS"); env != nullptr && *env != '\0') return env;
  return {};
}

Result<KeyPassphrase> PassphraseFromEnvironment() {
  const char* direct = std::getenv("FIGURANT_KEY_PASSPHRASE");
  const char* file = std::getenv("FIGURANT_KEY_PASSPHRASE_FILE");
  const bool has_direct = direct != nullptr && *direct != '\0';
  const bool has_file = file != nullptr && *file != '\0';
  if (has_direct && has_file) {
    return InvalidArgument(
        "FIGURANT_KEY_PASSPHRASE and FIGURANT_KEY_PASSPHRASE_FILE are both set; set one");
  }
  if (has_direct) return KeyPassphrase(direct);
  if (!has_file) return KeyPassphrase();
  auto text = ReadPrivateFile(file);
  if (!text.ok()) return text.status().WithContext("FIGURANT_KEY_PASSPHRASE_FILE");
  if (!text->empty() && text->back() == '\n') text->pop_back();
  if (text->empty()) {
    return InvalidArgument("FIGURANT_KEY_PASSPHRASE_FILE: " + std::string(file) + " is empty");
  }
  return KeyPassphrase(*std::move(text));
}

Result<bank::BankOptions> Context::BankOptions() const {
  bank::BankOptions options;
  options.keys_dir = KeysOption();
  FIGURANT_ASSIGN_OR_RETURN(options.store.passphrase, PassphraseFromEnvironment());
  options.registry.write_delay_ms = test_seams.write_delay_ms;
  options.store.create_delay_ms = test_seams.data_key_delay_ms;
  return options;
}

Status Context::WithKeysMoveHint(const Status& status) const {
  std::error_code ec;
  if (status.ok() || !std::filesystem::exists(bank::LegacyKeysDir(BankDir()), ec)) return status;
  const std::filesystem::path keys = KeysOption();
  return Status(status.code(), status.message() + ". Run: figurant --bank " + BankDir().string() +
                                   (keys.empty() ? "" : " --keys " + keys.string()) + " keys move");
}

Result<std::unique_ptr<bank::Bank>> Context::OpenBank() const {
  FIGURANT_ASSIGN_OR_RETURN(bank::BankOptions options, BankOptions());
  auto bank = bank::Bank::Open(BankDir(), *clock, options);
  if (bank.status().code() == StatusCode::kNotFound) {
    return NotFound(bank.status().message() + "; create one with: figurant --bank " +
                    BankDir().string() + " init");
  }
  if (!bank.ok()) return WithKeysMoveHint(bank.status());
  if (const auto& destroyed = (*bank)->destroyed_custodial_keys(); !destroyed.empty()) {
    // Said once: the first opening of a bank made before performers held their own keys.
    std::cerr << "figurant: this bank was made when it held performers' and estates' signing "
                 "keys; destroyed those "
              << destroyed.size()
              << " private key file(s) (crypto-shredding, docs/keys.md). Licences they signed "
                 "keep working and are flagged custodial_signature until each signer re-confirms "
                 "with their own key (licence offer, key sign, licence sign --signature).\n";
  }
  return bank;
}

Result<FrameRangeOption> ParseFrameRange(const std::string& text) {
  FrameRangeOption range;
  char dash = 0;
  std::istringstream in(text);
  bool ok = static_cast<bool>(in >> range.first);
  if (ok && in.eof()) {
    range.last = range.first;  // "A" (reading the number reached the end: eof set, fail not)
  } else {
    ok = ok && (in >> dash) && dash == '-' && (in >> range.last) && in.eof();
  }
  if (!ok) return InvalidArgument("--frames '" + text + "': expected A-B or A");
  return range;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    const auto b = item.find_first_not_of(' ');
    const auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
    start = end + 1;
  }
  return out;
}

std::string FlagText(const std::vector<std::string>& flags) {
  std::string out;
  for (const std::string& f : flags) {
    std::string upper = f;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out += " [" + upper + "]";
  }
  return out;
}

bool Context::Check(const Status& status) {
  if (status.ok()) return true;
  Fail(status);
  return false;
}

}  // namespace figurant::cli
