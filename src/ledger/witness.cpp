// Witnessing in the manner of Certificate Transparency's witnesses and gossip (RFC 9162 §8.2 and
// §8.3): a party other than the log keeps signed tree heads and checks, with consistency proofs
// (RFC 9162 §2.1.4), that every later tree extends them.
#include "ledger/witness.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/file.h"
#include "ledger/internal/endian.h"
#include "ledger/internal/record.h"
#include "ledger/internal/sha256.h"

namespace figurant::ledger {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kKeyFormat = "figurant-witness-key-v1";
constexpr std::string_view kLineFormat = "figurant-witness-v1";
constexpr unsigned kSecretFileMode = 0600;

// Decodes the hex string `j[key]` into exactly out.size() bytes; false when it is not one.
bool ReadHexField(const json& j, const char* key, std::span<uint8_t> out) {
  if (!j.contains(key) || !j[key].is_string()) return false;
  auto bytes = FromHex(j[key].get<std::string>());
  if (!bytes.ok() || bytes->size() != out.size()) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  SecureZero(bytes->data(), bytes->size());
  return true;
}

std::string Short(const Hash& h) { return ToHex(h).substr(0, 16) + "…"; }

// "W line 3 (the head of 12 entries, root 0a1b…, witnessed 2026-06-01T12:00:00Z)"
std::string Describe(std::string_view name, const WitnessedHead& w) {
  return std::string(name) + " line " + std::to_string(w.line) + " (the head of " +
         std::to_string(w.bank_head.tree_size) + " entries, root " + Short(w.bank_head.root) +
         ", witnessed " + FormatTimestamp(w.witnessed_at) + ")";
}

// One line's fields, in the documented form; nothing checked across lines or signatures.
Result<WitnessedHead> ParseLine(std::string_view text, const std::string& where) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return DataLoss(where + ": not a JSON object");
  if (j.value("format", "") != kLineFormat) {
    return DataLoss(where + ": field \"format\": expected \"" + std::string(kLineFormat) + "\"");
  }
  WitnessedHead w;
  if (!j.contains("line") || !j["line"].is_number_unsigned()) {
    return DataLoss(where + ": field \"line\": expected an unsigned integer");
  }
  w.line = j["line"].get<uint64_t>();
  if (!j.contains("witnessed_at") || !j["witnessed_at"].is_number_integer()) {
    return DataLoss(where + ": field \"witnessed_at\": expected an integer (Unix seconds)");
  }
  w.witnessed_at = j["witnessed_at"].get<int64_t>();
  for (const auto& [key, bytes] : {std::pair<const char*, std::span<uint8_t>>{"prev", w.prev},
                                   {"witness_key", w.witness_key},
                                   {"signature", w.signature}}) {
    if (!ReadHexField(j, key, bytes)) {
      return DataLoss(where + ": field \"" + key + "\": expected " +
                      std::to_string(2 * bytes.size()) + " hex digits");
    }
  }
  if (!j.contains("bank_head")) return DataLoss(where + ": field \"bank_head\" is missing");
  auto head = SignedHead::FromJson(j["bank_head"]);
  if (!head.ok()) return DataLoss(where + ": field \"bank_head\": " + head.status().message());
  w.bank_head = *head;
  return w;
}

// The rule between a line and the lines before it (`before` is the log so far).
Status CheckLine(const WitnessedHead& w, const WitnessLog& before, const std::string& where,
                 const WitnessPublicKey& witness_key) {
  if (w.line != before.heads.size()) {
    return DataLoss(where + ": numbered " + std::to_string(w.line) + " (lines removed or moved)");
  }
  if (w.prev != before.next_prev) {
    return DataLoss(where + ": does not chain to the line before it (lines removed or changed)");
  }
  if (w.witness_key != witness_key) {
    return DataLoss(where + ": countersigned by witness key " + ToHex(w.witness_key) + ", not " +
                    ToHex(witness_key));
  }
  if (!VerifyDetached(w.SignedMessage(), w.signature.data(), w.signature.size(),
                      w.witness_key.data(), w.witness_key.size())) {
    return DataLoss(where + ": the witness's signature does not verify (the line was altered)");
  }
  if (!w.bank_head.SignatureValid()) {
    return DataLoss(where + ": the bank's signature on the head does not verify");
  }
  if (before.heads.empty()) return Status::Ok();
  const SignedHead& last = before.heads.back().bank_head;
  if (w.bank_head.public_key != last.public_key) {
    return DataLoss(where + ": a head signed by bank key " + ToHex(w.bank_head.public_key) +
                    " after heads signed by " + ToHex(last.public_key));
  }
  if (w.bank_head.tree_size < last.tree_size ||
      (w.bank_head.tree_size == last.tree_size && w.bank_head.root != last.root)) {
    return DataLoss(where + ": a head of " + std::to_string(w.bank_head.tree_size) +
                    " entries that contradicts the head of " + std::to_string(last.tree_size) +
                    " before it");
  }
  return Status::Ok();
}

}  // namespace

std::string WitnessedHead::SignedMessage() const {
  std::string m(kLineFormat);
  internal::AppendLittleEndian(m, line);
  internal::AppendLittleEndian(m, witnessed_at);
  m.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  m += internal::EncodeHeadBody(bank_head).substr(0, internal::kHeadSigned);
  m.append(reinterpret_cast<const char*>(bank_head.public_key.data()), bank_head.public_key.size());
  return m;
}

Result<WitnessPublicKey> CreateWitnessKey(const fs::path& file) {
  std::error_code ec;
  if (fs::symlink_status(file, ec).type() != fs::file_type::not_found) {
    return AlreadyExists(file.string() + " exists: a witness key is never overwritten");
  }
  SigningKeyPair key = GenerateSigningKeyPair();
  std::string text = json{{"format", kKeyFormat},
                          {"public_key", ToHex(key.public_key)},
                          {"secret_key", ToHex(key.secret_key)}}
                         .dump(2) +
                     "\n";
  SecureZero(key.secret_key.data(), key.secret_key.size());
  // Written whole under a name of its own, then linked to `file`: link() never replaces an existing
  // name, so not even a concurrent creator can overwrite a key.
  uint8_t nonce[8];
  RandomBytes(nonce, sizeof nonce);
  fs::path staged = file;
  staged += ".new-" + ToHex(nonce, sizeof nonce);
  Status wrote = WriteFileAtomic(staged, text, kSecretFileMode);
  SecureZero(text.data(), text.size());
  FIGURANT_RETURN_IF_ERROR(wrote);
  const int linked = ::link(staged.c_str(), file.c_str());
  const int err = errno;
  ::unlink(staged.c_str());
  if (linked != 0) {
    if (err == EEXIST) {
      return AlreadyExists(file.string() + " exists: a witness key is never overwritten");
    }
    return Unavailable("cannot create " + file.string() + ": " + std::strerror(err));
  }
  FIGURANT_RETURN_IF_ERROR(SyncDirectory(fs::absolute(file).parent_path()));
  return key.public_key;
}

Result<SigningKeyPair> ReadWitnessKey(const fs::path& file) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadFile(file));
  const json j = json::parse(text, nullptr, false);
  SecureZero(text.data(), text.size());
  const auto bad = [&](const std::string& why) {
    return InvalidArgument("witness key file " + file.string() + ": " + why);
  };
  if (!j.is_object() || j.value("format", "") != kKeyFormat) {
    return bad("not a witness key (expected \"format\": \"" + std::string(kKeyFormat) + "\")");
  }
  SigningKeyPair key{};
  if (!ReadHexField(j, "public_key", key.public_key) ||
      !ReadHexField(j, "secret_key", key.secret_key)) {
    return bad("expected \"public_key\" (64 hex digits) and \"secret_key\" (128 hex digits)");
  }
  // libsodium's secret key is seed ‖ public key; and a test signature proves the pair.
  const std::string probe(kKeyFormat);
  const auto sig = SignDetached(probe, key);
  if (std::memcmp(key.secret_key.data() + kEd25519PublicKeyBytes, key.public_key.data(),
                  kEd25519PublicKeyBytes) != 0 ||
      !VerifyDetached(probe, sig.data(), sig.size(), key.public_key.data(),
                      key.public_key.size())) {
    SecureZero(key.secret_key.data(), key.secret_key.size());
    return bad("its public and secret keys do not belong together");
  }
  return key;
}

Result<WitnessLog> ParseWitnessLog(std::string_view text, std::string_view name,
                                   const std::optional<WitnessPublicKey>& witness_key) {
  WitnessLog log;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    const std::string where = std::string(name) + " line " + std::to_string(log.heads.size());
    FIGURANT_ASSIGN_OR_RETURN(WitnessedHead w, ParseLine(line, where));
    const WitnessPublicKey expected =
        witness_key ? *witness_key : (log.heads.empty() ? w.witness_key : log.heads[0].witness_key);
    FIGURANT_RETURN_IF_ERROR(CheckLine(w, log, where, expected));
    log.next_prev = Sha256(line);
    log.heads.push_back(w);
    at = end + 1;
  }
  return log;
}

std::string CountersignHead(const WitnessLog& log, const SignedHead& head,
                            const SigningKeyPair& key, int64_t now) {
  WitnessedHead w;
  w.line = log.heads.size();
  w.witnessed_at = now;
  w.prev = log.next_prev;
  w.bank_head = head;
  w.witness_key = key.public_key;
  w.signature = SignDetached(w.SignedMessage(), key);
  return json{{"format", kLineFormat},          {"line", w.line},
              {"witnessed_at", w.witnessed_at}, {"prev", ToHex(w.prev)},
              {"bank_head", head.ToJson()},     {"witness_key", ToHex(w.witness_key)},
              {"signature", ToHex(w.signature)}}
      .dump();
}

Result<WitnessCheck> CheckExtendsWitnessed(const WitnessLog& log, std::span<const Hash> leaves,
                                           const SignedHead& head, std::string_view name) {
  WitnessCheck check;
  internal::Sha256Engine sha;
  MerkleFrontier prefix;  // over leaves[0, pushed)
  uint64_t pushed = 0;
  for (const WitnessedHead& w : log.heads) {
    const SignedHead& kept = w.bank_head;
    if (kept.public_key != head.public_key) {
      return DataLoss(Describe(name, w) + ": signed by bank key " + ToHex(kept.public_key) +
                      ", not the ledger's " + ToHex(head.public_key));
    }
    if (kept.tree_size > leaves.size()) {
      return DataLoss(Describe(name, w) + ": the ledger has only " + std::to_string(leaves.size()) +
                      " entries: it was cut back");
    }
    while (pushed < kept.tree_size) prefix.Push(leaves[pushed++], sha);
    if (prefix.Root(sha) != kept.root) {
      return DataLoss(Describe(name, w) + ": the ledger's first " + std::to_string(kept.tree_size) +
                      " entries do not hash to the witnessed root: history was rewritten "
                      "(entries dropped, changed or reordered, and re-signed)");
    }
  }
  check.heads = log.heads.size();
  if (log.heads.empty()) return check;
  check.newest = log.heads.back();
  check.proof = ConsistencyProof(leaves, check.newest.bank_head.tree_size);
  if (!VerifyConsistency(check.newest.bank_head.tree_size, head.tree_size,
                         check.newest.bank_head.root, head.root, check.proof)) {
    return DataLoss(Describe(name, check.newest) +
                    ": no consistency proof leads from it to the ledger's head");
  }
  return check;
}

}  // namespace figurant::ledger
