// The record layout pinned to bytes written out by hand from docs/ledger.md: every integer
// little-endian, whatever the host. A big-endian (or host-order on a big-endian machine) encoder
// fails these tests.
#include "ledger/internal/record.h"

#include <gtest/gtest.h>

#include <string>

#include "ledger/internal/endian.h"

namespace figurant::ledger::internal {
namespace {

std::string Bytes(std::string_view hex) {
  const auto b = FromHex(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? std::string(b->begin(), b->end()) : std::string();
}

std::string Repeat(std::string_view hex_byte, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += hex_byte;
  return out;
}

template <size_t N>
std::array<uint8_t, N> Filled(uint8_t v) {
  std::array<uint8_t, N> a{};
  a.fill(v);
  return a;
}

TEST(EndianTest, LeastSignificantByteFirst) {
  std::string out;
  AppendLittleEndian(out, uint32_t{0x0A0B0C0D});
  AppendLittleEndian(out, int64_t{-2});
  AppendLittleEndian(out, uint16_t{0x1234});
  EXPECT_EQ(ToHex(reinterpret_cast<const uint8_t*>(out.data()), out.size()),
            "0d0c0b0a"
            "feffffffffffffff"
            "3412");
  EXPECT_EQ(LoadLittleEndian<uint32_t>(out.data()), 0x0A0B0C0Du);
  EXPECT_EQ(LoadLittleEndian<int64_t>(out.data() + 4), -2);
  EXPECT_EQ(LoadLittleEndian<uint16_t>(out.data() + 12), 0x1234);
}

TEST(RecordTest, EntryEncodesToTheDocumentedBytesAndDecodesBack) {
  const std::string payload = "{}";
  EntryFields e;
  e.type = EntryType::kLicenceRevoked;  // 4
  e.seq = 0x0102030405060708;
  e.time = 1790000000;  // 0x6ab13b80
  e.prev = Filled<32>(0xee);
  e.payload = payload;
  const std::string body = Bytes(
      "04"                  // type
      "0807060504030201"    // seq
      "803bb16a00000000" +  // time
      Repeat("ee", 32) +    // prev
      "7b7d");              // payload "{}"
  Sha256Engine sha;
  std::string rec;
  const Hash leaf = AppendEntryRecord(rec, e, sha);
  EXPECT_EQ(leaf, LeafHash(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
  const std::string expected = Bytes(
                                   "46474c45"  // "FGLE"
                                   "33000000"  // body length 51 = 49 + 2
                                   ) +
                               body + std::string(leaf.begin(), leaf.end());
  EXPECT_EQ(ToHex(reinterpret_cast<const uint8_t*>(rec.data()), rec.size()),
            ToHex(reinterpret_cast<const uint8_t*>(expected.data()), expected.size()));

  const Frame frame = ReadFrame(rec.data());
  EXPECT_EQ(frame.kind, RecordKind::kEntry);
  EXPECT_EQ(frame.body_length, body.size());
  const EntryFields back = DecodeEntryBody(body);
  EXPECT_EQ(back.type, e.type);
  EXPECT_EQ(back.seq, e.seq);
  EXPECT_EQ(back.time, e.time);
  EXPECT_EQ(back.prev, e.prev);
  EXPECT_EQ(back.payload, payload);
}

TEST(RecordTest, HeadEncodesToTheDocumentedBytesAndDecodesBack) {
  SignedHead h;
  h.tree_size = 258;  // 0x102
  h.time = -1;        // before 1970: two's complement
  h.root = Filled<32>(0x11);
  h.last = Filled<32>(0x22);
  h.public_key = Filled<32>(0x33);
  h.signature = Filled<64>(0x44);
  const std::string body = Bytes(
      "0201000000000000"    // tree_size
      "ffffffffffffffff" +  // time
      Repeat("11", 32) +
      Repeat("22", 32) + Repeat("33", 32) + Repeat("44", 64));
  ASSERT_EQ(body.size(), kHeadBody);
  EXPECT_EQ(EncodeHeadBody(h), body);
  const Hash check = Sha256(body);
  const std::string expected = Bytes(
                                   "46474c48"  // "FGLH"
                                   "b0000000"  // body length 176
                                   ) +
                               body + std::string(check.begin(), check.end());
  EXPECT_EQ(EncodeHeadRecord(h), expected);
  EXPECT_EQ(h.SignedMessage(), "figurant-sth-v1" + body.substr(0, kHeadSigned));

  const Frame frame = ReadFrame(expected.data());
  EXPECT_EQ(frame.kind, RecordKind::kHead);
  EXPECT_EQ(frame.body_length, kHeadBody);
  const SignedHead back = DecodeHeadBody(body, 4096);
  EXPECT_EQ(back.tree_size, h.tree_size);
  EXPECT_EQ(back.time, h.time);
  EXPECT_EQ(back.root, h.root);
  EXPECT_EQ(back.last, h.last);
  EXPECT_EQ(back.public_key, h.public_key);
  EXPECT_EQ(back.signature, h.signature);
  EXPECT_EQ(back.offset, 4096u);
}

TEST(RecordTest, AnythingElseHasNoRecordMagic) {
  EXPECT_EQ(ReadFrame("FGLX\x01\x00\x00\x00").kind, RecordKind::kUnknown);
}

}  // namespace
}  // namespace figurant::ledger::internal
