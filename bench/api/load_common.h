// Pieces the load tests share (bench/api's api_load and bench/portal's portal_load): logging a
// client in, a user's pause between actions, and latency summaries.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "api_harness.h"
#include "cli_harness.h"
#include "core/status.h"
#include "load_bank.h"
#include "render_bank.h"

namespace figurant::bench {

// By default one client in ten is the studio's; the others are performers'.
inline constexpr int kClientsPerStudioClient = 10;

// A load bank (load_bank.h) in a temporary directory, served by `figurant serve` (the test build,
// clock pinned to kLoadNow) with log-in limits high enough for every client to log in at once.
struct ServedLoadBank {
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<testing::RenderBank> render_bank;
  LoadBank bank;
  std::unique_ptr<testing::ServeProcess> server;
};

// Makes the bank (in a temporary directory named after `tag`) with `performers` performers and
// starts the server with `serve_args` added. Internal naming what failed: the render bank, a CLI
// command, or the server's start.
Status ServeLoadBank(const std::string& tag, int performers,
                     const std::vector<std::string>& serve_args, ServedLoadBank& out);

// Logs `device` in to `server` (docs/api.md, "Logging in"): its session, or Internal naming the
// user and the refusal's status and body.
Result<testing::ApiSession> LogIn(const testing::ServeProcess& server,
                                  const testing::Device& device);

// Sleeps `mean_ms` on average, exponentially distributed (as independent users' pauses are),
// waking at `deadline` at the latest. No pause when `mean_ms` <= 0. [Units: ms]
void Think(int mean_ms, std::chrono::steady_clock::time_point deadline, std::mt19937& rng);

// The `p` quantile (0..1) of `v`, the nearest rank at or below; 0 for an empty `v`. Reorders `v`.
double Percentile(std::vector<double>& v, double p);

// {count, errors, p50_ms, p95_ms, p99_ms, max_ms} of latencies `v` [Units: ms].
nlohmann::json LatencyJson(std::vector<double> v, int64_t errors);

// A latency table on stdout, `name_width` characters for the first column: the header (`what`
// heads the first column), then one row per LatencyJson. Numbers with the stream's precision.
void PrintLatencyHeader(const std::string& what, int name_width);
void PrintLatencyRow(const std::string& name, const nlohmann::json& latency, int name_width);

}  // namespace figurant::bench
