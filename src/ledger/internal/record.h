// The ledger's record layout (docs/ledger.md, "Records"): the one place that knows where each field
// of an entry or a signed head sits and in which byte order (little-endian, internal/endian.h).
// Encoders write exactly the documented bytes; decoders read them back. Neither checks hashes,
// sequence numbers or signatures: that is the validity rule, applied by ledger.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/internal/sha256.h"
#include "ledger/ledger.h"

namespace figurant::ledger::internal {

inline constexpr std::string_view kEntryMagic = "FGLE";
inline constexpr std::string_view kHeadMagic = "FGLH";
inline constexpr size_t kFrameBytes = 8;               // magic, body length
inline constexpr size_t kCheckBytes = 32;              // the check field after the body
inline constexpr size_t kEntryFixed = 1 + 8 + 8 + 32;  // type, seq, time, prev
inline constexpr size_t kHeadBody = 8 + 8 + 32 + 32 + 32 + 64;
inline constexpr size_t kHeadSigned = 8 + 8 + 32 + 32;  // tree_size, time, root, last
inline constexpr size_t kHeadRecord = kFrameBytes + kHeadBody + kCheckBytes;
// Where each field starts in an entry body and in a head body. [Units: bytes from the body's start]
inline constexpr size_t kEntryTypeAt = 0, kEntrySeqAt = 1, kEntryTimeAt = 9, kEntryPrevAt = 17;
inline constexpr size_t kHeadTreeSizeAt = 0, kHeadTimeAt = 8, kHeadRootAt = 16, kHeadLastAt = 48,
                        kHeadKeyAt = 80, kHeadSignatureAt = 112;

// Bytes a record with a body of `body_length` bytes takes in the file.
constexpr uint64_t RecordBytes(uint64_t body_length) {
  return kFrameBytes + body_length + kCheckBytes;
}

enum class RecordKind : uint8_t { kEntry, kHead, kUnknown };

// What the first kFrameBytes of a record say.
struct Frame {
  RecordKind kind = RecordKind::kUnknown;  // kUnknown: neither magic
  uint32_t body_length = 0;                // [Units: bytes]
};
// `p` points at kFrameBytes readable bytes.
Frame ReadFrame(const char* p);

// An entry body's fields. `payload` views the bytes it was decoded from (or, when encoding, the
// caller's text): it lives no longer than they do.
struct EntryFields {
  EntryType type = EntryType::kUsage;  // as stored: may be out of EntryType's range when decoded
  uint64_t seq = 0;
  int64_t time = 0;  // [Units: Unix seconds]
  Hash prev{};
  std::string_view payload;
};
// `body` is at least kEntryFixed bytes.
EntryFields DecodeEntryBody(std::string_view body);
// Appends a whole entry record (magic, length, body, leaf hash) to `out`; returns the leaf hash.
// The payload must be at most kMaxPayload bytes.
Hash AppendEntryRecord(std::string& out, const EntryFields& entry, Sha256Engine& sha);

// A head's 176 body bytes, and its whole record (magic, length, body, SHA-256 of the body).
std::string EncodeHeadBody(const SignedHead& head);
std::string EncodeHeadRecord(const SignedHead& head);
// `body` is kHeadBody bytes; `offset` is where its record starts in the file.
SignedHead DecodeHeadBody(std::string_view body, uint64_t offset);

}  // namespace figurant::ledger::internal
