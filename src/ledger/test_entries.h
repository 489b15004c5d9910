// Test-only: entries numbered as a log numbers them, for tests that feed auditors and indexes the
// entries they make (no log, no heads). Not for production code.
#pragma once

#include <string>
#include <utility>

#include "ledger/ledger.h"
#include "ledger/payloads.h"

namespace figurant::ledger::testonly {

class EntrySequence {
 public:
  // The next entry: seq 0, 1, 2, … since construction or Restart().
  Entry Next(EntryType type, std::string payload) {
    Entry e;
    e.type = type;
    e.seq = seq_++;
    e.payload = std::move(payload);
    return e;
  }
  template <typename Event>
  Entry Next(const Event& event) {
    return Next(Event::kType, Payload(event));
  }
  void Restart() { seq_ = 0; }

 private:
  uint64_t seq_ = 0;
};

}  // namespace figurant::ledger::testonly
