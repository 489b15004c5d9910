// The API load test's clients: one thread each, with its own keep-alive connection to the server
// and its own logged-in session, sending a mix of reads and writes until the time or the request
// budget runs out. Every reply is checked against the status its route documents (docs/api.md);
// anything else, a refused connection included, is an error. Every write the server acknowledged
// is kept, for the check afterwards that the ledger and the registry hold it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api_harness.h"
#include "load_bank.h"

namespace figurant::bench {

// The write steps a performer's client takes on a licence of its own, in order: the studio offers
// it (a draft), the performer signs it, suspends it, resumes it, revokes it. A step left out of
// MixOptions::writes is skipped (a licence then starts signed when presigned ones are given).
enum class WriteKind { kOffer, kSign, kSuspend, kResume, kRevoke };
std::string_view WriteKindName(WriteKind kind);  // "offer", "sign", "suspend", "resume", "revoke"

struct MixOptions {
  int port = 0;
  std::string origin;
  std::chrono::steady_clock::time_point deadline;
  int64_t max_requests = 0;    // all clients together [Limits: > 0]
  double write_share = 0.1;    // of a performer client's actions [Limits: 0..1]
  int think_ms = 0;            // mean pause between a client's actions [Units: ms] [Limits: >= 0]
  std::set<WriteKind> writes;  // the steps taken
};

// A write the server acknowledged (its documented success status).
struct Ack {
  WriteKind kind = WriteKind::kOffer;
  std::string performer, licence;
};

// What one client saw. Latencies per request kind: "statement", "statement.csv", "appearances",
// "usage" (reads); "offer", "offer.get", "sign", "suspension-request", "statement.sign",
// "revoke" (writes). [Units: ms]
struct ClientReport {
  std::map<std::string, std::vector<double>> latency_ms;
  std::map<std::string, int64_t> errors;   // by request kind
  std::vector<std::string> error_samples;  // the first few: "KIND PATH -> STATUS BODY"
  std::vector<Ack> acks;
};

// The kinds whose p99 the target is about.
bool IsRead(const std::string& kind);

// One client: `performer` null for a studio client (reads its production's usage and its offers).
// `studio_session` makes the offers a performer client's licences start from. `presigned`: signed
// licences of the performer's this client may suspend and revoke first.
struct ClientSetup {
  const LoadBank* bank = nullptr;
  const LoadPerformer* performer = nullptr;
  testing::ApiSession session, studio_session;
  std::vector<std::string> presigned;
  uint32_t seed = 0;
};

// Runs one client until the deadline or until `requests` (shared by all) reaches the budget.
ClientReport RunClient(const ClientSetup& setup, const MixOptions& options,
                       std::atomic<int64_t>& requests);

}  // namespace figurant::bench
