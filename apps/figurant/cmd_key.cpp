// key new: an Ed25519 key pair for a party that signs what it states (a studio its productions),
// made offline, kept by that party, never by the bank. Also how other commands read a party's
// public key (--public-key, --public-key-file) and private key file (--studio-key).
#include <filesystem>
#include <memory>

#include "cli.h"
#include "core/file.h"
#include "core/text.h"

namespace figurant::cli {
namespace fs = std::filesystem;

namespace {

// The public key file beside a key file: FILE.pub (docs/registry.md, "Key files").
constexpr std::string_view kPublicKeyMagic = "figurant-ed25519-public-v1";
constexpr FileLimit kPublicKeyFile{"public key file", 4096};

void RegisterKeyNew(CLI::App& key, Context& ctx) {
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = key.add_subcommand(
      "new",
      "Create an Ed25519 key pair for a party (a studio): FILE (private, mode 0600, keep "
      "it yourself) and FILE.pub (the public key to register)");
  cmd->add_option("--out", *out, "Private key file to create (never inside the bank)")->required();
  cmd->callback([&ctx, out] {
    const fs::path file = *out;
    if (!ctx.Check(OutsideBank(ctx, file, "--out"))) return;
    std::error_code ec;
    const fs::path pub = file.string() + ".pub";
    if (fs::exists(file, ec) || fs::exists(pub, ec)) {
      ctx.Fail(AlreadyExists("--out: " + file.string() +
                             " (or its .pub) exists; a key file is "
                             "never replaced"));
      return;
    }
    SigningKeyPair kp = GenerateSigningKeyPair();
    Status wrote = bank::WriteSigningKey(file, kp);
    SecureZero(kp.secret_key.data(), kp.secret_key.size());
    if (!ctx.Check(wrote)) return;
    const std::string hex = ToHex(kp.public_key);
    if (!ctx.Check(WriteFileAtomic(pub, std::string(kPublicKeyMagic) + "\n" + hex + "\n"))) return;
    ctx.Emit({{"key_file", file.string()}, {"public_key_file", pub.string()}, {"public_key", hex}},
             "created " + file.string() + " (private: keep it, never give it to the bank) and " +
                 pub.string() + "\npublic key " + hex);
  });
}

}  // namespace

Status OutsideBank(const Context& ctx, const fs::path& file, std::string_view flag) {
  const bank::BankPaths paths = bank::BankPaths::For(ctx.BankDir());
  for (const fs::path& dir : {paths.dir, paths.keys}) {
    if (PathIsWithin(file, dir)) {
      return InvalidArgument(std::string(flag) + ": " + file.string() + " is inside the bank (" +
                             dir.string() +
                             "); a party's private key is kept by that party, never by the bank");
    }
  }
  return Status::Ok();
}

Result<bank::Ed25519PublicKey> PublicKeyOption(const std::string& hex, const std::string& file) {
  if (hex.empty() == file.empty()) {
    return InvalidArgument("give exactly one of --public-key HEX or --public-key-file FILE");
  }
  std::string text = hex;
  std::string from = "--public-key";
  if (!file.empty()) {
    from = "--public-key-file " + file;
    FIGURANT_ASSIGN_OR_RETURN(text, ReadUserFile(file, kPublicKeyFile));
    if (text.find("-ed25519-v1") != std::string::npos) {
      return InvalidArgument(from +
                             ": not a public key file (a private key file must never be "
                             "given to the bank; give FILE.pub)");
    }
    const auto nl = text.find('\n');
    if (nl != std::string::npos && TrimSpace(text.substr(0, nl)) == kPublicKeyMagic) {
      text = text.substr(nl + 1);
    }
  }
  auto bytes = FromHex(TrimSpace(text));
  if (!bytes.ok() || bytes->size() != kEd25519PublicKeyBytes) {
    return InvalidArgument(from + ": expected an Ed25519 public key, 64 hex digits");
  }
  bank::Ed25519PublicKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

Result<SigningKeyPair> PartyKeyFile(const Context& ctx, const std::string& file,
                                    std::string_view flag) {
  FIGURANT_RETURN_IF_ERROR(OutsideBank(ctx, file, flag));
  auto key = bank::ReadSigningKey(file);
  if (!key.ok()) return InvalidArgument(std::string(flag) + ": " + key.status().message());
  return key;
}

void RegisterKeyCommands(CLI::App& app, Context& ctx) {
  CLI::App* key = app.add_subcommand("key", "Key pairs of parties that sign what they state");
  key->require_subcommand(1);
  RegisterKeyNew(*key, ctx);
}

}  // namespace figurant::cli
