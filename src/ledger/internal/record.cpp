#include "ledger/internal/record.h"

#include <cstring>

#include "ledger/internal/endian.h"

namespace figurant::ledger::internal {
namespace {

template <size_t N>
void AppendBytes(std::string& out, const std::array<uint8_t, N>& bytes) {
  out.append(reinterpret_cast<const char*>(bytes.data()), N);
}

template <size_t N>
void CopyBytes(std::array<uint8_t, N>& to, const char* from) {
  std::memcpy(to.data(), from, N);
}

}  // namespace

Frame ReadFrame(const char* p) {
  const std::string_view magic(p, 4);
  Frame f;
  if (magic == kEntryMagic) f.kind = RecordKind::kEntry;
  if (magic == kHeadMagic) f.kind = RecordKind::kHead;
  f.body_length = LoadLittleEndian<uint32_t>(p + 4);
  return f;
}

EntryFields DecodeEntryBody(std::string_view body) {
  EntryFields e;
  e.type = static_cast<EntryType>(static_cast<uint8_t>(body[kEntryTypeAt]));
  e.seq = LoadLittleEndian<uint64_t>(body.data() + kEntrySeqAt);
  e.time = LoadLittleEndian<int64_t>(body.data() + kEntryTimeAt);
  CopyBytes(e.prev, body.data() + kEntryPrevAt);
  e.payload = body.substr(kEntryFixed);
  return e;
}

Hash AppendEntryRecord(std::string& out, const EntryFields& entry, Sha256Engine& sha) {
  out += kEntryMagic;
  AppendLittleEndian(out, static_cast<uint32_t>(kEntryFixed + entry.payload.size()));
  const size_t body_at = out.size();
  out.push_back(static_cast<char>(entry.type));
  AppendLittleEndian(out, entry.seq);
  AppendLittleEndian(out, entry.time);
  AppendBytes(out, entry.prev);
  out += entry.payload;
  const Hash leaf =
      sha.Leaf(reinterpret_cast<const uint8_t*>(out.data() + body_at), out.size() - body_at);
  AppendBytes(out, leaf);
  return leaf;
}

std::string EncodeHeadBody(const SignedHead& head) {
  std::string b;
  b.reserve(kHeadBody);
  AppendLittleEndian(b, head.tree_size);
  AppendLittleEndian(b, head.time);
  AppendBytes(b, head.root);
  AppendBytes(b, head.last);
  AppendBytes(b, head.public_key);
  AppendBytes(b, head.signature);
  return b;
}

std::string EncodeHeadRecord(const SignedHead& head) {
  const std::string body = EncodeHeadBody(head);
  std::string rec(kHeadMagic);
  AppendLittleEndian(rec, static_cast<uint32_t>(body.size()));
  rec += body;
  AppendBytes(rec, Sha256(body));
  return rec;
}

SignedHead DecodeHeadBody(std::string_view body, uint64_t offset) {
  SignedHead h;
  h.tree_size = LoadLittleEndian<uint64_t>(body.data() + kHeadTreeSizeAt);
  h.time = LoadLittleEndian<int64_t>(body.data() + kHeadTimeAt);
  CopyBytes(h.root, body.data() + kHeadRootAt);
  CopyBytes(h.last, body.data() + kHeadLastAt);
  CopyBytes(h.public_key, body.data() + kHeadKeyAt);
  CopyBytes(h.signature, body.data() + kHeadSignatureAt);
  h.offset = offset;
  return h;
}

}  // namespace figurant::ledger::internal
