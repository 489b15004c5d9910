#include "ledger/ledger.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/file.h"
#include "ledger/internal/sha256.h"

namespace figurant::ledger {
namespace fs = std::filesystem;

namespace {

constexpr char kEntryMagic[4] = {'F', 'G', 'L', 'E'};
constexpr char kHeadMagic[4] = {'F', 'G', 'L', 'H'};
constexpr size_t kEntryFixed = 1 + 8 + 8 + 32;  // type, seq, time, prev
constexpr size_t kHeadBody = 8 + 8 + 32 + 32 + 32 + 64;
constexpr size_t kHeadSigned = 8 + 8 + 32 + 32;
constexpr std::string_view kSthTag = "figurant-sth-v1";

template <typename T>
void Put(std::string& out, const T& v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T>
T Load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::string HeadBody(const SignedHead& h) {
  std::string b;
  Put(b, h.tree_size);
  Put(b, h.time);
  b.append(reinterpret_cast<const char*>(h.root.data()), 32);
  b.append(reinterpret_cast<const char*>(h.last.data()), 32);
  b.append(reinterpret_cast<const char*>(h.public_key.data()), 32);
  b.append(reinterpret_cast<const char*>(h.signature.data()), 64);
  return b;
}

std::string EncodeHead(const SignedHead& h) {
  const std::string body = HeadBody(h);
  std::string rec(kHeadMagic, 4);
  Put(rec, static_cast<uint32_t>(body.size()));
  rec += body;
  const Hash check = Sha256(body);
  rec.append(reinterpret_cast<const char*>(check.data()), 32);
  return rec;
}

// Folds a Merkle binary counter into the root (as MerkleRoot does).
Hash FoldRoot(const std::vector<std::pair<int, Hash>>& stack, internal::Sha256Engine& sha) {
  if (stack.empty()) return Sha256(std::string_view());
  Hash acc = stack.back().second;
  for (size_t i = stack.size() - 1; i-- > 0;) acc = sha.Node(stack[i].second, acc);
  return acc;
}

void Push(std::vector<std::pair<int, Hash>>& stack, const Hash& leaf, internal::Sha256Engine& sha) {
  std::pair<int, Hash> cur{0, leaf};
  while (!stack.empty() && stack.back().first == cur.first) {
    cur = {cur.first + 1, sha.Node(stack.back().second, cur.second)};
    stack.pop_back();
  }
  stack.push_back(cur);
}

SignedHead DecodeHead(const char* body, uint64_t offset) {
  SignedHead h;
  h.tree_size = Load<uint64_t>(body);
  h.time = Load<int64_t>(body + 8);
  std::memcpy(h.root.data(), body + 16, 32);
  std::memcpy(h.last.data(), body + 48, 32);
  std::memcpy(h.public_key.data(), body + 80, 32);
  std::memcpy(h.signature.data(), body + 112, 64);
  h.offset = offset;
  return h;
}

// One pass over the bytes; `on_entry` sees every entry that checks out. Stops at the first problem,
// returning it with the offset where the bad record starts. The loop allocates nothing per record
// (verification runs at well over a million entries a second); messages are built on failure.
struct ScanResult {
  Status status;
  uint64_t bad_offset = 0;
  uint64_t entries = 0;
  uint64_t heads = 0;
  uint64_t valid_end = 0;  // offset just past the last valid head
  uint64_t entries_at_valid_end = 0;
  SignedHead last_head;
  bool torn = false;  // the problem is a record running past the end of the bytes
};

ScanResult Scan(std::string_view bytes, const std::optional<std::array<uint8_t, 32>>& key,
                const std::function<void(const Entry&)>& on_entry,
                std::vector<Hash>* leaves_out = nullptr) {
  ScanResult r;
  internal::Sha256Engine sha;
  std::vector<std::pair<int, Hash>> stack;
  Hash prev{};
  uint64_t pos = 0;
  auto fail = [&](const std::string& why, bool torn = false) {
    r.status = DataLoss(why);
    r.bad_offset = pos;
    r.torn = torn;
    return r;
  };
  auto where = [&] { return " at byte " + std::to_string(pos); };
  auto entry_name = [&] { return "entry " + std::to_string(r.entries) + where(); };
  auto head_name = [&] { return "head after entry " + std::to_string(r.entries) + where(); };
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 8) {
      return fail("record" + where() + " is truncated (entry " + std::to_string(r.entries) + ")",
                  true);
    }
    const char* p = bytes.data() + pos;
    const auto len = Load<uint32_t>(p + 4);
    const bool is_entry = std::memcmp(p, kEntryMagic, 4) == 0;
    const bool is_head = std::memcmp(p, kHeadMagic, 4) == 0;
    if (!is_entry && !is_head) {
      return fail("record" + where() + " has no record magic (entry " + std::to_string(r.entries) +
                  " expected)");
    }
    if (8 + static_cast<uint64_t>(len) + 32 > bytes.size() - pos) {
      return fail((is_entry ? entry_name() : head_name()) + " is truncated", true);
    }
    const std::string_view body(p + 8, len);
    const char* check = p + 8 + len;
    if (is_entry) {
      if (len < kEntryFixed || len - kEntryFixed > kMaxPayload) {
        return fail(entry_name() + ": bad length");
      }
      const Hash leaf = sha.Leaf(reinterpret_cast<const uint8_t*>(body.data()), body.size());
      if (std::memcmp(check, leaf.data(), 32) != 0) {
        return fail(entry_name() + ": contents do not match its hash (altered)");
      }
      const auto seq = Load<uint64_t>(body.data() + 1);
      if (seq != r.entries) {
        return fail(entry_name() + ": sequence number " + std::to_string(seq) + " where " +
                    std::to_string(r.entries) + " was expected (dropped, reordered or duplicated)");
      }
      if (std::memcmp(body.data() + 17, prev.data(), 32) != 0) {
        return fail(entry_name() + ": hash chain broken (prev does not match entry " +
                    std::to_string(r.entries) + " - 1)");
      }
      const auto type = static_cast<uint8_t>(body[0]);
      if (type < static_cast<uint8_t>(EntryType::kUsage) ||
          type > static_cast<uint8_t>(EntryType::kPerformerErased)) {
        return fail(entry_name() + ": unknown entry type " + std::to_string(type));
      }
      if (on_entry) {
        Entry e;
        e.type = static_cast<EntryType>(type);
        e.seq = seq;
        e.time = Load<int64_t>(body.data() + 9);
        e.prev = prev;
        e.leaf = leaf;
        e.offset = pos;
        e.payload.assign(body.data() + kEntryFixed, body.size() - kEntryFixed);
        on_entry(e);
      }
      if (leaves_out != nullptr) leaves_out->push_back(leaf);
      prev = leaf;
      Push(stack, leaf, sha);
      ++r.entries;
    } else {
      if (len != kHeadBody) return fail(head_name() + ": bad length");
      const Hash sum = sha.Hash(-1, reinterpret_cast<const uint8_t*>(body.data()), body.size());
      if (std::memcmp(check, sum.data(), 32) != 0) return fail(head_name() + ": altered");
      const SignedHead h = DecodeHead(body.data(), pos);
      if (h.tree_size != r.entries) {
        return fail(head_name() + ": covers " + std::to_string(h.tree_size) + " entries but " +
                    std::to_string(r.entries) + " precede it");
      }
      if (h.last != prev) return fail(head_name() + ": last-entry hash does not match");
      if (h.root != FoldRoot(stack, sha)) {
        return fail(head_name() + ": Merkle root does not match the entries");
      }
      if (key && h.public_key != *key) return fail(head_name() + ": signed by another key");
      if (h.time < r.last_head.time) {
        return fail(head_name() + ": time goes backwards (" + std::to_string(h.time) + " after " +
                    std::to_string(r.last_head.time) + ")");
      }
      if (!h.SignatureValid()) return fail(head_name() + ": signature does not verify");
      r.last_head = h;
      ++r.heads;
      r.valid_end = pos + 8 + len + 32;
      r.entries_at_valid_end = r.entries;
    }
    pos += 8 + static_cast<uint64_t>(len) + 32;
  }
  if (r.entries != r.entries_at_valid_end) {
    r.bad_offset = r.valid_end;
    r.torn = true;
    r.status = DataLoss("entries " + std::to_string(r.entries_at_valid_end) + " to " +
                        std::to_string(r.entries - 1) + " are not covered by a signed head");
  }
  return r;
}

// True when a complete head-shaped record (magic, head length, all its bytes present) starts at or
// after `from`, whatever its contents. A crash can only leave a prefix of the batch being written,
// and a batch's head is its last record: a complete head beyond the damage means the damage is not
// a crash's (a flipped byte, another signer, an edit), and the log must not be cut back.
bool HasCompleteHeadAfter(std::string_view bytes, uint64_t from) {
  for (size_t at = bytes.find(std::string_view(kHeadMagic, 4), from); at != std::string_view::npos;
       at = bytes.find(std::string_view(kHeadMagic, 4), at + 1)) {
    if (bytes.size() - at >= 8 + kHeadBody + 32 &&
        Load<uint32_t>(bytes.data() + at + 4) == kHeadBody) {
      return true;
    }
  }
  return false;
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
  }
  return "unknown";
}

std::string SignedHead::SignedMessage() const {
  std::string m(kSthTag);
  m += HeadBody(*this).substr(0, kHeadSigned);
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

Result<VerifyReport> VerifyLog(std::string_view bytes,
                               const std::optional<std::array<uint8_t, 32>>& public_key,
                               std::vector<Hash>* leaves) {
  if (leaves != nullptr) leaves->clear();
  ScanResult r = Scan(bytes, public_key, {}, leaves);
  if (!r.status.ok()) return r.status;
  VerifyReport v;
  v.entries = r.entries;
  v.heads = r.heads;
  v.last_head = r.last_head;
  return v;
}

Result<VerifyReport> ReadLog(std::string_view bytes, const std::array<uint8_t, 32>& public_key,
                             const std::function<Status(const Entry&)>& fn) {
  Status inner;
  ScanResult r = Scan(bytes, public_key, [&](const Entry& e) {
    if (inner.ok()) inner = fn(e);
  });
  FIGURANT_RETURN_IF_ERROR(inner);
  if (!r.status.ok()) return r.status;
  VerifyReport v;
  v.entries = r.entries;
  v.heads = r.heads;
  v.last_head = r.last_head;
  return v;
}

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
  l->key_ = key;
  l->clock_ = &clock;
  l->options_ = options;
  l->lock_fd_ = ::open((dir / "ledger.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (l->lock_fd_ < 0 || ::flock(l->lock_fd_, LOCK_EX) != 0) {
    return Unavailable("cannot lock the ledger in " + dir.string());
  }
  l->fd_ = ::open(l->file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (l->fd_ < 0)
    return Unavailable("cannot open " + l->file_.string() + ": " + std::strerror(errno));
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, ReadFile(l->file_));
  // Heads must be signed by this bank's key: the writer never extends a log someone else signed.
  ScanResult r = Scan(bytes, key.public_key, [&](const Entry& e) {
    l->leaves_.push_back(e.leaf);
    l->offsets_.push_back(e.offset);
  });
  if (!r.status.ok()) {
    // Only the residue of a crash is repaired: entries after the last valid head, and at most one
    // incomplete record, never acknowledged. Anything else (see HasCompleteHeadAfter) is tampering,
    // another signer or media failure: reported, never truncated away.
    if (HasCompleteHeadAfter(bytes, r.bad_offset)) {
      return DataLoss(l->file_.string() + ": " + r.status.message());
    }
    l->leaves_.resize(r.entries_at_valid_end);
    l->offsets_.resize(r.entries_at_valid_end);
    l->repaired_bytes_ = bytes.size() - r.valid_end;
    if (::ftruncate(l->fd_, static_cast<off_t>(r.valid_end)) != 0 || ::fsync(l->fd_) != 0) {
      return Unavailable("cannot repair " + l->file_.string() + ": " + std::strerror(errno));
    }
  }
  l->end_ = r.valid_end;
  l->head_ = r.last_head;
  internal::Sha256Engine sha;
  for (const Hash& leaf : l->leaves_) Push(l->stack_, leaf, sha);
  if (r.heads == 0 && l->end_ == 0) {
    // A new ledger starts with the signed head of the empty tree.
    FIGURANT_RETURN_IF_ERROR(l->AppendPayloads({}).status());
  }
  return l;
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

Result<std::vector<uint64_t>> Ledger::AppendPayloads(
    const std::vector<std::pair<EntryType, std::string>>& events) {
  if (events.empty() && end_ > 0) return std::vector<uint64_t>{};
  size_t bytes = 8 + kHeadBody + 32;
  for (const auto& [type, text] : events) {
    if (text.size() > kMaxPayload) return InvalidArgument("ledger event payload over 1 MiB");
    if (type < EntryType::kUsage || type > EntryType::kPerformerErased) {
      return InvalidArgument("unknown ledger entry type " + std::to_string(static_cast<int>(type)));
    }
    bytes += 8 + kEntryFixed + text.size() + 32;
  }
  std::string out;
  out.reserve(bytes);
  std::vector<uint64_t> seqs;
  seqs.reserve(events.size());
  std::vector<std::pair<int, Hash>> stack = stack_;
  Hash prev = leaves_.empty() ? Hash{} : leaves_.back();
  // Heads never go back in time, even when the system clock does.
  const int64_t now = std::max<int64_t>(clock_->Now(), head_.time);
  std::vector<Hash> new_leaves;
  std::vector<uint64_t> new_offsets;
  new_leaves.reserve(events.size());
  new_offsets.reserve(events.size());
  internal::Sha256Engine sha;
  for (const auto& [type, text] : events) {
    const uint64_t seq = leaves_.size() + new_leaves.size();
    const size_t record_at = out.size();
    new_offsets.push_back(end_ + record_at);
    out.append(kEntryMagic, 4);
    Put(out, static_cast<uint32_t>(kEntryFixed + text.size()));
    out.push_back(static_cast<char>(type));
    Put(out, seq);
    Put(out, now);
    out.append(reinterpret_cast<const char*>(prev.data()), 32);
    out += text;
    const Hash leaf = sha.Leaf(reinterpret_cast<const uint8_t*>(out.data() + record_at + 8),
                               kEntryFixed + text.size());
    out.append(reinterpret_cast<const char*>(leaf.data()), 32);
    Push(stack, leaf, sha);
    new_leaves.push_back(leaf);
    seqs.push_back(seq);
    prev = leaf;
  }
  SignedHead h;
  h.tree_size = leaves_.size() + new_leaves.size();
  h.time = now;
  h.root = FoldRoot(stack, sha);
  h.last = prev;
  h.public_key = key_.public_key;
  h.signature = SignDetached(h.SignedMessage(), key_);
  h.offset = end_ + out.size();
  out += EncodeHead(h);
  size_t done = 0;
  const size_t piece =
      options_.test_write_chunk_bytes > 0 ? options_.test_write_chunk_bytes : out.size();
  while (done < out.size()) {
    if (done > 0 && options_.test_write_pause_us > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(options_.test_write_pause_us));
    }
    const ssize_t n = ::pwrite(fd_, out.data() + done, std::min(piece, out.size() - done),
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
  end_ += out.size();
  leaves_.insert(leaves_.end(), new_leaves.begin(), new_leaves.end());
  offsets_.insert(offsets_.end(), new_offsets.begin(), new_offsets.end());
  stack_ = std::move(stack);
  head_ = h;
  return seqs;
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
  std::string rec(until - at, '\0');
  size_t done = 0;
  while (done < rec.size()) {
    const ssize_t n =
        ::pread(fd_, rec.data() + done, rec.size() - done, static_cast<off_t>(at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Unavailable("cannot read " + file_.string() + ": " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  // A head may follow the entry inside [at, until): the entry is the first record.
  const auto len = rec.size() >= 8 ? Load<uint32_t>(rec.data() + 4) : 0;
  if (rec.size() < 8 + static_cast<uint64_t>(len) + 32 || len < kEntryFixed ||
      std::memcmp(rec.data(), kEntryMagic, 4) != 0) {
    return DataLoss(file_.string() + ": entry " + std::to_string(seq) + " changed on disk");
  }
  internal::Sha256Engine sha;
  const std::string_view body(rec.data() + 8, len);
  Entry e;
  e.leaf = sha.Leaf(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  if (e.leaf != leaves_[seq]) {
    return DataLoss(file_.string() + ": entry " + std::to_string(seq) + " changed on disk");
  }
  e.type = static_cast<EntryType>(static_cast<uint8_t>(body[0]));
  e.seq = seq;
  e.time = Load<int64_t>(body.data() + 9);
  std::memcpy(e.prev.data(), body.data() + 17, 32);
  e.payload.assign(body.data() + kEntryFixed, body.size() - kEntryFixed);
  e.offset = at;
  return e;
}

}  // namespace figurant::ledger
