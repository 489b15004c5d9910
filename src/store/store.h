// The encrypted, content-addressed blob store of a bank (docs/store.md is the specification).
//
// KeyRing holds the bank master key and each performer's data key, wrapped by the master key.
// BlobStore encrypts blobs with libsodium's XChaCha20-Poly1305 secretstream under the owning
// performer's data key and names them by a BLAKE2b hash keyed with that key. Erasing a performer
// destroys their data key and deletes their blobs.
//
// Nothing here writes plaintext to disk. Writes are atomic (temp + fsync + rename + dir fsync).
// Readers verify every byte: a modified, truncated or renamed blob is DataLoss.
// Thread-safety: Get/Put may run concurrently, in threads or processes, key creation included;
// erasure of one performer must not race with other calls for that performer.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/key_seal.h"
#include "core/status.h"

namespace figurant::store {

inline constexpr size_t kKeyBytes = 32;

// 32 secret bytes, wiped from memory when destroyed.
class SecretKey {
 public:
  SecretKey() = default;
  ~SecretKey();
  SecretKey(const SecretKey& other) = default;
  SecretKey& operator=(const SecretKey& other) = default;
  std::array<uint8_t, kKeyBytes>& bytes() { return bytes_; }
  const std::array<uint8_t, kKeyBytes>& bytes() const { return bytes_; }

 private:
  std::array<uint8_t, kKeyBytes> bytes_{};
};

struct KeyRingOptions {
  // Test seam: a pause between finding a performer's data key missing and creating it, so that
  // tests can make concurrent first imports overlap. [Units: ms] [Limits: >= 0]
  int create_delay_ms = 0;
  // Seals a new master.key with this passphrase and opens a sealed one (docs/keys.md); none: a
  // new master key is stored unsealed, and a sealed one cannot be opened (FailedPrecondition).
  KeyPassphrase passphrase;
};

class KeyRing {
 public:
  // Opens the bank's keys directory (docs/keys.md). With `create`, a missing master key is
  // generated (bank init); otherwise a missing master key is NotFound. The directory and data/ must
  // be private (0700, owned) and the master key 0600 or stricter: FailedPrecondition otherwise,
  // naming the chmod that fixes it.
  static Result<std::unique_ptr<KeyRing>> Open(const std::filesystem::path& keys_dir, bool create,
                                               const KeyRingOptions& options = {});

  // The performer's data key, created (and durably wrapped on disk) when `create` and missing.
  // NotFound when missing and !create — which is also the state after erasure. Safe against
  // concurrent processes: the key file is created exclusively, and a creator that loses the race
  // uses the winner's key, so every caller gets the key that is on disk.
  Result<SecretKey> DataKey(const std::string& performer_id, bool create);
  bool HasDataKey(const std::string& performer_id) const;
  // Overwrites, fsyncs and deletes the wrapped key file. OK when already absent.
  Status DestroyDataKey(const std::string& performer_id);

 private:
  KeyRing(std::filesystem::path dir, const SecretKey& master, KeyRingOptions options)
      : dir_(std::move(dir)), master_(master), options_(std::move(options)) {}
  std::filesystem::path KeyFile(const std::string& performer_id) const;
  // Generates a data key and creates its wrapped file; AlreadyExists when the file exists.
  Status CreateDataKey(const std::string& performer_id) const;
  // Reads and unwraps the performer's data key; NotFound when it has none.
  Result<SecretKey> ReadDataKey(const std::string& performer_id) const;
  std::filesystem::path dir_;
  SecretKey master_;
  KeyRingOptions options_;
};

class BlobStore {
 public:
  // `store_dir` is BANK/store; `keys` must outlive the store.
  BlobStore(std::filesystem::path store_dir, KeyRing& keys)
      : dir_(std::move(store_dir)), keys_(keys) {}

  // Encrypts and stores `plaintext` for the performer (creating their data key if needed) and
  // returns its content address (64 hex digits). Storing the same bytes twice returns the same id
  // and writes nothing the second time.
  Result<std::string> Put(const std::string& performer_id, std::string_view plaintext);
  // Reads, decrypts and verifies one blob. NotFound when absent or the performer was erased;
  // DataLoss when the file fails any check of the validity rule.
  Result<std::string> Get(const std::string& performer_id, const std::string& blob_id) const;
  bool Contains(const std::string& performer_id, const std::string& blob_id) const;
  // Destroys the performer's data key, then deletes their blob directory. Idempotent.
  Status ErasePerformer(const std::string& performer_id);
  // Removes leftover temporary files from interrupted writes.
  Status CollectGarbage();

  std::filesystem::path BlobPath(const std::string& performer_id, const std::string& blob_id) const;

 private:
  std::filesystem::path dir_;
  KeyRing& keys_;
};

// True for a well-formed performer id or blob id (guards every path built from an id).
bool IsSafePerformerId(std::string_view id);
bool IsBlobId(std::string_view id);

}  // namespace figurant::store
