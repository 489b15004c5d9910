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

  // Personal data the registry keeps (names, emails, disclosure texts), sealed under the
  // performer's data key (created when missing) so that destroying the key erases it wherever
  // it is copied. `context` names where the value lives (e.g. "performers.name") and is bound
  // as associated data: a sealed value moved to another column, row or performer fails to open.
  // The result is "sealed-v1:" followed by lowercase hex (docs/store.md).
  Result<std::string> Seal(const std::string& performer_id, std::string_view context,
                           std::string_view plaintext);
  // The plaintext of Seal's output. NotFound when the performer's data key is gone (erased);
  // DataLoss when the value is malformed or does not authenticate; InvalidArgument when
  // `sealed` is not a sealed value (IsSealed).
  Result<std::string> Unseal(const std::string& performer_id, std::string_view context,
                             std::string_view sealed);

  // Replaces the master key: a new one is written beside the old (master.key.next), every data
  // key is re-wrapped under it, one atomic rename makes it current, and the old key's bytes are
  // overwritten. A crash at any point is finished by the next Open. Afterwards no copy of a
  // wrapped data key taken before the rotation unwraps with the bank's keys (a backup of the old
  // master key would: docs/store.md says what a backup policy must do). Run on erasure.
  Status RotateMaster();

 private:
  KeyRing(std::filesystem::path dir, const SecretKey& master, KeyRingOptions options)
      : dir_(std::move(dir)), master_(master), options_(std::move(options)) {}
  std::filesystem::path KeyFile(const std::string& performer_id) const;
  // Generates a data key and creates its wrapped file; AlreadyExists when the file exists.
  Status CreateDataKey(const std::string& performer_id);
  // Reads and unwraps the performer's data key; NotFound when it has none. Picks up a master key
  // another process rotated since Open.
  Result<SecretKey> ReadDataKey(const std::string& performer_id);
  // Re-wraps every data key not yet wrapped under `next` (RotateMaster's step 2).
  Status RewrapAll(const SecretKey& next);
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
  // Deletes one blob (one no record refers to any more, e.g. a replaced appearance crop) and
  // fsyncs its directory. OK when absent; InvalidArgument for a malformed id; Unavailable naming
  // the blob when it cannot be deleted.
  Status Remove(const std::string& performer_id, const std::string& blob_id);
  // Destroys the performer's data key, then deletes their blob directory. Idempotent.
  Status ErasePerformer(const std::string& performer_id);
  // Removes leftover temporary files from interrupted writes.
  Status CollectGarbage();

  std::filesystem::path BlobPath(const std::string& performer_id, const std::string& blob_id) const;

 private:
  std::filesystem::path dir_;
  KeyRing& keys_;
};

// Overwrites a secret file with zeros, fsyncs it, deletes it and fsyncs its directory. OK when
// already absent; Unavailable naming the file when it cannot be deleted.
Status DestroyFile(const std::filesystem::path& file);

// True when `value` is the output of KeyRing::Seal (starts with "sealed-v1:").
bool IsSealed(std::string_view value);

// True for a well-formed performer id or blob id (guards every path built from an id).
bool IsSafePerformerId(std::string_view id);
bool IsBlobId(std::string_view id);

}  // namespace figurant::store
