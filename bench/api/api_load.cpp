// api_load: the HTTP API under load on loopback (issue 14, "Must show"). Builds its own bank with
// the real `figurant` binary in a temporary directory, starts `figurant serve` on a free port,
// logs in --clients clients (performers, each with many sessions, and a studio) and for --seconds
// (at most --max-requests requests) runs a mix of reads (statement, statement.csv, appearances,
// production usage) and writes (offer, sign, suspend, resume, revoke) while a CLI `figurant render`
// appends usage to the same ledger in a loop. Then: latency per request kind, errors, `ledger
// verify`, and every acknowledged write looked up in the ledger and the registry.
//
// Exit code 0 when there were no errors, every write is there and the ledger verifies; 1
// otherwise; 2 when the bank or the server could not be set up. The read p99 target (100 ms) is
// reported PASS/FAIL but does not change the exit code: latency is the machine's, not the code's.
// How to run it: bench/api/README.md.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <thread>

#include "api_harness.h"
#include "load_bank.h"
#include "load_check.h"
#include "load_common.h"
#include "load_mix.h"

namespace figurant::bench {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// The target for reads on the project's two-core machine. [Units: ms]
constexpr double kReadP99TargetMs = 100;
// Error messages the summary keeps (the first ones).
constexpr size_t kErrorSamples = 20;

struct LoadOptions {
  int clients = 200;
  int seconds = 60;
  int64_t max_requests = 2'000'000;
  int performers = 8;
  double write_share = 0.1;
  int think_ms = 1000;
  int studio_clients = -1;  // -1: clients / kClientsPerStudioClient
  int presign = 0;          // signed licences per performer made through the CLI before the run
  std::vector<std::string> writes = {"offer", "sign", "suspend", "resume", "revoke"};
  std::vector<std::string> serve_args;
  std::string json_out;
};

Result<std::set<WriteKind>> ParseWrites(const std::vector<std::string>& names) {
  std::set<WriteKind> out;
  for (const std::string& n : names) {
    bool found = false;
    for (WriteKind k : {WriteKind::kOffer, WriteKind::kSign, WriteKind::kSuspend,
                        WriteKind::kResume, WriteKind::kRevoke}) {
      if (WriteKindName(k) == n) {
        out.insert(k);
        found = true;
      }
    }
    if (!found)
      return InvalidArgument("--writes " + n +
                             ": expected offer, sign, suspend, "
                             "resume or revoke");
  }
  return out;
}

// Everything the run needs: the bank and its users, the server, and each client's session.
struct Setup : ServedLoadBank {
  std::vector<ClientSetup> clients;
};

// Presigned licences (--presign) for the clients of `performer`, dealt out in turn.
Result<std::vector<std::string>> Presign(const testing::RenderBank& rb, const LoadBank& bank,
                                         const LoadPerformer& performer, int count) {
  std::vector<std::string> out;
  const auto terms = rb.dir() / "offer-terms.json";
  std::ofstream(terms) << OfferTerms(bank.offer_production).dump();
  for (int i = 0; i < count; ++i) {
    FIGURANT_ASSIGN_OR_RETURN(
        const json draft, CliJson(rb, {"licence", "draft", "--performer", performer.id, "--studio",
                                       bank.studio, "--terms", terms.string()}));
    FIGURANT_RETURN_IF_ERROR(SignWithCli(rb, performer, draft["id"]));
    out.push_back(draft["id"]);
  }
  return out;
}

// One session per client: studio clients first, then performer clients dealt round the
// performers; performer clients also get a studio session to make their offers with.
Status LogInClients(const LoadOptions& o, Setup& s) {
  const int studio_clients =
      o.studio_clients >= 0 ? o.studio_clients : o.clients / kClientsPerStudioClient;
  std::map<std::string, std::vector<std::string>> presigned;
  for (const LoadPerformer& p : s.bank.performers) {
    FIGURANT_ASSIGN_OR_RETURN(presigned[p.id], Presign(*s.render_bank, s.bank, p, o.presign));
  }
  FIGURANT_ASSIGN_OR_RETURN(const testing::ApiSession studio, LogIn(*s.server, s.bank.studio_user));
  for (int i = 0; i < o.clients; ++i) {
    ClientSetup c;
    c.bank = &s.bank;
    c.seed = static_cast<uint32_t>(i + 1);
    c.studio_session = studio;
    if (i < studio_clients) {
      FIGURANT_ASSIGN_OR_RETURN(c.session, LogIn(*s.server, s.bank.studio_user));
    } else {
      const LoadPerformer& p = s.bank.performers[i % s.bank.performers.size()];
      c.performer = &p;
      FIGURANT_ASSIGN_OR_RETURN(c.session, LogIn(*s.server, p.device));
      auto& pool = presigned[p.id];
      const size_t share = std::max<size_t>(1, pool.size() / 4);
      while (!pool.empty() && c.presigned.size() < share) {
        c.presigned.push_back(pool.back());
        pool.pop_back();
      }
    }
    s.clients.push_back(std::move(c));
  }
  return Status::Ok();
}

Status MakeSetup(const LoadOptions& o, Setup& s) {
  FIGURANT_RETURN_IF_ERROR(ServeLoadBank("api-load", o.performers, o.serve_args, s));
  return LogInClients(o, s);
}

// The CLI render loop running beside the clients.
struct RenderLoop {
  int64_t renders = 0;
  std::vector<std::string> failures;
  std::vector<double> seconds;
};

void RunRenders(const testing::RenderBank& rb, const std::filesystem::path& scene,
                const std::atomic<bool>& stop, RenderLoop& out) {
  while (!stop.load()) {
    const auto start = SteadyClock::now();
    const testing::RunResult r = rb.Run({"render", scene.string(), "--quiet"});
    out.seconds.push_back(std::chrono::duration<double>(SteadyClock::now() - start).count());
    ++out.renders;
    if (r.exit_code != 0) out.failures.push_back(r.err.substr(0, 300));
  }
}

struct MixRun {
  std::vector<ClientReport> clients;
  RenderLoop renders;
  double seconds = 0;  // wall time of the mix [Units: s]
};

MixRun RunMix(const LoadOptions& o, const Setup& s, const MixOptions& mix_in) {
  MixRun out;
  out.clients.resize(s.clients.size());
  MixOptions mix = mix_in;
  std::atomic<int64_t> requests{0};
  std::atomic<bool> stop{false};
  const auto start = SteadyClock::now();
  mix.deadline = start + std::chrono::seconds(o.seconds);
  std::thread render([&] { RunRenders(*s.render_bank, s.bank.scene, stop, out.renders); });
  std::vector<std::thread> threads;
  threads.reserve(s.clients.size());
  for (size_t i = 0; i < s.clients.size(); ++i) {
    threads.emplace_back([&, i] { out.clients[i] = RunClient(s.clients[i], mix, requests); });
  }
  for (std::thread& t : threads) t.join();
  out.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  stop = true;
  render.join();
  return out;
}

// The summary: per kind and for all reads and all writes together, the errors and the check.
json Summarise(const LoadOptions& o, const MixRun& run, const WriteCheck& check) {
  std::map<std::string, std::vector<double>> by_kind;
  std::map<std::string, int64_t> errors;
  std::vector<std::string> samples;
  std::vector<double> reads, writes;
  int64_t requests = 0, error_total = 0;
  for (const ClientReport& c : run.clients) {
    for (const auto& [kind, v] : c.latency_ms) {
      by_kind[kind].insert(by_kind[kind].end(), v.begin(), v.end());
      (IsRead(kind) ? reads : writes)
          .insert((IsRead(kind) ? reads : writes).end(), v.begin(), v.end());
      requests += static_cast<int64_t>(v.size());
    }
    for (const auto& [kind, n] : c.errors) {
      errors[kind] += n;
      error_total += n;
    }
    for (const auto& e : c.error_samples) {
      if (samples.size() < kErrorSamples) samples.push_back(e);
    }
  }
  for (const auto& f : run.renders.failures) {
    if (samples.size() < 2 * kErrorSamples) samples.push_back("render: " + f);
  }
  error_total += static_cast<int64_t>(run.renders.failures.size());
  json kinds = json::object();
  for (auto& [kind, v] : by_kind) kinds[kind] = LatencyJson(v, errors[kind]);
  json read_summary = LatencyJson(reads, 0);
  const double read_p99 = read_summary["p99_ms"];
  return {{"clients", o.clients},
          {"seconds", run.seconds},
          {"requests", requests},
          {"requests_per_second", run.seconds > 0 ? requests / run.seconds : 0},
          {"errors", error_total},
          {"error_samples", samples},
          {"kinds", kinds},
          {"reads", read_summary},
          {"writes", LatencyJson(writes, 0)},
          {"read_p99_target_ms", kReadP99TargetMs},
          {"read_p99_pass", read_p99 < kReadP99TargetMs},
          {"renders", run.renders.renders},
          {"render_failures", run.renders.failures.size()},
          {"ledger",
           {{"valid", check.ledger_valid},
            {"problem", check.ledger_problem},
            {"verify_ms", check.verify_ms},
            {"entries", check.ledger_entries},
            {"usage_entries", check.usage_entries}}},
          {"writes_checked", check.checked},
          {"writes_missing", check.missing}};
}

void PrintTable(const json& s) {
  std::cout << std::fixed << std::setprecision(1);
  std::cout << "api_load: " << s["clients"] << " clients, " << s["seconds"].get<double>() << " s, "
            << s["requests"] << " requests (" << s["requests_per_second"].get<double>() << "/s), "
            << s["renders"] << " CLI renders\n\n";
  constexpr int kNameWidth = 20;
  PrintLatencyHeader("kind", kNameWidth);
  auto row = [](const std::string& name, const json& k) { PrintLatencyRow(name, k, kNameWidth); };
  for (const auto& [kind, k] : s["kinds"].items()) row(kind, k);
  row("ALL READS", s["reads"]);
  row("ALL WRITES", s["writes"]);
  std::cout << "\nerrors: " << s["errors"] << '\n';
  for (const auto& e : s["error_samples"]) std::cout << "  " << e.get<std::string>() << '\n';
  const json& l = s["ledger"];
  std::cout << "ledger verify: " << (l["valid"].get<bool>() ? "valid" : "INVALID") << ", "
            << l["entries"] << " entries (" << l["usage_entries"] << " usage), "
            << l["verify_ms"].get<double>() << " ms\n";
  std::cout << "writes checked: " << s["writes_checked"]
            << ", missing: " << s["writes_missing"].size() << '\n';
  for (const auto& m : s["writes_missing"]) std::cout << "  " << m.get<std::string>() << '\n';
  std::cout << "read p99 " << s["reads"]["p99_ms"].get<double>() << " ms against the target of "
            << kReadP99TargetMs << " ms: " << (s["read_p99_pass"].get<bool>() ? "PASS" : "FAIL")
            << '\n';
}

int Main(int argc, char** argv) {
  LoadOptions o;
  CLI::App app{"Load test of figurant serve on loopback (bench/api/README.md)"};
  app.add_option("--clients", o.clients, "Concurrent clients (default 200)")
      ->check(CLI::Range(2, 2000));
  app.add_option("--seconds", o.seconds, "How long the mix runs (default 60)")
      ->check(CLI::Range(1, 3600));
  app.add_option("--max-requests", o.max_requests, "Requests at most, all clients together")
      ->check(CLI::PositiveNumber);
  app.add_option("--performers", o.performers, "Performers the clients log in as (default 8)")
      ->check(CLI::Range(1, 100));
  app.add_option("--write-share", o.write_share,
                 "Share of a performer client's actions that are writes (default 0.1)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--think-ms", o.think_ms,
                 "Mean pause between a client's actions, exponential (default 1000 ms)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--studio-clients", o.studio_clients,
                 "Clients reading the studio's production usage (default one in ten)")
      ->check(CLI::Range(0, 2000));
  app.add_option("--writes", o.writes, "Write steps taken (default all)")->delimiter(',');
  app.add_option("--presign", o.presign, "Signed licences per performer made by the CLI first")
      ->check(CLI::Range(0, 1000));
  app.add_option("--serve-arg", o.serve_args, "An argument added to `figurant serve`");
  app.add_option("--json-out", o.json_out, "Write the summary JSON to this file");
  CLI11_PARSE(app, argc, argv);
  auto writes = ParseWrites(o.writes);
  if (!writes.ok()) {
    std::cerr << "api_load: " << writes.status().ToString() << '\n';
    return 2;
  }
  Setup s;
  const auto setup_start = SteadyClock::now();
  if (Status st = MakeSetup(o, s); !st.ok()) {
    std::cerr << "api_load: setup failed: " << st.ToString() << '\n';
    return 2;
  }
  std::cout << "api_load: bank and " << o.clients << " sessions ready in " << std::fixed
            << std::setprecision(1)
            << std::chrono::duration<double>(SteadyClock::now() - setup_start).count() << " s\n";
  MixOptions mix;
  mix.port = s.server->port();
  mix.origin = s.server->origin();
  mix.max_requests = o.max_requests;
  mix.write_share = o.write_share;
  mix.think_ms = o.think_ms;
  mix.writes = *writes;
  const MixRun run = RunMix(o, s, mix);
  s.server.reset();  // stopped before the checks, which read the bank through the CLI
  std::vector<Ack> acks;
  for (const ClientReport& c : run.clients) acks.insert(acks.end(), c.acks.begin(), c.acks.end());
  auto check = CheckWrites(*s.render_bank, acks);
  if (!check.ok()) {
    std::cerr << "api_load: the check could not read the bank: " << check.status().ToString()
              << '\n';
    return 1;
  }
  const json summary = Summarise(o, run, *check);
  PrintTable(summary);
  if (!o.json_out.empty()) std::ofstream(o.json_out) << summary.dump(2) << '\n';
  const bool ok = summary["errors"] == 0 && check->missing.empty() && check->ledger_valid;
  std::cout << (ok ? "OK" : "FAILED") << ": " << summary["errors"] << " errors, "
            << check->missing.size() << " writes missing, ledger "
            << (check->ledger_valid ? "valid" : "INVALID") << '\n';
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace figurant::bench

int main(int argc, char** argv) { return figurant::bench::Main(argc, argv); }
