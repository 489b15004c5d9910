// The offline key tool, for the parties that sign what they state (a performer or estate their
// consent, a studio its productions), run on their own device and never by the bank:
//   key new   an Ed25519 key pair, its private half sealed with the party's passphrase
//             (docs/keys.md, "Party key files");
//   key sign  an offer signed after the signer read it and typed the word (docs/licence.md,
//             "Signing on your own device");
//   key sign-statement  the same for a statement request (docs/licence.md, "Signed statements").
// Also how other commands read a party's public key (--public-key, --public-key-file) and private
// key file (--studio-key).
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli.h"
#include "consent/offer.h"
#include "consent/statement.h"
#include "core/file.h"
#include "core/key_seal.h"
#include "core/text.h"

namespace figurant::cli {
namespace fs = std::filesystem;

namespace {

// The public key file beside a key file: FILE.pub (docs/registry.md, "Key files").
constexpr std::string_view kPublicKeyMagic = "figurant-ed25519-public-v1";
constexpr FileLimit kPublicKeyFile{"public key file", 4096};
constexpr std::string_view kPassphraseHelp =
    "set FIGURANT_KEY_PASSPHRASE or FIGURANT_KEY_PASSPHRASE_FILE, or run figurant on a terminal";

// The controlling terminal, opened to ask a passphrase with echo off; the terminal's settings are
// restored and the descriptor closed however the asking ends.
class QuietTty {
 public:
  QuietTty() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {
    if (fd_ >= 0 && ::tcgetattr(fd_, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      restore_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~QuietTty() {
    if (restore_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
    if (fd_ >= 0) ::close(fd_);
  }
  QuietTty(const QuietTty&) = delete;
  QuietTty& operator=(const QuietTty&) = delete;

  bool open() const { return fd_ >= 0; }

  // Writes `prompt`, reads one line (without its line end), then moves to the next line.
  std::string Ask(std::string_view prompt) const {
    (void)!::write(fd_, prompt.data(), prompt.size());
    std::string line;
    char c = 0;
    while (::read(fd_, &c, 1) == 1 && c != '\n') line.push_back(c);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    (void)!::write(fd_, "\n", 1);
    return line;
  }

 private:
  int fd_;
  termios saved_{};
  bool restore_ = false;
};

// How often a passphrase is typed: twice when it seals a new key (a typo would lock the key
// away for good), once when it opens one.
enum class Typed { kOnce, kTwice };

// The passphrase of a party's key `file`: from the environment (as the bank's keys), else typed on
// the terminal. FailedPrecondition naming both variables when there is neither; InvalidArgument
// for an empty passphrase or two that differ.
Result<std::string> PartyPassphrase(const fs::path& file, Typed typed) {
  FIGURANT_ASSIGN_OR_RETURN(KeyPassphrase from_env, PassphraseFromEnvironment());
  if (from_env) return *std::move(from_env);
  const QuietTty tty;
  if (!tty.open()) {
    return FailedPrecondition("the key file " + file.string() +
                              " needs a passphrase and there is no terminal to ask it on: " +
                              std::string(kPassphraseHelp));
  }
  std::string first = tty.Ask("Passphrase for " + file.string() + ": ");
  if (first.empty()) return InvalidArgument("an empty passphrase is refused");
  if (typed == Typed::kOnce) return first;
  std::string second = tty.Ask("The same passphrase again: ");
  const bool same = first == second;
  SecureZero(second.data(), second.size());
  if (!same) {
    SecureZero(first.data(), first.size());
    return InvalidArgument("the two passphrases differ");
  }
  return first;
}

void RegisterKeyNew(CLI::App& key, Context& ctx) {
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = key.add_subcommand(
      "new",
      "Create an Ed25519 key pair for a party (a performer, a studio): FILE (private, sealed "
      "with a passphrase from FIGURANT_KEY_PASSPHRASE(_FILE) or typed twice on the terminal, mode "
      "0600, keep it yourself) and FILE.pub (the public key to register)");
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
    Result<std::string> passphrase = PartyPassphrase(file, Typed::kTwice);
    if (!ctx.Check(passphrase.status())) return;
    SigningKeyPair kp = GenerateSigningKeyPair();
    Status wrote = bank::WriteSigningKey(file, kp, *passphrase);
    SecureZero(kp.secret_key.data(), kp.secret_key.size());
    SecureZero(passphrase->data(), passphrase->size());
    if (!ctx.Check(wrote)) return;
    const std::string hex = ToHex(kp.public_key);
    if (!ctx.Check(WriteFileAtomic(pub, std::string(kPublicKeyMagic) + "\n" + hex + "\n"))) return;
    ctx.Emit({{"key_file", file.string()}, {"public_key_file", pub.string()}, {"public_key", hex}},
             "created " + file.string() +
                 " (private, sealed with your passphrase: keep both, never give either to the "
                 "bank) and " +
                 pub.string() + "\npublic key " + hex);
  });
}

// An offer holds the canonical terms (at most 1 MiB) and the disclosure.
constexpr FileLimit kOfferFile{"offer file", 4 * 1024 * 1024};
// A signature file is public: the bank, the signer's union and a court may all read it.
constexpr unsigned kSignatureFileMode = 0644;

// A statement request holds at most kMaxStatementFields short fields.
constexpr FileLimit kStatementRequestFile{"statement request file", 256 * 1024};

// key sign's and key sign-statement's arguments (`offer` is the request of sign-statement).
struct KeySignArgs {
  std::string offer, key, out, represented_by = "none";
};

// Wipes a private key when the command is done with it, however it returns.
class WipeOnExit {
 public:
  explicit WipeOnExit(SigningKeyPair& key) : key_(key) {}
  ~WipeOnExit() { SecureZero(key_.secret_key.data(), key_.secret_key.size()); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  SigningKeyPair& key_;
};

// Shows the signer `request` (what they are asked to sign, ending with the question), then reads
// their answer, one line on standard input: only `language`'s confirmation word says yes.
Status AskSigner(const Context& ctx, const std::string& request, consent::Language language,
                 const std::string& out) {
  std::ostream& shown = ctx.json ? std::cerr : std::cout;  // --json keeps stdout for the result
  shown << request << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) answer.clear();
  shown << '\n';
  const std::string_view word = consent::ConfirmationWord(language);
  if (TrimSpace(answer) == word) return Status::Ok();
  return FailedPrecondition("nothing was signed: the answer was not '" + std::string(word) + "'; " +
                            out + " was not written");
}

// Checked before anything is asked, so that nobody confirms a signature that cannot be written.
Status RefuseExisting(const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec) || fs::is_symlink(out, ec)) {
    return AlreadyExists("--out: " + out + " exists; a signature file is never replaced");
  }
  return Status::Ok();
}

// key sign: reads the offer, opens the key, asks, and only on the word signs and writes the file.
// Never opens a bank: it runs on the signer's device.
Status SignOffer(Context& ctx, const KeySignArgs& a) {
  const std::optional<consent::Representation> representation =
      consent::ParseRepresentation(a.represented_by);
  if (!representation) return InvalidArgument("--represented-by: expected union, counsel or none");
  FIGURANT_ASSIGN_OR_RETURN(const std::string text, ReadUserFile(a.offer, kOfferFile));
  FIGURANT_ASSIGN_OR_RETURN(const consent::Offer offer, consent::ParseOffer(text, a.offer));
  FIGURANT_RETURN_IF_ERROR(RefuseExisting(a.out));
  FIGURANT_ASSIGN_OR_RETURN(SigningKeyPair key, PartyKeyFile(ctx, a.key, "--key"));
  const WipeOnExit wipe(key);
  FIGURANT_RETURN_IF_ERROR(AskSigner(ctx, consent::SigningRequestText(offer, ToHex(key.public_key)),
                                     offer.language, a.out));
  consent::ConsentRecord record = consent::RecordFor(offer, *representation, ctx.clock->Now());
  FIGURANT_RETURN_IF_ERROR(consent::SignConsent(record, offer.terms_text, key));
  FIGURANT_RETURN_IF_ERROR(
      CreateFileExclusive(a.out, consent::ConsentSignatureJson(record), kSignatureFileMode)
          .WithContext("--out"));
  const std::string public_key = ToHex(record.public_key);
  ctx.Emit({{"signature_file", a.out},
            {"licence", record.licence_id},
            {"signer", consent::SignerName(record.signer)},
            {"signer_id", record.signer_id},
            {"public_key", public_key},
            {"signed_at", FormatTimestamp(record.signed_at)}},
           "signed licence " + record.licence_id + " with the key " + public_key + "\nwrote " +
               a.out + ": give it to the bank (figurant licence sign " + record.licence_id +
               " --signature " + a.out + ")");
  return Status::Ok();
}

// key sign-statement: as key sign, for a statement request (consent/statement.h).
Status SignStatementRequest(Context& ctx, const KeySignArgs& a) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string text, ReadUserFile(a.offer, kStatementRequestFile));
  FIGURANT_ASSIGN_OR_RETURN(const consent::StatementRequest request,
                            consent::ParseStatementRequest(text, a.offer));
  FIGURANT_RETURN_IF_ERROR(RefuseExisting(a.out));
  FIGURANT_ASSIGN_OR_RETURN(SigningKeyPair key, PartyKeyFile(ctx, a.key, "--key"));
  const WipeOnExit wipe(key);
  FIGURANT_RETURN_IF_ERROR(AskSigner(
      ctx, consent::StatementRequestText(request, ToHex(key.public_key)), request.language, a.out));
  FIGURANT_ASSIGN_OR_RETURN(const consent::SignedStatement statement,
                            consent::SignStatement(request, key));
  FIGURANT_RETURN_IF_ERROR(
      CreateFileExclusive(a.out, consent::StatementSignatureJson(statement), kSignatureFileMode)
          .WithContext("--out"));
  const std::string kind(consent::StatementKindName(statement.kind));
  const std::string public_key = ToHex(statement.public_key);
  ctx.Emit({{"signature_file", a.out}, {"kind", kind}, {"public_key", public_key}},
           "signed the statement (" + kind + ") with the key " + public_key + "\nwrote " + a.out);
  return Status::Ok();
}

// The options key sign and key sign-statement share: the signer's key and the file to write.
void AddSigningOptions(CLI::App& cmd, KeySignArgs& a) {
  cmd.add_option("--key", a.key, "Your private key file (key new)")->required();
  cmd.add_option("--out", a.out, "Signature file to create (never replaced)")->required();
}

void RegisterKeySign(CLI::App& key, Context& ctx) {
  auto a = std::make_shared<KeySignArgs>();
  CLI::App* cmd = key.add_subcommand(
      "sign",
      "Sign a licence offer with your own key, on your own device, without a bank: shows who asks "
      "and the disclosure exactly as offered, signs only when you type the word it asks for "
      "(sign, or signer in French), and writes a signature file for the bank");
  cmd->add_option("offer", a->offer, "The offer file the bank gave you (licence offer)")
      ->required();
  AddSigningOptions(*cmd, *a);
  cmd->add_option("--represented-by", a->represented_by,
                  "Who advised you: union, counsel or none (default none)");
  cmd->callback([&ctx, a] {
    if (Status s = SignOffer(ctx, *a); !s.ok()) ctx.Fail(s);
  });
}

void RegisterKeySignStatement(CLI::App& key, Context& ctx) {
  auto a = std::make_shared<KeySignArgs>();
  CLI::App* cmd = key.add_subcommand(
      "sign-statement",
      "Sign a statement request (suspend or resume a licence, a strike, a key replacement, a "
      "log-in) with your own key, without a bank: shows every field, signs only when you type "
      "the word it asks for, and writes a signature file");
  cmd->add_option("request", a->offer, "The statement request file")->required();
  AddSigningOptions(*cmd, *a);
  cmd->callback([&ctx, a] {
    if (Status s = SignStatementRequest(ctx, *a); !s.ok()) ctx.Fail(s);
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
  // A key file made before keys were sealed is still read as it is; a sealed one needs its
  // passphrase, asked only then.
  Result<std::string> text = ReadPrivateFile(file);
  if (!text.ok()) return InvalidArgument(std::string(flag) + ": " + text.status().message());
  KeyPassphrase passphrase;
  if (IsSealedKeyText(*text)) {
    Result<std::string> typed = PartyPassphrase(file, Typed::kOnce);
    if (!typed.ok()) return typed.status().WithContext(flag);
    passphrase = *std::move(typed);
  }
  SecureZero(text->data(), text->size());
  auto key = bank::ReadSigningKey(file, passphrase);
  if (passphrase) SecureZero(passphrase->data(), passphrase->size());
  if (key.status().code() == StatusCode::kUnauthenticated) return key.status().WithContext(flag);
  if (!key.ok()) return InvalidArgument(std::string(flag) + ": " + key.status().message());
  return key;
}

void RegisterKeyCommands(CLI::App& app, Context& ctx) {
  CLI::App* key = app.add_subcommand("key", "Key pairs of parties that sign what they state");
  key->require_subcommand(1);
  RegisterKeyNew(*key, ctx);
  RegisterKeySign(*key, ctx);
  RegisterKeySignStatement(*key, ctx);
}

}  // namespace figurant::cli
