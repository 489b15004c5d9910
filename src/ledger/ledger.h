// The ledger: an append-only, hash-chained, Merkle-tree, signed log of usage and licence events
// (docs/ledger.md is the byte-exact specification and the validity rule).
//
// Ledger::Open cuts away only a torn tail it can prove a crash left (after the last valid head,
// entries that verify and at most a prefix of the record due next) and refuses anything else —
// damage, another file written over the log, an empty file — with DataLoss naming the file and the
// first bad entry and byte, leaving the file untouched. Append is durable: it writes the entries
// and a new signed head and fsyncs before returning. VerifyLog checks an export with nothing but
// its bytes and the expected public key.
//
// Several writers: any number of Ledger objects, in one process or many, may hold one log open and
// append to it. Each append takes an exclusive lock on BANK/ledger/ledger.lock for that batch
// only: it first catches up with the batches others appended since (verifying them exactly as
// Open does), then chains its own onto them. Refresh catches up without appending. A Ledger object
// itself is not thread-safe: give each thread its own, or serialise calls.
#pragma once

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/file.h"
#include "core/status.h"
#include "ledger/merkle.h"

namespace figurant::ledger {

enum class EntryType : uint8_t {
  kUsage = 1,
  kSupersede = 2,
  kLicenceSigned = 3,
  kLicenceRevoked = 4,
  kPerformerErased = 5,
  kStudioRegistered = 6,
  kProductionDeclared = 7,
  kPerformerDeceased = 8,
  kKeyEnrolled = 9,
  kKeyRevoked = 10,
  kRepresentativeRegistered = 11,
  kStatement = 12,
};
std::string_view EntryTypeName(EntryType t);

inline constexpr size_t kMaxPayload = 1 << 20;

// Ledger files a user names (`ledger verify FILE`, `ledger witness EXPORT`) are read whole, bounded
// and regular files only (core/file.h, docs/inputs.md); so is a signed head (`--since-head`).
inline constexpr FileLimit kLedgerFile{"ledger file", uint64_t{1} << 30};  // 1 GiB
inline constexpr FileLimit kHeadFile{"signed head", 64u << 10};            // 64 KiB

struct Entry {
  EntryType type = EntryType::kUsage;
  uint64_t seq = 0;
  int64_t time = 0;  // [Units: Unix seconds]
  Hash prev{};
  std::string payload;  // canonical JSON
  Hash leaf{};
  uint64_t offset = 0;  // byte offset of the record in the file
};

struct SignedHead {
  uint64_t tree_size = 0;
  int64_t time = 0;
  Hash root{};
  Hash last{};
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key{};
  std::array<uint8_t, kEd25519SignatureBytes> signature{};
  uint64_t offset = 0;

  std::string SignedMessage() const;  // "figurant-sth-v1" ‖ first 80 body bytes
  bool SignatureValid() const;
  nlohmann::json ToJson() const;  // hex fields
  static Result<SignedHead> FromJson(const nlohmann::json& j);
};

struct VerifyReport {
  uint64_t entries = 0;
  uint64_t heads = 0;
  SignedHead last_head;  // the newest valid head
};

// Verifies a whole log (an export or the live file) against the validity rule. DataLoss naming
// the first bad record ("entry 41 at byte 9876: hash chain broken ...") when it fails. When
// `public_key` is given, every head must be signed by it.
// When `leaves` is given it receives the leaf hash of every entry (for proofs), in order.
Result<VerifyReport> VerifyLog(std::string_view bytes,
                               const std::optional<std::array<uint8_t, 32>>& public_key,
                               std::vector<Hash>* leaves = nullptr);

// VerifyLog that also hands every entry, in order, to `fn` (whose error stops the pass and is
// returned). Entries reach `fn` before the head that covers them is checked: discard what `fn`
// gathered when the result is an error.
Result<VerifyReport> ReadLog(std::string_view bytes, const std::array<uint8_t, 32>& public_key,
                             const std::function<Status(const Entry&)>& fn);

// Fault seams for crash tests (LevelDB's Env idea, kept to what the tests need). Defaults are what
// production uses.
struct LedgerOptions {
  // Write each batch in pieces of this many bytes instead of one pwrite, pausing between pieces,
  // so that a SIGKILL can land in the middle of a batch. [Units: bytes] [Limits: 0 = one write]
  size_t test_write_chunk_bytes = 0;
  int test_write_pause_us = 0;  // [Units: microseconds] [Limits: 0..1,000,000]
};

class Ledger {
 public:
  // Opens BANK/ledger/ledger.log, signing new heads with `key`; creates it (with the signed head of
  // the empty tree, atomically) when there is none. Cuts a crash's torn tail away (fsynced;
  // repaired_bytes() says how much); DataLoss, the file unchanged, for anything that is not one
  // (docs/ledger.md, "Durability and repair"). Unavailable when the directory, lock or file cannot
  // be created or opened.
  static Result<std::unique_ptr<Ledger>> Open(const std::filesystem::path& dir,
                                              const SigningKeyPair& key, const Clock& clock,
                                              const LedgerOptions& options = {});
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Appends the events as one batch and a signed head, fsynced before returning; returns their
  // sequence numbers. Payloads are canonicalised (sorted keys). An empty batch is a no-op.
  // Under the writers' lock, first catches up with what other writers appended (as Refresh, but
  // also cutting away a torn tail a crashed writer left), so the sequence numbers follow theirs.
  // InvalidArgument (nothing written) for a payload that is not a JSON object or is over 1 MiB;
  // Unavailable when the lock, the write or the fsync fails (the file is cut back to the previous
  // head, and the Ledger stays usable); DataLoss, nothing written, when what others appended does
  // not verify.
  Result<std::vector<uint64_t>> Append(
      const std::vector<std::pair<EntryType, nlohmann::json>>& events);
  // The same with payloads already serialised as canonical JSON objects (compact, keys sorted, as
  // nlohmann::json::dump() writes them): the fast path for metering, which writes usage payloads
  // without building JSON trees. The text is not re-parsed here.
  Result<std::vector<uint64_t>> AppendPayloads(
      const std::vector<std::pair<EntryType, std::string>>& events);

  // For events that must be recorded once however many processes try to record them (a bank
  // catching the ledger up with its registry after a crash, while the process that made the
  // change appends it too): under the writers' lock and after catching up, `select`, given this
  // Ledger with every entry appended so far, returns the events still to append; they are
  // appended as AppendPayloads does. An empty selection writes nothing. `select`'s error is
  // returned and nothing written; otherwise errors as AppendPayloads.
  using Events = std::vector<std::pair<EntryType, std::string>>;
  using SelectFn = std::function<Result<Events>(const Ledger&)>;
  Result<std::vector<uint64_t>> AppendSelected(const SelectFn& select);

  // Catches up with the batches other writers appended since this Ledger last read the log,
  // verifying their hash chain, Merkle roots and signed heads under the bank's key exactly as Open
  // does; size(), head(), leaves() and ForEach then include them. Sees only complete batches:
  // bytes after the last valid head — a batch a writer is writing, or a crashed writer's torn
  // tail, which the next append cuts away — are left for a later call. Does not wait for a writer
  // unless what it read looks damaged. DataLoss, nothing adopted, when the new bytes break the
  // validity rule in a way no crash or writer in progress explains, or the file was cut back below
  // what this Ledger had verified; Unavailable when the file cannot be read.
  Status Refresh();

  uint64_t size() const { return leaves_.size(); }
  const SignedHead& head() const { return head_; }
  const std::vector<Hash>& leaves() const { return leaves_; }
  const std::filesystem::path& file() const { return file_; }
  // Bytes of torn tails cut away, on open and by appends since. [Units: bytes]
  uint64_t repaired_bytes() const { return repaired_bytes_; }

  // Reads every entry, in order, calling `fn`; stops early with its error.
  Status ForEach(const std::function<Status(const Entry&)>& fn) const;
  // Entries `first` .. size() - 1, in order, read back from the file and each checked against the
  // leaf hash verified when this Ledger read or wrote it, calling `fn`; stops early with its
  // error. What a long-lived reader calls after Refresh to see only what is new. OK and no call
  // when first >= size(); DataLoss when the file changed under the open ledger.
  Status ForEachSince(uint64_t first, const std::function<Status(const Entry&)>& fn) const;
  // One entry, read back from its recorded offset and checked against its leaf hash. NotFound past
  // the end; DataLoss when the file changed under the open ledger.
  Result<Entry> Get(uint64_t seq) const;

 private:
  struct Batch;
  class FileLock;
  // What catching up does with bytes after the last valid head that a crash or a writer in
  // progress can leave (docs/ledger.md, "Durability and repair").
  enum class TornTail {
    kRepair,      // cut them away (only under the exclusive lock: no writer can be in progress)
    kStopBefore,  // leave them: they may be a batch being written
  };
  Ledger() = default;
  // Creates the log when there is none (Create), and opens it: a regular file, not a symbolic
  // link. Called under the exclusive lock.
  Status CreateAndOpen();
  // A new log: the signed head of the empty tree, written whole under a temporary name and renamed
  // into place, so that every ledger.log starts with a complete head.
  Status Create();
  // Reads and verifies the bytes after end_ (the whole log on open), adopting every batch up to
  // the last valid head; a crash's residue is handled as `torn` says, anything else refused.
  Status CatchUp(TornTail torn);
  // The bytes a batch will take; InvalidArgument for a payload over kMaxPayload or an unknown type.
  static Result<size_t> BatchBytes(const std::vector<std::pair<EntryType, std::string>>& events);
  // Entry records chained onto the log, the new tree and its signed head.
  Batch EncodeBatch(const std::vector<std::pair<EntryType, std::string>>& events,
                    size_t bytes) const;
  // Encodes, writes and adopts a batch of `bytes` (BatchBytes); under the exclusive lock, caught
  // up.
  Result<std::vector<uint64_t>> WriteBatch(const Events& events, size_t bytes);
  // Writes `bytes` at the end of the log and fsyncs; on failure cuts the file back to end_.
  Status WriteDurably(const std::string& bytes);
  Result<std::string> ReadAt(uint64_t offset, uint64_t size) const;
  // Entry `seq` from `rec`, bytes that start with its record, checked against its leaf hash.
  Result<Entry> EntryFrom(std::string_view rec, uint64_t seq) const;

  std::filesystem::path file_;
  std::filesystem::path lock_file_;
  int fd_ = -1;
  int lock_fd_ = -1;
  SigningKeyPair key_{};
  const Clock* clock_ = nullptr;
  std::vector<Hash> leaves_;
  std::vector<uint64_t> offsets_;
  MerkleFrontier frontier_;  // over leaves_
  SignedHead head_;
  uint64_t end_ = 0;  // just past the last head read or written: what this Ledger has verified
  uint64_t repaired_bytes_ = 0;
  LedgerOptions options_;
};

}  // namespace figurant::ledger
