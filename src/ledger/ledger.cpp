#include "ledger/ledger.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/file.h"
#include "ledger/internal/endian.h"
#include "ledger/internal/record.h"
#include "ledger/internal/sha256.h"

namespace figurant::ledger {
namespace fs = std::filesystem;

namespace {

using internal::RecordBytes;
using internal::RecordKind;
using PublicKey = std::array<uint8_t, kEd25519PublicKeyBytes>;

constexpr std::string_view kSthTag = "figurant-sth-v1";
constexpr const char* kNoFirstHead =
    "a ledger starts with the signed head of the empty tree, and this one does not";

// Whether the bytes of `have` at [at, at + want.size()) equal `want`, comparing only those present.
bool PresentBytesMatch(std::string_view have, size_t at, std::string_view want) {
  if (have.size() <= at) return true;
  const size_t n = std::min(want.size(), have.size() - at);
  return have.compare(at, n, want.substr(0, n)) == 0;
}

template <size_t N>
std::string_view AsBytes(const std::array<uint8_t, N>& a) {
  return {reinterpret_cast<const char*>(a.data()), N};
}

std::string LittleEndian(uint64_t v) {
  std::string out;
  internal::AppendLittleEndian(out, v);
  return out;
}

bool IsKnownType(EntryType type) {
  return type >= EntryType::kUsage && type <= EntryType::kStatement;
}

Entry MakeEntry(const internal::EntryFields& fields, const Hash& leaf, uint64_t offset) {
  Entry e;
  e.type = fields.type;
  e.seq = fields.seq;
  e.time = fields.time;
  e.prev = fields.prev;
  e.payload.assign(fields.payload);
  e.leaf = leaf;
  e.offset = offset;
  return e;
}

// What one pass over a log's bytes found.
struct ScanResult {
  Status status;            // the first problem, or OK
  uint64_t bad_offset = 0;  // where the record with the problem starts
  uint64_t entries = 0;
  uint64_t heads = 0;
  uint64_t valid_end = 0;  // offset just past the last valid head
  uint64_t entries_at_valid_end = 0;
  SignedHead last_head;
  // Whether the bytes from valid_end on are what a crash in the middle of a batch leaves
  // (docs/ledger.md, "Durability and repair"): after a valid head, complete entries that verify,
  // then at most a prefix of the record due next. Only such bytes may be cut away.
  bool crash_residue = false;
  std::string not_residue;  // when the problem is not crash residue and the message does not say
};

// Where a scan begins: the start of a log (the default), or just past the last head a Ledger has
// verified, with the state the validity rule carries from record to record there, so that catching
// up reads only the bytes other writers appended since.
struct ScanStart {
  uint64_t offset = 0;  // of the first byte scanned, in the file
  uint64_t entries = 0;
  Hash prev{};              // leaf hash of entry `entries` - 1; zeros when there is none
  MerkleFrontier frontier;  // over those entries
  SignedHead last_head;
  uint64_t heads = 0;
};

// One pass over a log's bytes applying the validity rule record by record: frame the record, then
// check it as an entry or as a head. Stops at the first problem. Allocates nothing per record
// (verification runs at well over a million entries a second); messages are built on failure.
class Scanner {
 public:
  Scanner(const std::optional<PublicKey>& key, const std::function<void(const Entry&)>& on_entry,
          std::vector<Hash>* leaves_out, ScanStart start)
      : key_(key),
        on_entry_(on_entry),
        leaves_out_(leaves_out),
        frontier_(std::move(start.frontier)),
        prev_(start.prev),
        base_(start.offset) {
    r_.entries = start.entries;
    r_.entries_at_valid_end = start.entries;
    r_.heads = start.heads;
    r_.valid_end = start.offset;
    r_.last_head = start.last_head;
  }

  ScanResult Run(std::string_view bytes) {
    while (pos_ < bytes.size()) {
      const Result<Record> rec = FrameAt(bytes);
      Status checked = rec.ok()
                           ? (rec->kind == RecordKind::kEntry ? CheckEntry(*rec) : CheckHead(*rec))
                           : rec.status();
      if (!checked.ok()) return Fail(std::move(checked), bytes.substr(pos_));
      pos_ += RecordBytes(rec->body.size());
    }
    if (r_.entries != r_.entries_at_valid_end) {
      r_.bad_offset = r_.valid_end;
      r_.status = DataLoss("entries " + std::to_string(r_.entries_at_valid_end) + " to " +
                           std::to_string(r_.entries - 1) + " at byte " +
                           std::to_string(r_.valid_end) + " are not covered by a signed head");
      r_.not_residue = r_.heads == 0 ? kNoFirstHead : "";
      r_.crash_residue = r_.heads > 0;
    } else if (r_.heads == 0) {
      r_.status = DataLoss("no signed head at byte 0: " + std::string(kNoFirstHead));
    }
    return r_;
  }

 private:
  // A record that fits in the bytes: its kind, body and check field.
  struct Record {
    RecordKind kind = RecordKind::kUnknown;
    std::string_view body;
    const char* check = nullptr;  // kCheckBytes bytes
  };

  // The result of a scan stopped by `problem` at pos_; `rest` is the bytes from there to the end.
  ScanResult Fail(Status problem, std::string_view rest) {
    r_.status = std::move(problem);
    r_.bad_offset = At();
    // A complete record that breaks the rule is never a crash's: a crash leaves a prefix of what
    // the writer wrote, and the writer writes only records that verify.
    r_.not_residue = torn_ ? WhyNotNextRecord(rest) : "";
    r_.crash_residue = torn_ && r_.not_residue.empty();
    return r_;
  }

  // Empty when `rest`, a record cut short by the end of the file, can be the start of the record
  // the log expects next: the next entry (its type known, its sequence number the next, chained to
  // the last entry) or the head over the entries so far (its tree size, root, last-entry hash and
  // signer). Compares only the bytes present. Otherwise why it cannot.
  std::string WhyNotNextRecord(std::string_view rest) {
    if (r_.heads == 0) return kNoFirstHead;
    const bool entry = PresentBytesMatch(rest, 0, internal::kEntryMagic);
    if (!entry && !PresentBytesMatch(rest, 0, internal::kHeadMagic)) return "no record magic";
    if (rest.size() < internal::kFrameBytes) return "";  // a magic, or part of one, and no length
    const internal::Frame frame = internal::ReadFrame(rest.data());
    const std::string_view body = rest.substr(internal::kFrameBytes);
    return entry ? WhyNotNextEntry(frame.body_length, body)
                 : WhyNotNextHead(frame.body_length, body);
  }

  std::string WhyNotNextEntry(uint32_t length, std::string_view body) const {
    if (length < internal::kEntryFixed || length - internal::kEntryFixed > kMaxPayload) {
      return "its length " + std::to_string(length) + " is not an entry's";
    }
    if (body.size() > internal::kEntryTypeAt &&
        !IsKnownType(static_cast<EntryType>(static_cast<uint8_t>(body[internal::kEntryTypeAt])))) {
      return "its type is unknown";
    }
    if (!PresentBytesMatch(body, internal::kEntrySeqAt, LittleEndian(r_.entries))) {
      return "its sequence number is not " + std::to_string(r_.entries);
    }
    if (!PresentBytesMatch(body, internal::kEntryPrevAt, AsBytes(prev_))) {
      return "it does not chain to the entry before it";
    }
    return "";
  }

  std::string WhyNotNextHead(uint32_t length, std::string_view body) {
    if (length != internal::kHeadBody)
      return "its length " + std::to_string(length) + " is not a head's";
    if (!PresentBytesMatch(body, internal::kHeadTreeSizeAt, LittleEndian(r_.entries))) {
      return "its tree size is not " + std::to_string(r_.entries);
    }
    if (!PresentBytesMatch(body, internal::kHeadRootAt, AsBytes(frontier_.Root(sha_))) ||
        !PresentBytesMatch(body, internal::kHeadLastAt, AsBytes(prev_))) {
      return "it is not the head of the entries before it";
    }
    if (key_ && !PresentBytesMatch(body, internal::kHeadKeyAt, AsBytes(*key_)))
      return "another key signs it";
    if (body.size() >= internal::kHeadBody &&
        !internal::DecodeHeadBody(body.substr(0, internal::kHeadBody), At()).SignatureValid()) {
      return "its signature does not verify";
    }
    return "";
  }

  Result<Record> FrameAt(std::string_view bytes) {
    if (bytes.size() - pos_ < internal::kFrameBytes) {
      torn_ = true;
      return DataLoss("record" + Where() + " is truncated (entry " + std::to_string(r_.entries) +
                      ")");
    }
    const char* p = bytes.data() + pos_;
    const internal::Frame frame = internal::ReadFrame(p);
    if (frame.kind == RecordKind::kUnknown) {
      return DataLoss("record" + Where() + " has no record magic (entry " +
                      std::to_string(r_.entries) + " expected)");
    }
    if (RecordBytes(frame.body_length) > bytes.size() - pos_) {
      torn_ = true;
      return DataLoss((frame.kind == RecordKind::kEntry ? EntryName() : HeadName()) +
                      " is truncated");
    }
    return Record{frame.kind, std::string_view(p + internal::kFrameBytes, frame.body_length),
                  p + internal::kFrameBytes + frame.body_length};
  }

  Status CheckEntry(const Record& rec) {
    if (rec.body.size() < internal::kEntryFixed ||
        rec.body.size() - internal::kEntryFixed > kMaxPayload) {
      return DataLoss(EntryName() + ": bad length");
    }
    const Hash leaf = sha_.Leaf(reinterpret_cast<const uint8_t*>(rec.body.data()), rec.body.size());
    if (std::memcmp(rec.check, leaf.data(), leaf.size()) != 0) {
      return DataLoss(EntryName() + ": contents do not match its hash (altered)");
    }
    const internal::EntryFields fields = internal::DecodeEntryBody(rec.body);
    if (fields.seq != r_.entries) {
      return DataLoss(EntryName() + ": sequence number " + std::to_string(fields.seq) + " where " +
                      std::to_string(r_.entries) +
                      " was expected (dropped, reordered or duplicated)");
    }
    if (fields.prev != prev_) {
      return DataLoss(EntryName() + ": hash chain broken (prev does not match entry " +
                      std::to_string(r_.entries) + " - 1)");
    }
    if (!IsKnownType(fields.type)) {
      return DataLoss(EntryName() + ": unknown entry type " +
                      std::to_string(static_cast<int>(fields.type)));
    }
    Accept(fields, leaf);
    return Status::Ok();
  }

  // An entry that checks out: handed on, and chained into the tree the next head must sign.
  void Accept(const internal::EntryFields& fields, const Hash& leaf) {
    if (on_entry_) on_entry_(MakeEntry(fields, leaf, At()));
    if (leaves_out_ != nullptr) leaves_out_->push_back(leaf);
    prev_ = leaf;
    frontier_.Push(leaf, sha_);
    ++r_.entries;
  }

  Status CheckHead(const Record& rec) {
    if (rec.body.size() != internal::kHeadBody) return DataLoss(HeadName() + ": bad length");
    const Hash sum =
        sha_.Hash(-1, reinterpret_cast<const uint8_t*>(rec.body.data()), rec.body.size());
    if (std::memcmp(rec.check, sum.data(), sum.size()) != 0) {
      return DataLoss(HeadName() + ": altered");
    }
    const SignedHead h = internal::DecodeHeadBody(rec.body, At());
    if (h.tree_size != r_.entries) {
      return DataLoss(HeadName() + ": covers " + std::to_string(h.tree_size) + " entries but " +
                      std::to_string(r_.entries) + " precede it");
    }
    if (h.last != prev_) return DataLoss(HeadName() + ": last-entry hash does not match");
    if (h.root != frontier_.Root(sha_)) {
      return DataLoss(HeadName() + ": Merkle root does not match the entries");
    }
    if (key_ && h.public_key != *key_) return DataLoss(HeadName() + ": signed by another key");
    if (h.time < r_.last_head.time) {
      return DataLoss(HeadName() + ": time goes backwards (" + std::to_string(h.time) + " after " +
                      std::to_string(r_.last_head.time) + ")");
    }
    if (!h.SignatureValid()) return DataLoss(HeadName() + ": signature does not verify");
    r_.last_head = h;
    ++r_.heads;
    r_.valid_end = At() + RecordBytes(rec.body.size());
    r_.entries_at_valid_end = r_.entries;
    return Status::Ok();
  }

  uint64_t At() const { return base_ + pos_; }  // the file offset of the record being read
  std::string Where() const { return " at byte " + std::to_string(At()); }
  std::string EntryName() const { return "entry " + std::to_string(r_.entries) + Where(); }
  std::string HeadName() const {
    return "head after entry " + std::to_string(r_.entries) + Where();
  }

  const std::optional<PublicKey>& key_;
  const std::function<void(const Entry&)>& on_entry_;
  std::vector<Hash>* leaves_out_;
  internal::Sha256Engine sha_;
  MerkleFrontier frontier_;
  Hash prev_{};
  uint64_t base_ = 0;  // file offset of bytes[0]
  uint64_t pos_ = 0;   // index into the bytes scanned
  bool torn_ = false;
  ScanResult r_;
};

ScanResult Scan(std::string_view bytes, const std::optional<PublicKey>& key,
                const std::function<void(const Entry&)>& on_entry,
                std::vector<Hash>* leaves_out = nullptr, ScanStart start = {}) {
  return Scanner(key, on_entry, leaves_out, std::move(start)).Run(bytes);
}

// The report of a scan that found no problem, or its problem.
Result<VerifyReport> Report(const ScanResult& r) {
  if (!r.status.ok()) return r.status;
  VerifyReport v;
  v.entries = r.entries;
  v.heads = r.heads;
  v.last_head = r.last_head;
  return v;
}

}  // namespace

std::string_view EntryTypeName(EntryType t) {
  switch (t) {
    case EntryType::kUsage:
      return "usage";
    case EntryType::kSupersede:
      return "supersede";
    case EntryType::kLicenceSigned:
      return "licence_signed";
    case EntryType::kLicenceRevoked:
      return "licence_revoked";
    case EntryType::kPerformerErased:
      return "performer_erased";
    case EntryType::kStudioRegistered:
      return "studio_registered";
    case EntryType::kProductionDeclared:
      return "production_declared";
    case EntryType::kPerformerDeceased:
      return "performer_deceased";
    case EntryType::kKeyEnrolled:
      return "key_enrolled";
    case EntryType::kKeyRevoked:
      return "key_revoked";
    case EntryType::kRepresentativeRegistered:
      return "representative_registered";
    case EntryType::kStatement:
      return "statement";
  }
  return "unknown";
}

std::string SignedHead::SignedMessage() const {
  std::string m(kSthTag);
  m += internal::EncodeHeadBody(*this).substr(0, internal::kHeadSigned);
  return m;
}

bool SignedHead::SignatureValid() const {
  return VerifyDetached(SignedMessage(), signature.data(), signature.size(), public_key.data(),
                        public_key.size());
}

nlohmann::json SignedHead::ToJson() const {
  return {{"tree_size", tree_size},
          {"time", time},
          {"root", ToHex(root)},
          {"last", ToHex(last)},
          {"public_key", ToHex(public_key)},
          {"signature", ToHex(signature)}};
}

Result<SignedHead> SignedHead::FromJson(const nlohmann::json& j) {
  SignedHead h;
  auto bad = [] {
    return InvalidArgument(
        "not a signed head (expected tree_size, time, root, last, public_key, signature)");
  };
  if (!j.is_object() || !j.contains("tree_size") || !j["tree_size"].is_number_unsigned())
    return bad();
  h.tree_size = j["tree_size"].get<uint64_t>();
  h.time = j.value("time", int64_t{0});
  auto hex = [&](const char* k, uint8_t* out, size_t n) {
    if (!j.contains(k) || !j[k].is_string()) return false;
    auto b = FromHex(j[k].get<std::string>());
    if (!b.ok() || b->size() != n) return false;
    std::memcpy(out, b->data(), n);
    return true;
  };
  if (!hex("root", h.root.data(), 32) || !hex("last", h.last.data(), 32) ||
      !hex("public_key", h.public_key.data(), 32) || !hex("signature", h.signature.data(), 64)) {
    return bad();
  }
  return h;
}

Result<VerifyReport> VerifyLog(std::string_view bytes, const std::optional<PublicKey>& public_key,
                               std::vector<Hash>* leaves) {
  if (leaves != nullptr) leaves->clear();
  return Report(Scan(bytes, public_key, {}, leaves));
}

Result<VerifyReport> ReadLog(std::string_view bytes, const PublicKey& public_key,
                             const std::function<Status(const Entry&)>& fn) {
  Status inner;
  ScanResult r = Scan(bytes, public_key, [&](const Entry& e) {
    if (inner.ok()) inner = fn(e);
  });
  FIGURANT_RETURN_IF_ERROR(inner);
  return Report(r);
}

// The ledger's lock file, held in one mode for one operation and released when it ends. flock
// locks belong to the open file description, so two Ledgers in one process exclude each other
// exactly as two processes do.
class Ledger::FileLock {
 public:
  explicit FileLock(const Ledger& ledger) : ledger_(ledger) {}
  ~FileLock() {
    if (held_) (void)::flock(ledger_.lock_fd_, LOCK_UN);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Waits for the lock: LOCK_EX to write, LOCK_SH to read.
  Status Take(int mode) {
    while (::flock(ledger_.lock_fd_, mode) != 0) {
      if (errno == EINTR) continue;
      return Unavailable("cannot lock " + ledger_.lock_file_.string() + ": " +
                         std::strerror(errno));
    }
    held_ = true;
    return Status::Ok();
  }
  // Takes the lock shared when no writer holds it; false, without waiting, when one does.
  bool TryShared() {
    held_ = ::flock(ledger_.lock_fd_, LOCK_SH | LOCK_NB) == 0;
    return held_;
  }

 private:
  const Ledger& ledger_;
  bool held_ = false;
};

Ledger::~Ledger() {
  if (fd_ >= 0) ::close(fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);
  SecureZero(key_.secret_key.data(), key_.secret_key.size());
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const fs::path& dir, const SigningKeyPair& key,
                                             const Clock& clock, const LedgerOptions& options) {
  FIGURANT_RETURN_IF_ERROR(EnsureDirectory(dir, 0700));
  auto l = std::unique_ptr<Ledger>(new Ledger());
  l->file_ = dir / "ledger.log";
  l->lock_file_ = dir / "ledger.lock";
  l->key_ = key;
  l->clock_ = &clock;
  l->options_ = options;
  l->lock_fd_ = ::open(l->lock_file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (l->lock_fd_ < 0) {
    return Unavailable("cannot open " + l->lock_file_.string() + ": " + std::strerror(errno));
  }
  // Creating, verifying and repairing the log happen under the writers' lock: no other process
  // is writing a batch whose prefix this one could mistake for a crash's torn tail.
  FileLock lock(*l);
  FIGURANT_RETURN_IF_ERROR(lock.Take(LOCK_EX));
  FIGURANT_RETURN_IF_ERROR(l->CreateAndOpen());
  FIGURANT_RETURN_IF_ERROR(l->CatchUp(TornTail::kRepair));
  return l;
}

Status Ledger::CreateAndOpen() {
  struct stat st {};
  if (::lstat(file_.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return Unavailable("cannot open " + file_.string() + ": " + std::strerror(errno));
    }
    FIGURANT_RETURN_IF_ERROR(Create());
  }
  // Not through a symbolic link, and only a regular file: the log is the bank's own file.
  fd_ = ::open(file_.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd_ < 0) return Unavailable("cannot open " + file_.string() + ": " + std::strerror(errno));
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    return DataLoss(file_.string() + " is not a regular file, so not a ledger");
  }
  return Status::Ok();
}

Status Ledger::Refresh() {
  FileLock lock(*this);
  if (lock.TryShared()) return CatchUp(TornTail::kStopBefore);
  // A writer holds the lock: what follows the last head may be the batch it is writing. Read up
  // to the last complete head; should the bytes read look damaged (a repair of a crashed writer's
  // tail racing the read), read again once the writer is done.
  Status unlocked = CatchUp(TornTail::kStopBefore);
  if (unlocked.code() != StatusCode::kDataLoss) return unlocked;
  FIGURANT_RETURN_IF_ERROR(lock.Take(LOCK_SH));
  return CatchUp(TornTail::kStopBefore);
}

Status Ledger::CatchUp(TornTail torn) {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    return Unavailable("cannot read " + file_.string() + ": " + std::strerror(errno));
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size == end_ && end_ > 0) return Status::Ok();  // the common case: nobody else appended
  if (size < end_) {
    return DataLoss(file_.string() + " is " + std::to_string(size) +
                    " bytes long, shorter than the " + std::to_string(end_) +
                    " bytes already verified and acknowledged: it was cut back behind the bank's "
                    "back");
  }
  FIGURANT_ASSIGN_OR_RETURN(const std::string bytes, ReadAt(end_, size - end_));
  std::vector<Hash> leaves;
  std::vector<uint64_t> offsets;
  // Heads must be signed by this bank's key: the writer never extends a log someone else signed.
  const ScanResult r = Scan(
      bytes, key_.public_key,
      [&](const Entry& e) {
        leaves.push_back(e.leaf);
        offsets.push_back(e.offset);
      },
      nullptr,
      ScanStart{end_, leaves_.size(), leaves_.empty() ? Hash{} : leaves_.back(), frontier_, head_,
                end_ > 0 ? uint64_t{1} : 0});
  if (!r.status.ok()) {
    // Only a crash's residue is cut away (ScanResult::crash_residue); anything else is tampering,
    // another signer, another file written over the log or media failure: reported, and the file
    // left exactly as it is.
    if (!r.crash_residue) {
      return DataLoss(file_.string() + ": " + r.status.message() +
                      (r.not_residue.empty() ? "" : " (" + r.not_residue + ")") +
                      "; not what a crash leaves, so the file is left as it is");
    }
    if (torn == TornTail::kRepair) {
      if (::ftruncate(fd_, static_cast<off_t>(r.valid_end)) != 0 || ::fsync(fd_) != 0) {
        return Unavailable("cannot repair " + file_.string() + ": " + std::strerror(errno));
      }
      repaired_bytes_ += size - r.valid_end;
    }
  }
  // Adopt the batches up to the last valid head; entries after it are not acknowledged.
  const size_t adopted = r.entries_at_valid_end - this->size();
  internal::Sha256Engine sha;
  for (size_t i = 0; i < adopted; ++i) frontier_.Push(leaves[i], sha);
  leaves_.insert(leaves_.end(), leaves.begin(), leaves.begin() + static_cast<ptrdiff_t>(adopted));
  offsets_.insert(offsets_.end(), offsets.begin(),
                  offsets.begin() + static_cast<ptrdiff_t>(adopted));
  end_ = r.valid_end;
  head_ = r.last_head;
  return Status::Ok();
}

Result<std::vector<uint64_t>> Ledger::Append(
    const std::vector<std::pair<EntryType, nlohmann::json>>& events) {
  std::vector<std::pair<EntryType, std::string>> texts;
  texts.reserve(events.size());
  for (const auto& [type, payload] : events) {
    if (!payload.is_object()) return InvalidArgument("ledger event payload is not a JSON object");
    texts.emplace_back(type, payload.dump());
  }
  return AppendPayloads(texts);
}

// A batch encoded for writing, and what the ledger becomes once it is durable.
struct Ledger::Batch {
  std::string bytes;  // the entry records, then the signed head's
  std::vector<uint64_t> seqs;
  std::vector<Hash> leaves;
  std::vector<uint64_t> offsets;  // of the entry records in the file
  MerkleFrontier frontier;        // over every leaf, old and new
  SignedHead head;
};

Status Ledger::Create() {
  const Batch first = EncodeBatch({}, internal::kHeadRecord);
  return WriteFileAtomic(file_, first.bytes, 0600);
}

Result<std::vector<uint64_t>> Ledger::AppendPayloads(
    const std::vector<std::pair<EntryType, std::string>>& events) {
  if (events.empty()) return std::vector<uint64_t>{};
  FIGURANT_ASSIGN_OR_RETURN(const size_t bytes, BatchBytes(events));
  // One batch at a time across every process: chain onto what the others appended, then write.
  FileLock lock(*this);
  FIGURANT_RETURN_IF_ERROR(lock.Take(LOCK_EX));
  FIGURANT_RETURN_IF_ERROR(CatchUp(TornTail::kRepair));
  return WriteBatch(events, bytes);
}

Result<std::vector<uint64_t>> Ledger::AppendSelected(const SelectFn& select) {
  FileLock lock(*this);
  FIGURANT_RETURN_IF_ERROR(lock.Take(LOCK_EX));
  FIGURANT_RETURN_IF_ERROR(CatchUp(TornTail::kRepair));
  FIGURANT_ASSIGN_OR_RETURN(const auto events, select(*this));
  if (events.empty()) return std::vector<uint64_t>{};
  FIGURANT_ASSIGN_OR_RETURN(const size_t bytes, BatchBytes(events));
  return WriteBatch(events, bytes);
}

Result<std::vector<uint64_t>> Ledger::WriteBatch(
    const std::vector<std::pair<EntryType, std::string>>& events, size_t bytes) {
  Batch batch = EncodeBatch(events, bytes);
  FIGURANT_RETURN_IF_ERROR(WriteDurably(batch.bytes));
  end_ += batch.bytes.size();
  leaves_.insert(leaves_.end(), batch.leaves.begin(), batch.leaves.end());
  offsets_.insert(offsets_.end(), batch.offsets.begin(), batch.offsets.end());
  frontier_ = std::move(batch.frontier);
  head_ = batch.head;
  return std::move(batch.seqs);
}

Result<size_t> Ledger::BatchBytes(const std::vector<std::pair<EntryType, std::string>>& events) {
  size_t bytes = internal::kHeadRecord;
  for (const auto& [type, text] : events) {
    if (text.size() > kMaxPayload) return InvalidArgument("ledger event payload over 1 MiB");
    if (!IsKnownType(type)) {
      return InvalidArgument("unknown ledger entry type " + std::to_string(static_cast<int>(type)));
    }
    bytes += RecordBytes(internal::kEntryFixed + text.size());
  }
  return bytes;
}

Ledger::Batch Ledger::EncodeBatch(const std::vector<std::pair<EntryType, std::string>>& events,
                                  size_t bytes) const {
  Batch b;
  b.bytes.reserve(bytes);
  b.seqs.reserve(events.size());
  b.leaves.reserve(events.size());
  b.offsets.reserve(events.size());
  b.frontier = frontier_;
  // Heads never go back in time, even when the system clock does.
  const int64_t now = std::max<int64_t>(clock_->Now(), head_.time);
  internal::Sha256Engine sha;
  Hash prev = leaves_.empty() ? Hash{} : leaves_.back();
  for (const auto& [type, text] : events) {
    const uint64_t seq = leaves_.size() + b.leaves.size();
    b.offsets.push_back(end_ + b.bytes.size());
    prev = internal::AppendEntryRecord(b.bytes, {type, seq, now, prev, text}, sha);
    b.frontier.Push(prev, sha);
    b.leaves.push_back(prev);
    b.seqs.push_back(seq);
  }
  b.head.tree_size = leaves_.size() + b.leaves.size();
  b.head.time = now;
  b.head.root = b.frontier.Root(sha);
  b.head.last = prev;
  b.head.public_key = key_.public_key;
  b.head.signature = SignDetached(b.head.SignedMessage(), key_);
  b.head.offset = end_ + b.bytes.size();
  b.bytes += internal::EncodeHeadRecord(b.head);
  return b;
}

Status Ledger::WriteDurably(const std::string& bytes) {
  size_t done = 0;
  const size_t piece =
      options_.test_write_chunk_bytes > 0 ? options_.test_write_chunk_bytes : bytes.size();
  while (done < bytes.size()) {
    if (done > 0 && options_.test_write_pause_us > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(options_.test_write_pause_us));
    }
    const ssize_t n = ::pwrite(fd_, bytes.data() + done, std::min(piece, bytes.size() - done),
                               static_cast<off_t>(end_ + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Roll the file back to the last acknowledged head.
      (void)::ftruncate(fd_, static_cast<off_t>(end_));
      return Unavailable("cannot append to " + file_.string() + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) {
    (void)::ftruncate(fd_, static_cast<off_t>(end_));
    return Unavailable("cannot fsync " + file_.string() + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status Ledger::ForEach(const std::function<Status(const Entry&)>& fn) const {
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, ReadFile(file_));
  bytes.resize(std::min<size_t>(bytes.size(), end_));
  Status inner;
  ScanResult r = Scan(bytes, key_.public_key, [&](const Entry& e) {
    if (inner.ok()) inner = fn(e);
  });
  FIGURANT_RETURN_IF_ERROR(inner);
  return r.status;
}

Result<Entry> Ledger::Get(uint64_t seq) const {
  if (seq >= leaves_.size()) return NotFound("no ledger entry " + std::to_string(seq));
  // The entry was verified when it was read on open or written by this process; read it back and
  // check it still hashes to its leaf (the file could have been changed behind our back).
  const uint64_t at = offsets_[seq];
  const uint64_t until = seq + 1 < offsets_.size() ? offsets_[seq + 1] : end_;
  FIGURANT_ASSIGN_OR_RETURN(const std::string rec, ReadAt(at, until - at));
  return EntryFrom(rec, seq);
}

Status Ledger::ForEachSince(uint64_t first, const std::function<Status(const Entry&)>& fn) const {
  if (first >= leaves_.size()) return Status::Ok();
  const uint64_t from = offsets_[first];
  FIGURANT_ASSIGN_OR_RETURN(const std::string bytes, ReadAt(from, end_ - from));
  for (uint64_t seq = first; seq < leaves_.size(); ++seq) {
    // Heads between entries are skipped: each entry starts at its recorded offset.
    const std::string_view rec = std::string_view(bytes).substr(offsets_[seq] - from);
    FIGURANT_ASSIGN_OR_RETURN(const Entry e, EntryFrom(rec, seq));
    FIGURANT_RETURN_IF_ERROR(fn(e));
  }
  return Status::Ok();
}

Result<Entry> Ledger::EntryFrom(std::string_view rec, uint64_t seq) const {
  const auto changed = [&] {
    return DataLoss(file_.string() + ": entry " + std::to_string(seq) + " changed on disk");
  };
  // A head may follow the entry in `rec`: the entry is the first record.
  if (rec.size() < internal::kFrameBytes) return changed();
  const internal::Frame frame = internal::ReadFrame(rec.data());
  if (frame.kind != RecordKind::kEntry || rec.size() < RecordBytes(frame.body_length) ||
      frame.body_length < internal::kEntryFixed) {
    return changed();
  }
  const std::string_view body(rec.data() + internal::kFrameBytes, frame.body_length);
  const Hash leaf = LeafHash(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  if (leaf != leaves_[seq]) return changed();
  // The leaf hash covers the body, so its fields (seq included) are the ones verified on open.
  return MakeEntry(internal::DecodeEntryBody(body), leaf, offsets_[seq]);
}

Result<std::string> Ledger::ReadAt(uint64_t offset, uint64_t size) const {
  std::string out(size, '\0');
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Unavailable("cannot read " + file_.string() + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return out;
}

}  // namespace figurant::ledger
