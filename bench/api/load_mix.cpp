#include "load_mix.h"

#include <httplib.h>

#include <random>
#include <thread>

#include "consent/offer.h"
#include "consent/statement.h"
#include "core/clock.h"
#include "load_common.h"

namespace figurant::bench {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Error samples kept per client: enough to see what went wrong, not a log of every one.
constexpr size_t kErrorSamples = 5;
constexpr size_t kBodySample = 200;
// How long a client waits for a reply before counting an error. [Units: s]
constexpr int kReplyTimeoutS = 30;

// One client's connection and session.
class Connection {
 public:
  Connection(const MixOptions& options, std::atomic<int64_t>& requests, ClientReport& report)
      : http_("127.0.0.1", options.port), options_(options), requests_(requests), report_(report) {
    http_.set_keep_alive(true);
    http_.set_read_timeout(std::chrono::seconds(kReplyTimeoutS));
  }

  bool Done() const {
    return Clock::now() >= options_.deadline || requests_.load() >= options_.max_requests;
  }

  // Sends one request of `kind`; its reply when the status is `expected`, nullopt (an error
  // counted and sampled) otherwise.
  std::optional<std::string> Send(const std::string& kind, const std::string& method,
                                  const std::string& path, const testing::ApiSession& session,
                                  int expected, const std::string& body = "") {
    httplib::Headers headers = {{"Cookie", session.cookie}};
    if (method == "POST") headers.emplace("X-CSRF-Token", session.csrf);
    requests_.fetch_add(1);
    const auto start = Clock::now();
    httplib::Result r = method == "GET" ? http_.Get(path, headers)
                                        : http_.Post(path, headers, body, "application/json");
    const std::chrono::duration<double, std::milli> took = Clock::now() - start;
    report_.latency_ms[kind].push_back(took.count());
    const int status = r ? r->status : 0;
    if (status == expected) return r->body;
    ++report_.errors[kind];
    if (report_.error_samples.size() < kErrorSamples) {
      const std::string what = r ? r->body.substr(0, kBodySample) : httplib::to_string(r.error());
      report_.error_samples.push_back(kind + " " + method + " " + path + " -> " +
                                      std::to_string(status) + " " + what + " after " +
                                      std::to_string(static_cast<int>(took.count())) + " ms");
    }
    return std::nullopt;
  }

 private:
  httplib::Client http_;
  const MixOptions& options_;
  std::atomic<int64_t>& requests_;
  ClientReport& report_;
};

// A performer's client: reads their statement and appearances, and walks licences of their own
// through the write steps.
class PerformerClient {
 public:
  PerformerClient(const ClientSetup& setup, const MixOptions& options, Connection& connection,
                  ClientReport& report)
      : setup_(setup),
        options_(options),
        c_(connection),
        report_(report),
        base_("/api/v1/performers/" + setup.performer->id),
        presigned_(setup.presigned.rbegin(), setup.presigned.rend()) {}

  void Read(std::mt19937& rng) {
    static const std::array<std::string, 3> kReads = {"statement", "statement.csv", "appearances"};
    const std::string& kind = kReads[std::uniform_int_distribution<size_t>(0, 2)(rng)];
    c_.Send(kind, "GET", base_ + "/" + kind, setup_.session, 200);
  }

  // The next step of the current licence's cycle.
  void Write() {
    const bool ok = step_ == Step::kNone        ? Offer()
                    : step_ == Step::kDraft     ? Sign()
                    : step_ == Step::kActive    ? Suspend(true)
                    : step_ == Step::kSuspended ? Suspend(false)
                                                : Revoke();
    if (!ok) step_ = Step::kNone;  // an error: leave this licence, start another
  }

 private:
  enum class Step { kNone, kDraft, kActive, kSuspended, kResumed };

  bool Enabled(WriteKind k) const { return options_.writes.count(k) > 0; }
  void Acknowledge(WriteKind kind) {
    report_.acks.push_back({kind, setup_.performer->id, licence_});
  }

  bool Offer() {
    if (!presigned_.empty()) {
      licence_ = presigned_.back();
      presigned_.pop_back();
      step_ = Step::kActive;
      return true;
    }
    if (!Enabled(WriteKind::kOffer)) return true;  // nothing to walk
    const json body = {{"performer", setup_.performer->id},
                       {"terms", OfferTerms(setup_.bank->offer_production)}};
    auto reply = c_.Send("offer", "POST", "/api/v1/studios/" + setup_.bank->studio + "/offers",
                         setup_.studio_session, 201, body.dump());
    if (!reply) return false;
    licence_ = json::parse(*reply, nullptr, false).value("id", "");
    Acknowledge(WriteKind::kOffer);
    step_ = Step::kDraft;
    return !licence_.empty();
  }

  bool Sign() {
    if (!Enabled(WriteKind::kSign)) return false;  // a draft nobody signs: start another
    const std::string path = base_ + "/licences/" + licence_;
    auto text = c_.Send("offer.get", "GET", path + "/offer", setup_.session, 200);
    if (!text) return false;
    auto offer = consent::ParseOffer(*text, "offer");
    auto now = ParseTimestamp(kLoadNow);
    if (!offer.ok() || !now.ok()) return Fail("offer.get", offer.status().ToString());
    consent::ConsentRecord record =
        consent::RecordFor(*offer, consent::Representation::kNone, *now);
    const Status s = consent::SignConsent(record, offer->terms_text, setup_.performer->device.key);
    if (!s.ok()) return Fail("sign", s.ToString());
    if (!c_.Send("sign", "POST", path + "/sign", setup_.session, 200,
                 consent::ConsentSignatureJson(record))) {
      return false;
    }
    Acknowledge(WriteKind::kSign);
    step_ = Step::kActive;
    return true;
  }

  // Suspends (or resumes) the licence: the bank's statement request, signed here, recorded.
  bool Suspend(bool suspend) {
    const WriteKind kind = suspend ? WriteKind::kSuspend : WriteKind::kResume;
    if (!Enabled(kind)) {
      step_ = Step::kResumed;
      return Revoke();
    }
    auto text = c_.Send("suspension-request", "POST",
                        base_ + "/licences/" + licence_ + "/suspension-request", setup_.session,
                        200, json{{"suspend", suspend}}.dump());
    if (!text) return false;
    auto request = consent::ParseStatementRequest(*text, "suspension-request");
    if (!request.ok()) return Fail("suspension-request", request.status().ToString());
    auto statement = consent::SignStatement(*request, setup_.performer->device.key);
    if (!statement.ok()) return Fail("statement.sign", statement.status().ToString());
    if (!c_.Send("statement.sign", "POST", base_ + "/statements", setup_.session, 201,
                 consent::StatementSignatureJson(*statement))) {
      return false;
    }
    Acknowledge(kind);
    step_ = suspend ? Step::kSuspended : Step::kResumed;
    return true;
  }

  bool Revoke() {
    if (!Enabled(WriteKind::kRevoke)) return false;  // start another licence
    if (!c_.Send("revoke", "POST", base_ + "/licences/" + licence_ + "/revoke", setup_.session, 200,
                 "{}")) {
      return false;
    }
    Acknowledge(WriteKind::kRevoke);
    step_ = Step::kNone;
    return true;
  }

  // A reply the client could not use: an error like a wrong status.
  bool Fail(const std::string& kind, const std::string& why) {
    ++report_.errors[kind];
    if (report_.error_samples.size() < kErrorSamples) {
      report_.error_samples.push_back(kind + " " + licence_ + ": " + why);
    }
    return false;
  }

  const ClientSetup& setup_;
  const MixOptions& options_;
  Connection& c_;
  ClientReport& report_;
  const std::string base_;
  std::vector<std::string> presigned_;  // taken from the back
  std::string licence_;
  Step step_ = Step::kNone;
};

}  // namespace

std::string_view WriteKindName(WriteKind kind) {
  switch (kind) {
    case WriteKind::kOffer:
      return "offer";
    case WriteKind::kSign:
      return "sign";
    case WriteKind::kSuspend:
      return "suspend";
    case WriteKind::kResume:
      return "resume";
    case WriteKind::kRevoke:
      return "revoke";
  }
  return "?";
}

bool IsRead(const std::string& kind) {
  return kind == "statement" || kind == "statement.csv" || kind == "appearances" || kind == "usage";
}

ClientReport RunClient(const ClientSetup& setup, const MixOptions& options,
                       std::atomic<int64_t>& requests) {
  ClientReport report;
  Connection c(options, requests, report);
  std::mt19937 rng(setup.seed);
  std::bernoulli_distribution write(options.write_share);
  if (setup.performer == nullptr) {
    const std::string usage = "/api/v1/productions/" + setup.bank->render_production + "/usage";
    while (!c.Done()) {
      c.Send("usage", "GET", usage, setup.session, 200);
      Think(options.think_ms, options.deadline, rng);
    }
    return report;
  }
  PerformerClient client(setup, options, c, report);
  while (!c.Done()) {
    if (write(rng)) {
      client.Write();
    } else {
      client.Read(rng);
    }
    Think(options.think_ms, options.deadline, rng);
  }
  return report;
}

}  // namespace figurant::bench
