#include "load_common.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <thread>

namespace figurant::bench {

Status ServeLoadBank(const std::string& tag, int performers,
                     const std::vector<std::string>& serve_args, ServedLoadBank& out) {
  FIGURANT_RETURN_IF_ERROR(InitCrypto());
  out.dir = std::make_unique<testing::TempDir>(tag);
  out.render_bank = std::make_unique<testing::RenderBank>(out.dir->path());
  if (::testing::UnitTest::GetInstance()->ad_hoc_test_result().Failed()) {
    return Internal("the render bank could not be made (see above)");
  }
  FIGURANT_ASSIGN_OR_RETURN(out.bank, MakeLoadBank(*out.render_bank, performers));
  std::vector<std::string> args = {"--login-burst", "100000", "--login-per-minute", "100000"};
  args.insert(args.end(), serve_args.begin(), serve_args.end());
  out.server = std::make_unique<testing::ServeProcess>(out.bank.bank, kLoadNow, args);
  if (!out.server->ok()) return Internal("figurant serve did not start: " + out.server->error());
  return Status::Ok();
}

Result<testing::ApiSession> LogIn(const testing::ServeProcess& server,
                                  const testing::Device& device) {
  testing::ApiReply failure;
  auto s = testing::ApiClient(server.port()).LogIn(device, server.origin(), &failure);
  if (!s) {
    return Internal("log-in of " + device.user + " refused: " + std::to_string(failure.status) +
                    " " + failure.body);
  }
  return *s;
}

void Think(int mean_ms, std::chrono::steady_clock::time_point deadline, std::mt19937& rng) {
  using Clock = std::chrono::steady_clock;
  if (mean_ms <= 0) return;
  const double ms = std::exponential_distribution<double>(1.0 / mean_ms)(rng);
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double, std::milli>(ms));
  std::this_thread::sleep_until(std::min(until, deadline));
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<ptrdiff_t>(k), v.end());
  return v[k];
}

nlohmann::json LatencyJson(std::vector<double> v, int64_t errors) {
  const double max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  return {{"count", v.size()},
          {"errors", errors},
          {"p50_ms", Percentile(v, 0.50)},
          {"p95_ms", Percentile(v, 0.95)},
          {"p99_ms", Percentile(v, 0.99)},
          {"max_ms", max}};
}

void PrintLatencyHeader(const std::string& what, int name_width) {
  std::cout << std::left << std::setw(name_width) << what << std::right << std::setw(9) << "count"
            << std::setw(8) << "errors" << std::setw(10) << "p50 ms" << std::setw(10) << "p95 ms"
            << std::setw(10) << "p99 ms" << std::setw(10) << "max ms" << '\n';
}

void PrintLatencyRow(const std::string& name, const nlohmann::json& k, int name_width) {
  std::cout << std::left << std::setw(name_width) << name << std::right << std::setw(9)
            << k["count"].get<int64_t>() << std::setw(8) << k["errors"].get<int64_t>()
            << std::setw(10) << k["p50_ms"].get<double>() << std::setw(10)
            << k["p95_ms"].get<double>() << std::setw(10) << k["p99_ms"].get<double>()
            << std::setw(10) << k["max_ms"].get<double>() << '\n';
}

}  // namespace figurant::bench
