#include "store/store.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

#include "core/crypto.h"
#include "core/file.h"
#include "core/ids.h"
#include "core/key_seal.h"

namespace figurant::store {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMasterMagic = "figurant-master-key-v1";
constexpr std::string_view kWrappedMagic = "figurant-wrapped-key-v1";
constexpr std::string_view kWrapAdPrefix = "figurant-data-key-v1:";
constexpr char kBlobMagic[8] = {'F', 'G', 'B', 'L', 'O', 'B', '1', '\0'};
constexpr size_t kChunk = 65536;
constexpr size_t kHeaderBytes = 8 + 8 + crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr unsigned kSecretMode = 0600;
constexpr unsigned kDirMode = 0700;

std::string Trim(const std::string& s) {
  const auto e = s.find_last_not_of(" \t\r\n");
  return e == std::string::npos ? std::string() : s.substr(0, e + 1);
}

// Parses "MAGIC\n<hex>\n" into bytes, from a private file (mode 0600 or stricter), unsealed with
// `passphrase` when sealed (docs/keys.md).
Result<Bytes> ReadKeyFile(const fs::path& path, std::string_view magic,
                          const KeyPassphrase& passphrase = std::nullopt) {
  FIGURANT_ASSIGN_OR_RETURN(std::string text, ReadKeyFileText(path, passphrase));
  const auto nl = text.find('\n');
  if (nl == std::string::npos || std::string_view(text).substr(0, nl) != magic) {
    SecureZero(text.data(), text.size());
    return DataLoss("key file " + path.string() + " is not a " + std::string(magic) + " file");
  }
  auto bytes = FromHex(Trim(text.substr(nl + 1)));
  SecureZero(text.data(), text.size());
  if (!bytes.ok()) return DataLoss("key file " + path.string() + " is damaged");
  return bytes;
}

// Creates the key file only when none exists (AlreadyExists otherwise): key files are created once,
// and a concurrent creator must never replace the key another process already used.
std::string KeyFileText(std::string_view magic, const uint8_t* data, size_t n) {
  return std::string(magic) + "\n" + ToHex(data, n) + "\n";
}

// Sealed with `passphrase` when one is given.
Status CreateKeyFile(const fs::path& path, std::string_view magic, const uint8_t* data, size_t n,
                     const KeyPassphrase& passphrase = std::nullopt) {
  std::string text = KeyFileText(magic, data, n);
  Result<std::string> stored = KeyFileTextToStore(text, passphrase);
  SecureZero(text.data(), text.size());
  if (!stored.ok()) return stored.status();
  return CreateFileExclusive(path, *stored, kSecretMode);
}

std::string KeyedHash(const SecretKey& key, std::string_view data) {
  std::array<uint8_t, 32> h;
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                     key.bytes().data(), key.bytes().size());
  return ToHex(h);
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

SecretKey::~SecretKey() { SecureZero(bytes_.data(), bytes_.size()); }

bool IsSafePerformerId(std::string_view id) { return HasIdForm(id, id_prefix::kPerformer); }
bool IsBlobId(std::string_view id) { return id.size() == 64 && IsLowerHex(id); }

// ---- KeyRing
// -------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kMasterFile = "master.key";
// A rotation's new master key, beside the old one until the switch (docs/store.md).
constexpr std::string_view kNextMasterFile = "master.key.next";
constexpr std::string_view kLockFile = "keyring.lock";

Result<SecretKey> LoadMaster(const fs::path& master_file, const KeyPassphrase& passphrase) {
  FIGURANT_ASSIGN_OR_RETURN(Bytes raw, ReadKeyFile(master_file, kMasterMagic, passphrase));
  if (raw.size() != kKeyBytes) {
    SecureZero(raw.data(), raw.size());
    return DataLoss("bank master key " + master_file.string() + " has the wrong length");
  }
  SecretKey master;
  std::memcpy(master.bytes().data(), raw.data(), kKeyBytes);
  SecureZero(raw.data(), raw.size());
  return master;
}

// An exclusive flock on BANK/keys/keyring.lock, held while a data key is created or the master
// key rotated, so that no key is ever wrapped under a master key that is being replaced.
class RingLock {
 public:
  explicit RingLock(const fs::path& keys_dir)
      : fd_(::open((keys_dir / kLockFile).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, kSecretMode)) {
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RingLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  RingLock(const RingLock&) = delete;
  RingLock& operator=(const RingLock&) = delete;
  Status status(const fs::path& keys_dir) const {
    if (fd_ >= 0) return Status::Ok();
    return Unavailable("cannot lock " + (keys_dir / kLockFile).string());
  }

 private:
  int fd_;
};

}  // namespace

Result<std::unique_ptr<KeyRing>> KeyRing::Open(const fs::path& keys_dir, bool create,
                                               const KeyRingOptions& options) {
  const fs::path master_file = keys_dir / kMasterFile;
  std::error_code ec;
  if (!fs::exists(master_file, ec)) {
    if (!create) return NotFound("bank master key " + master_file.string() + " is missing");
    FIGURANT_RETURN_IF_ERROR(EnsurePrivateDirectory(keys_dir));
    SecretKey fresh;
    RandomBytes(fresh.bytes().data(), fresh.bytes().size());
    Status created = CreateKeyFile(master_file, kMasterMagic, fresh.bytes().data(),
                                   fresh.bytes().size(), options.passphrase);
    // A concurrent init created it first: use theirs.
    if (created.code() != StatusCode::kAlreadyExists) FIGURANT_RETURN_IF_ERROR(created);
  }
  FIGURANT_RETURN_IF_ERROR(EnsurePrivateDirectory(keys_dir));
  FIGURANT_RETURN_IF_ERROR(EnsurePrivateDirectory(keys_dir / "data"));
  FIGURANT_ASSIGN_OR_RETURN(SecretKey master, LoadMaster(master_file, options.passphrase));
  auto ring = std::unique_ptr<KeyRing>(new KeyRing(keys_dir, master, options));
  // A rotation interrupted by a crash is finished before anything else reads a key.
  if (fs::exists(keys_dir / kNextMasterFile, ec)) {
    FIGURANT_RETURN_IF_ERROR(ring->RotateMaster());
  }
  return ring;
}

fs::path KeyRing::KeyFile(const std::string& performer_id) const {
  return dir_ / "data" / (performer_id + ".key");
}

bool KeyRing::HasDataKey(const std::string& performer_id) const {
  std::error_code ec;
  return IsSafePerformerId(performer_id) && fs::exists(KeyFile(performer_id), ec);
}

namespace {

constexpr size_t kAeadNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kAeadTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kWrappedBytes = kAeadNonceBytes + kKeyBytes + kAeadTagBytes;
constexpr std::string_view kSealedPrefix = "sealed-v1:";
constexpr std::string_view kSealAdPrefix = "figurant-sealed-v1:";

std::string WrapAd(const std::string& performer_id) {
  return std::string(kWrapAdPrefix) + performer_id;
}

// nonce ‖ XChaCha20-Poly1305(plaintext, ad) under `key`, with a fresh random nonce.
Bytes AeadSeal(const SecretKey& key, std::string_view ad, const uint8_t* plaintext, size_t n) {
  Bytes out(kAeadNonceBytes + n + kAeadTagBytes);
  RandomBytes(out.data(), kAeadNonceBytes);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kAeadNonceBytes, &clen, plaintext, n,
                                             reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
                                             nullptr, out.data(), key.bytes().data());
  return out;
}

// The plaintext of AeadSeal's output, or nullopt when it does not authenticate under `key`.
std::optional<std::string> AeadOpen(const SecretKey& key, std::string_view ad,
                                    const Bytes& sealed) {
  if (sealed.size() < kAeadNonceBytes + kAeadTagBytes) return std::nullopt;
  std::string plain(sealed.size() - kAeadNonceBytes - kAeadTagBytes, '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<uint8_t*>(plain.data()), &mlen, nullptr, sealed.data() + kAeadNonceBytes,
          sealed.size() - kAeadNonceBytes, reinterpret_cast<const uint8_t*>(ad.data()), ad.size(),
          sealed.data(), key.bytes().data()) != 0) {
    return std::nullopt;
  }
  return plain;
}

Bytes WrapKey(const SecretKey& master, const std::string& performer_id, const SecretKey& key) {
  return AeadSeal(master, WrapAd(performer_id), key.bytes().data(), kKeyBytes);
}

std::optional<SecretKey> UnwrapKey(const SecretKey& master, const std::string& performer_id,
                                   const Bytes& wrapped) {
  if (wrapped.size() != kWrappedBytes) return std::nullopt;
  std::optional<std::string> raw = AeadOpen(master, WrapAd(performer_id), wrapped);
  if (!raw) return std::nullopt;
  SecretKey key;
  std::memcpy(key.bytes().data(), raw->data(), kKeyBytes);
  SecureZero(raw->data(), raw->size());
  return key;
}

}  // namespace

Status KeyRing::CreateDataKey(const std::string& performer_id) {
  const RingLock lock(dir_);
  FIGURANT_RETURN_IF_ERROR(lock.status(dir_));
  // Wrap under the master key on disk now: another process may have rotated it since Open.
  FIGURANT_ASSIGN_OR_RETURN(master_, LoadMaster(dir_ / kMasterFile, options_.passphrase));
  SecretKey key;
  RandomBytes(key.bytes().data(), key.bytes().size());
  const Bytes wrapped = WrapKey(master_, performer_id, key);
  return CreateKeyFile(KeyFile(performer_id), kWrappedMagic, wrapped.data(), wrapped.size());
}

Result<SecretKey> KeyRing::ReadDataKey(const std::string& performer_id) {
  const fs::path file = KeyFile(performer_id);
  FIGURANT_ASSIGN_OR_RETURN(Bytes wrapped, ReadKeyFile(file, kWrappedMagic));
  if (wrapped.size() != kWrappedBytes) {
    return DataLoss("wrapped data key " + file.string() + " has the wrong length");
  }
  std::optional<SecretKey> key = UnwrapKey(master_, performer_id, wrapped);
  if (!key) {
    // Another process may have rotated the master key since this ring was opened.
    auto current = LoadMaster(dir_ / kMasterFile, options_.passphrase);
    if (current.ok() && current->bytes() != master_.bytes()) {
      master_ = *current;
      key = UnwrapKey(master_, performer_id, wrapped);
    }
  }
  if (!key) {
    return DataLoss("wrapped data key " + file.string() +
                    " does not unwrap with the bank master key (tampered, moved from another "
                    "performer or bank, or wrapped by a master key since rotated)");
  }
  return *key;
}

Result<SecretKey> KeyRing::DataKey(const std::string& performer_id, bool create) {
  if (!IsSafePerformerId(performer_id)) {
    return InvalidArgument("'" + performer_id + "' is not a performer id");
  }
  Result<SecretKey> existing = ReadDataKey(performer_id);
  if (existing.status().code() != StatusCode::kNotFound) return existing;
  if (!create) return NotFound("no data key for performer " + performer_id);
  if (options_.create_delay_ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options_.create_delay_ms));
  }
  // Whoever creates the file first wins; everyone, the winner included, then uses the key on disk.
  const Status created = CreateDataKey(performer_id);
  if (!created.ok() && created.code() != StatusCode::kAlreadyExists) return created;
  return ReadDataKey(performer_id);
}

Status KeyRing::DestroyDataKey(const std::string& performer_id) {
  if (!IsSafePerformerId(performer_id)) {
    return InvalidArgument("'" + performer_id + "' is not a performer id");
  }
  return DestroyFile(KeyFile(performer_id));
}

Status DestroyFile(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return Status::Ok();
  // Overwrite in place before unlinking, so the secret does not linger in the file's blocks.
  const auto size = fs::file_size(file, ec);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    const std::string zeros(ec ? 0 : size, '\0');
    const ssize_t n = ::write(fd, zeros.data(), zeros.size());
    (void)n;
    ::fsync(fd);
    ::close(fd);
  }
  if (!fs::remove(file, ec) || ec) {
    return Unavailable("cannot delete " + file.string() + ": " + ec.message());
  }
  return SyncDirectory(file.parent_path());
}

bool IsSealed(std::string_view value) { return value.starts_with(kSealedPrefix); }

namespace {

std::string SealAd(const std::string& performer_id, std::string_view context) {
  return std::string(kSealAdPrefix) + performer_id + ":" + std::string(context);
}

}  // namespace

Result<std::string> KeyRing::Seal(const std::string& performer_id, std::string_view context,
                                  std::string_view plaintext) {
  FIGURANT_ASSIGN_OR_RETURN(SecretKey key, DataKey(performer_id, /*create=*/true));
  const Bytes sealed =
      AeadSeal(key, SealAd(performer_id, context),
               reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size());
  return std::string(kSealedPrefix) + ToHex(sealed);
}

Result<std::string> KeyRing::Unseal(const std::string& performer_id, std::string_view context,
                                    std::string_view sealed) {
  const std::string where = std::string(context) + " of performer " + performer_id;
  if (!IsSealed(sealed)) return InvalidArgument(where + " is not a sealed value");
  FIGURANT_ASSIGN_OR_RETURN(SecretKey key, DataKey(performer_id, /*create=*/false));
  auto bytes = FromHex(std::string(sealed.substr(kSealedPrefix.size())));
  if (!bytes.ok()) return DataLoss(where + ": the sealed value is not hex");
  std::optional<std::string> plain = AeadOpen(key, SealAd(performer_id, context), *bytes);
  if (!plain) {
    return DataLoss(where +
                    ": the sealed value does not authenticate (altered, or moved from another "
                    "row or performer)");
  }
  return *plain;
}

// Roll-forward rotation: every step can be repeated, and Open finishes an interrupted one.
Status KeyRing::RotateMaster() {
  const RingLock lock(dir_);
  FIGURANT_RETURN_IF_ERROR(lock.status(dir_));
  const fs::path master_file = dir_ / kMasterFile;
  const fs::path next_file = dir_ / kNextMasterFile;
  FIGURANT_ASSIGN_OR_RETURN(master_, LoadMaster(master_file, options_.passphrase));
  // 1. The new master key beside the old one (kept if a crashed rotation already made it: some
  //    data keys may already be wrapped under it).
  std::error_code ec;
  if (!fs::exists(next_file, ec)) {
    SecretKey fresh;
    RandomBytes(fresh.bytes().data(), fresh.bytes().size());
    FIGURANT_RETURN_IF_ERROR(CreateKeyFile(next_file, kMasterMagic, fresh.bytes().data(),
                                           fresh.bytes().size(), options_.passphrase));
  }
  FIGURANT_ASSIGN_OR_RETURN(SecretKey next, LoadMaster(next_file, options_.passphrase));
  // 2. Every data key re-wrapped under it, one atomic file replacement each.
  FIGURANT_RETURN_IF_ERROR(RewrapAll(next));
  // 3. The switch: one rename makes the new master current; then the old one's bytes are zeroed.
  const int old_fd = ::open(master_file.c_str(), O_WRONLY | O_CLOEXEC);
  fs::rename(next_file, master_file, ec);
  if (ec) {
    if (old_fd >= 0) ::close(old_fd);
    return Unavailable("cannot switch to the new master key " + next_file.string() + ": " +
                       ec.message());
  }
  FIGURANT_RETURN_IF_ERROR(SyncDirectory(dir_));
  if (old_fd >= 0) {
    // The whole old file, sealed (longer) or not.
    struct stat st {};
    const size_t old_size = ::fstat(old_fd, &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
    const std::string zeros(std::max(old_size, kMasterMagic.size() + 2 + 2 * kKeyBytes), '\0');
    const ssize_t n = ::pwrite(old_fd, zeros.data(), zeros.size(), 0);
    (void)n;
    ::fsync(old_fd);
    ::close(old_fd);
  }
  master_ = next;
  return Status::Ok();
}

Status KeyRing::RewrapAll(const SecretKey& next) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_ / "data", ec)) {
    const std::string stem = e.path().stem().string();
    if (e.path().extension() == ".key" && IsSafePerformerId(stem)) files.push_back(e.path());
  }
  if (ec) return Unavailable("cannot list " + (dir_ / "data").string() + ": " + ec.message());
  for (const fs::path& file : files) {
    const std::string performer_id = file.stem().string();
    FIGURANT_ASSIGN_OR_RETURN(Bytes wrapped, ReadKeyFile(file, kWrappedMagic));
    if (UnwrapKey(next, performer_id, wrapped)) continue;  // done before a crash
    std::optional<SecretKey> key = UnwrapKey(master_, performer_id, wrapped);
    if (!key) {
      return DataLoss("wrapped data key " + file.string() +
                      " unwraps with neither the old nor the new master key; rotation stopped");
    }
    const Bytes rewrapped = WrapKey(next, performer_id, *key);
    std::string text = KeyFileText(kWrappedMagic, rewrapped.data(), rewrapped.size());
    Status wrote = WriteFileAtomic(file, text, kSecretMode);
    SecureZero(text.data(), text.size());
    FIGURANT_RETURN_IF_ERROR(wrote);
  }
  return Status::Ok();
}

// ---- BlobStore
// -----------------------------------------------------------------------------------

fs::path BlobStore::BlobPath(const std::string& performer_id, const std::string& blob_id) const {
  return dir_ / performer_id / blob_id.substr(0, 2) / (blob_id + ".blob");
}

bool BlobStore::Contains(const std::string& performer_id, const std::string& blob_id) const {
  std::error_code ec;
  return IsSafePerformerId(performer_id) && IsBlobId(blob_id) &&
         fs::exists(BlobPath(performer_id, blob_id), ec);
}

Status BlobStore::Remove(const std::string& performer_id, const std::string& blob_id) {
  if (!IsSafePerformerId(performer_id) || !IsBlobId(blob_id)) {
    return InvalidArgument("'" + performer_id + "/" + blob_id + "' is not a performer's blob id");
  }
  const fs::path path = BlobPath(performer_id, blob_id);
  std::error_code ec;
  const bool removed = fs::remove(path, ec);
  if (ec) {
    return Unavailable("cannot delete blob " + blob_id + " of " + performer_id + ": " +
                       ec.message());
  }
  return removed ? SyncDirectory(path.parent_path()) : Status::Ok();
}

Result<std::string> BlobStore::Put(const std::string& performer_id, std::string_view plaintext) {
  FIGURANT_ASSIGN_OR_RETURN(SecretKey key, keys_.DataKey(performer_id, /*create=*/true));
  const std::string id = KeyedHash(key, plaintext);
  const fs::path path = BlobPath(performer_id, id);
  std::error_code ec;
  if (fs::exists(path, ec)) return id;
  FIGURANT_RETURN_IF_ERROR(EnsureDirectory(path.parent_path(), kDirMode));

  std::string out;
  out.reserve(kHeaderBytes + plaintext.size() +
              (plaintext.size() / kChunk + 1) * crypto_secretstream_xchacha20poly1305_ABYTES);
  out.append(kBlobMagic, sizeof kBlobMagic);
  const uint64_t length = plaintext.size();
  out.append(reinterpret_cast<const char*>(&length), sizeof length);
  crypto_secretstream_xchacha20poly1305_state st;
  std::array<uint8_t, crypto_secretstream_xchacha20poly1305_HEADERBYTES> header;
  crypto_secretstream_xchacha20poly1305_init_push(&st, header.data(), key.bytes().data());
  out.append(reinterpret_cast<const char*>(header.data()), header.size());
  size_t done = 0;
  bool first = true;
  do {
    const size_t n = std::min(kChunk, plaintext.size() - done);
    const bool last = done + n == plaintext.size();
    const size_t at = out.size();
    out.resize(at + n + crypto_secretstream_xchacha20poly1305_ABYTES);
    // The blob id is bound as additional data of the first chunk: a renamed blob fails.
    crypto_secretstream_xchacha20poly1305_push(
        &st, reinterpret_cast<uint8_t*>(out.data() + at), nullptr,
        reinterpret_cast<const uint8_t*>(plaintext.data() + done), n,
        first ? reinterpret_cast<const uint8_t*>(id.data()) : nullptr, first ? id.size() : 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    done += n;
    first = false;
  } while (done < plaintext.size());
  sodium_memzero(&st, sizeof st);
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(path, out, kSecretMode));
  return id;
}

Result<std::string> BlobStore::Get(const std::string& performer_id,
                                   const std::string& blob_id) const {
  if (!IsSafePerformerId(performer_id) || !IsBlobId(blob_id)) {
    return InvalidArgument("bad blob reference " + performer_id + "/" + blob_id);
  }
  const fs::path path = BlobPath(performer_id, blob_id);
  auto bad = [&](std::string_view why) {
    return DataLoss("blob " + path.string() + " is corrupt: " + std::string(why));
  };
  FIGURANT_ASSIGN_OR_RETURN(std::string file, ReadFile(path));
  FIGURANT_ASSIGN_OR_RETURN(SecretKey key, keys_.DataKey(performer_id, /*create=*/false));
  if (file.size() < kHeaderBytes || std::memcmp(file.data(), kBlobMagic, sizeof kBlobMagic) != 0) {
    return bad("bad magic or header");
  }
  uint64_t length = 0;
  std::memcpy(&length, file.data() + 8, sizeof length);
  const uint64_t body = file.size() - kHeaderBytes;
  // Checked first so that the chunk arithmetic below cannot overflow on a forged length.
  if (length > body) return bad("length does not match the header (truncated or extended)");
  const uint64_t chunks = length / kChunk + 1 - (length > 0 && length % kChunk == 0 ? 1 : 0);
  if (body != length + chunks * crypto_secretstream_xchacha20poly1305_ABYTES) {
    return bad("length does not match the header (truncated or extended)");
  }
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &st, reinterpret_cast<const uint8_t*>(file.data() + 16), key.bytes().data()) != 0) {
    return bad("bad stream header");
  }
  std::string plain(static_cast<size_t>(length), '\0');
  size_t in = kHeaderBytes, out = 0;
  for (uint64_t c = 0; c < chunks; ++c) {
    const size_t n = std::min<size_t>(kChunk, static_cast<size_t>(length) - out);
    uint8_t tag = 0;
    unsigned long long mlen = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            &st, reinterpret_cast<uint8_t*>(plain.data() + out), &mlen, &tag,
            reinterpret_cast<const uint8_t*>(file.data() + in),
            n + crypto_secretstream_xchacha20poly1305_ABYTES,
            c == 0 ? reinterpret_cast<const uint8_t*>(blob_id.data()) : nullptr,
            c == 0 ? blob_id.size() : 0) != 0) {
      sodium_memzero(plain.data(), plain.size());
      return bad("chunk " + std::to_string(c) + " fails authentication");
    }
    const bool last = c + 1 == chunks;
    if (last != (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)) {
      sodium_memzero(plain.data(), plain.size());
      return bad("final-chunk tag misplaced");
    }
    in += n + crypto_secretstream_xchacha20poly1305_ABYTES;
    out += n;
  }
  sodium_memzero(&st, sizeof st);
  if (KeyedHash(key, plain) != blob_id) {
    sodium_memzero(plain.data(), plain.size());
    return bad("content does not match its address");
  }
  return plain;
}

Status BlobStore::ErasePerformer(const std::string& performer_id) {
  if (!IsSafePerformerId(performer_id)) {
    return InvalidArgument("'" + performer_id + "' is not a performer id");
  }
  FIGURANT_RETURN_IF_ERROR(keys_.DestroyDataKey(performer_id));
  std::error_code ec;
  fs::remove_all(dir_ / performer_id, ec);
  if (ec) return Unavailable("cannot delete blobs of " + performer_id + ": " + ec.message());
  return SyncDirectory(dir_);
}

Status BlobStore::CollectGarbage() {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) return Status::Ok();
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() &&
        it->path().filename().string().find(".tmp-") != std::string::npos) {
      stale.push_back(it->path());
    }
  }
  for (const fs::path& p : stale) fs::remove(p, ec);
  return Status::Ok();
}

}  // namespace figurant::store
