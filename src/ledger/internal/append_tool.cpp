// Test helper for the ledger crash test: appends `batches` batches of `per_batch` usage events to
// the ledger in DIR, printing each acknowledged (fsynced) sequence range on stdout as it goes.
//   ledger_append_tool DIR KEYHEX batches per_batch [chunk_bytes pause_us]
// The optional pair writes each batch in pieces with pauses (LedgerOptions), so that a kill can
// land in the middle of a batch's write.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/crypto.h"
#include "ledger/ledger.h"

int main(int argc, char** argv) {
  using namespace figurant;
  if ((argc != 5 && argc != 7) || !InitCrypto().ok()) return 2;
  auto sk = FromHex(argv[2]);
  if (!sk.ok() || sk->size() != kEd25519SecretKeyBytes) return 2;
  SigningKeyPair key;
  std::memcpy(key.secret_key.data(), sk->data(), kEd25519SecretKeyBytes);
  std::memcpy(key.public_key.data(), sk->data() + 32, kEd25519PublicKeyBytes);
  SystemClock clock;
  ledger::LedgerOptions options;
  if (argc == 7) {
    options.test_write_chunk_bytes = std::strtoul(argv[5], nullptr, 10);
    options.test_write_pause_us = std::atoi(argv[6]);
  }
  auto ledger = ledger::Ledger::Open(argv[1], key, clock, options);
  if (!ledger.ok()) {
    std::fprintf(stderr, "%s\n", ledger.status().ToString().c_str());
    return 1;
  }
  const int batches = std::atoi(argv[3]), per = std::atoi(argv[4]);
  for (int b = 0; b < batches; ++b) {
    std::vector<std::pair<ledger::EntryType, nlohmann::json>> ev;
    ev.reserve(static_cast<size_t>(per));
    for (int i = 0; i < per; ++i) {
      ev.push_back({ledger::EntryType::kUsage,
                    {{"render", "rnd_tool"},
                     {"frame", b},
                     {"double", "dbl_" + std::to_string(i)},
                     {"pixels", 100 + i},
                     {"fps", 24}}});
    }
    auto seqs = (*ledger)->Append(ev);
    if (!seqs.ok()) return 1;
    std::printf("%llu\n", static_cast<unsigned long long>(seqs->back()));
    std::fflush(stdout);
  }
  return 0;
}
