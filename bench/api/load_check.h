// After the load: does the bank hold everything the server acknowledged? `ledger verify` on the
// bank's ledger, then each acknowledged write looked up in a ledger export (read with the bank's
// public key) and in `licence list`: an offer is a licence of its performer's; a signature a
// `licence_signed` entry; a suspension or resumption a signed `statement` entry of that kind for
// the licence; a revocation a `licence_revoked` entry; and each licence's registry state is the
// one its last acknowledged write left (active after sign, suspend and resume; revoked after
// revoke).
#pragma once

#include <string>
#include <vector>

#include "load_bank.h"
#include "load_mix.h"

namespace figurant::bench {

struct WriteCheck {
  bool ledger_valid = false;
  std::string ledger_problem;  // why not, when not
  double verify_ms = 0;        // `figurant ledger verify` on the bank, wall time [Units: ms]
  uint64_t ledger_entries = 0;
  int64_t usage_entries = 0;         // usage the renders appended
  int64_t checked = 0;               // acknowledged writes looked up
  std::vector<std::string> missing;  // "KIND LICENCE: what is missing"
};

// Internal when a command the check needs fails (the bank could not be read at all).
Result<WriteCheck> CheckWrites(const testing::RenderBank& bank, const std::vector<Ack>& acks);

}  // namespace figurant::bench
