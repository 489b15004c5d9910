// Witnesses: someone other than the bank — a union's auditor — keeps the bank's signed heads,
// countersigned with the witness's own Ed25519 key, in a witness log. Whoever holds the bank's key
// can re-sign any history, but not one that still extends every head a witness has kept: a ledger
// cut back, or with events dropped, changed or reordered and re-signed, contradicts the witnessed
// head and is named (docs/ledger.md, "Witnesses", specifies the key file, the log's bytes and its
// validity rule).
//
// The bank never holds the witness key; nothing here reads the bank's keys. All functions are
// thread-safe (no shared state); the files are the caller's to serialise (one witness process at a
// time appends to a log).
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"

namespace figurant::ledger {

using WitnessPublicKey = std::array<uint8_t, kEd25519PublicKeyBytes>;

// Creates a new witness key pair in `file` (JSON, mode 0600, docs/ledger.md), durably and
// exclusively: AlreadyExists, with nothing written, when anything is at `file` — a witness key is
// never overwritten. Returns the public key, which the witness gives to whoever verifies its log.
Result<WitnessPublicKey> CreateWitnessKey(const std::filesystem::path& file);

// Reads a witness key file. NotFound when it does not exist; InvalidArgument naming the file when
// it is not a witness key or its two halves do not belong together.
Result<SigningKeyPair> ReadWitnessKey(const std::filesystem::path& file);

// One line of a witness log: a signed head of the bank's, countersigned by the witness.
struct WitnessedHead {
  uint64_t line = 0;         // its 0-based position in the log
  int64_t witnessed_at = 0;  // the witness's clock when it countersigned [Units: Unix seconds]
  Hash prev{};               // SHA-256 of the previous line's bytes; zeros for line 0
  SignedHead bank_head;      // as the bank signed it (its signature verifies)
  WitnessPublicKey witness_key{};
  std::array<uint8_t, kEd25519SignatureBytes> signature{};  // the witness's, over SignedMessage()

  // "figurant-witness-v1" ‖ line (u64) ‖ witnessed_at (i64) ‖ prev ‖ the 80 bytes the bank signed
  // (tree_size, time, root, last) ‖ the bank's public key; integers little-endian.
  std::string SignedMessage() const;
};

// A witness log read back and checked.
struct WitnessLog {
  std::vector<WitnessedHead> heads;  // in order: tree sizes never decrease
  Hash next_prev{};                  // the `prev` the next line must carry
};

// Parses a witness log (untrusted text: it comes from whoever hands it over) and checks its
// validity rule: every line a countersigned head in the documented form, numbered in order,
// chained by `prev`, countersigned by one witness key (`witness_key` when given, else line 0's)
// over a head the same bank key signed, tree sizes never decreasing and equal sizes with equal
// roots. DataLoss naming `name`, the line and what fails. Empty text is an empty log.
Result<WitnessLog> ParseWitnessLog(std::string_view text, std::string_view name,
                                   const std::optional<WitnessPublicKey>& witness_key);

// The line (without its newline) that countersigns `head` as the next line of `log`, at `now`
// [Units: Unix seconds], with the witness's `key`. Pure: the caller appends it to the file.
std::string CountersignHead(const WitnessLog& log, const SignedHead& head,
                            const SigningKeyPair& key, int64_t now);

// What checking a ledger against a witness log established.
struct WitnessCheck {
  uint64_t heads = 0;       // witnessed heads the ledger extends: all of the log's
  WitnessedHead newest;     // the log's last line (meaningful when heads > 0)
  std::vector<Hash> proof;  // RFC 9162 consistency proof from `newest` to the ledger's head
};

// Checks that a verified ledger — the leaf hash of each of its entries, in order, and its newest
// head `head` (covering all of them) — extends every head in `log`: signed by the same bank key,
// no larger than the ledger, and the Merkle root of the ledger's first m entries equal to the root
// the witness kept for size m (what a consistency proof proves, recomputed here from the leaves).
// Also gives the RFC 9162 consistency proof from the newest witnessed head, verified. DataLoss
// naming `name`, the line, the witnessed head (size, root, when) and whether the ledger was cut
// back or rewritten. An empty log passes with heads = 0.
Result<WitnessCheck> CheckExtendsWitnessed(const WitnessLog& log, std::span<const Hash> leaves,
                                           const SignedHead& head, std::string_view name);

}  // namespace figurant::ledger
