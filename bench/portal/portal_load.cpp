// portal_load: the portal under load on loopback (issue 15, "Must show": time to first byte p50/p99
// with 100 concurrent users browsing). Builds the API load test's bank (bench/api/load_bank.h),
// starts `figurant serve` on a free port, logs in --clients users (one in ten the studio's, the
// others performers', several sessions each) and for --seconds each user, on its own thread and
// keep-alive connection, opens one of its pages (portal_pages.h) after another, pausing --think-ms
// on average between them. Time to first byte is from sending the request to the reply's status
// line and headers having arrived; the response time is to its last byte.
//
// Exit code 0 when every page answered its status (200; the home page's redirect 303); 1 otherwise;
// 2 when the bank or server could not be set up. How to run it: bench/portal/README.md.
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <thread>

#include "load_common.h"
#include "portal_pages.h"

namespace figurant::bench {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using Millis = std::chrono::duration<double, std::milli>;

// Error messages kept per client, and of a reply's body in each.
constexpr size_t kErrorSamples = 5;
constexpr size_t kBodySample = 200;
// How long a client waits for a reply before counting an error. [Units: s]
constexpr int kReplyTimeoutS = 30;

struct PortalOptions {
  int clients = 100;
  int seconds = 30;
  int think_ms = 1000;
  int performers = 8;
  std::vector<std::string> serve_args;
  std::string json_out;
};

// A browsing user: their session and the pages they open.
struct Browser {
  testing::ApiSession session;
  std::vector<Page> pages;
  uint32_t seed = 0;
};

// What one user saw, by page name. [Units: ms]
struct BrowseReport {
  std::map<std::string, std::vector<double>> ttfb_ms, response_ms;
  std::map<std::string, int64_t> errors;
  std::vector<std::string> error_samples;  // "PATH -> STATUS BODY"
};

Status LogInBrowsers(const PortalOptions& o, const ServedLoadBank& s, std::vector<Browser>& out) {
  const int studio_clients = o.clients / kClientsPerStudioClient;
  const LoadBank& b = s.bank;
  for (int i = 0; i < o.clients; ++i) {
    Browser browser;
    browser.seed = static_cast<uint32_t>(i + 1);
    if (i < studio_clients) {
      FIGURANT_ASSIGN_OR_RETURN(browser.session, LogIn(*s.server, b.studio_user));
      browser.pages = PagesFor(registry::UserRole::kStudio,
                               {{"studio", b.studio}, {"production", b.render_production}});
    } else {
      const LoadPerformer& p = b.performers[i % b.performers.size()];
      FIGURANT_ASSIGN_OR_RETURN(browser.session, LogIn(*s.server, p.device));
      browser.pages = PagesFor(registry::UserRole::kPerformer, {{"performer", p.id}});
    }
    if (browser.pages.empty())
      return Internal("no pages to browse for client " + std::to_string(i));
    out.push_back(std::move(browser));
  }
  return Status::Ok();
}

// One GET of `page`, timed; an error counted and sampled unless it answers 200.
void Open(httplib::Client& http, const Page& page, const httplib::Headers& headers,
          BrowseReport& report) {
  const auto start = SteadyClock::now();
  auto first_byte = start;
  int status = 0;
  std::string body_sample;
  httplib::Result r = http.Get(
      page.path, headers,
      [&](const httplib::Response& res) {
        first_byte = SteadyClock::now();
        status = res.status;
        return true;
      },
      [&](const char* data, size_t size) {
        if (body_sample.size() < kBodySample) body_sample.append(data, std::min(size, kBodySample));
        return true;
      });
  const auto end = SteadyClock::now();
  if (r && status == page.status) {
    report.ttfb_ms[page.name].push_back(Millis(first_byte - start).count());
    report.response_ms[page.name].push_back(Millis(end - start).count());
    return;
  }
  ++report.errors[page.name];
  if (report.error_samples.size() < kErrorSamples) {
    report.error_samples.push_back(page.path + " -> " + std::to_string(status) + " " +
                                   (r ? body_sample : httplib::to_string(r.error())));
  }
}

BrowseReport Browse(const Browser& b, int port, int think_ms, SteadyClock::time_point deadline) {
  BrowseReport report;
  httplib::Client http("127.0.0.1", port);
  http.set_keep_alive(true);
  http.set_read_timeout(std::chrono::seconds(kReplyTimeoutS));
  const httplib::Headers headers = {{"Cookie", b.session.cookie}};
  std::mt19937 rng(b.seed);
  std::uniform_int_distribution<size_t> pick(0, b.pages.size() - 1);
  while (SteadyClock::now() < deadline) {
    Open(http, b.pages[pick(rng)], headers, report);
    Think(think_ms, deadline, rng);
  }
  return report;
}

// Every page's and all pages' time to first byte and response time, the errors and their samples.
json Summarise(const PortalOptions& o, const std::vector<BrowseReport>& reports, double seconds) {
  std::map<std::string, std::vector<double>> ttfb, response;
  std::map<std::string, int64_t> errors;
  std::vector<double> all_ttfb, all_response;
  std::vector<std::string> samples;
  int64_t error_total = 0;
  for (const BrowseReport& r : reports) {
    for (const auto& [page, v] : r.ttfb_ms) {
      ttfb[page].insert(ttfb[page].end(), v.begin(), v.end());
      all_ttfb.insert(all_ttfb.end(), v.begin(), v.end());
    }
    for (const auto& [page, v] : r.response_ms) {
      all_response.insert(all_response.end(), v.begin(), v.end());
    }
    for (const auto& [page, n] : r.errors) {
      errors[page] += n;
      error_total += n;
    }
    samples.insert(samples.end(), r.error_samples.begin(), r.error_samples.end());
  }
  json pages = json::object();
  for (auto& [page, v] : ttfb) pages[page] = LatencyJson(v, errors[page]);
  const auto requests = static_cast<int64_t>(all_ttfb.size()) + error_total;
  return {{"clients", o.clients},
          {"think_ms", o.think_ms},
          {"seconds", seconds},
          {"requests", requests},
          {"requests_per_second", seconds > 0 ? static_cast<double>(requests) / seconds : 0},
          {"errors", error_total},
          {"error_samples", samples},
          {"ttfb", LatencyJson(all_ttfb, error_total)},
          {"response", LatencyJson(all_response, error_total)},
          {"pages_ttfb", pages}};
}

void PrintTable(const json& s) {
  std::cout << std::fixed << std::setprecision(2) << "portal_load: " << s["clients"]
            << " users browsing, think time " << s["think_ms"] << " ms, "
            << s["seconds"].get<double>() << " s, " << s["requests"] << " pages ("
            << s["requests_per_second"].get<double>() << "/s)\n\n";
  constexpr int kNameWidth = 56;
  PrintLatencyHeader("page (time to first byte)", kNameWidth);
  auto row = [](const std::string& name, const json& k) { PrintLatencyRow(name, k, kNameWidth); };
  for (const auto& [page, k] : s["pages_ttfb"].items()) row(page, k);
  row("ALL PAGES, time to first byte", s["ttfb"]);
  row("ALL PAGES, whole response", s["response"]);
  std::cout << "\nerrors: " << s["errors"] << '\n';
  for (const auto& e : s["error_samples"]) std::cout << "  " << e.get<std::string>() << '\n';
}

int Main(int argc, char** argv) {
  PortalOptions o;
  CLI::App app{"The portal under load on loopback: users browsing (bench/portal/README.md)"};
  app.add_option("--clients", o.clients, "Concurrent users (default 100)")
      ->check(CLI::Range(1, 2000));
  app.add_option("--seconds", o.seconds, "How long they browse (default 30)")
      ->check(CLI::Range(1, 3600));
  app.add_option("--think-ms", o.think_ms,
                 "Mean pause between a user's pages, exponential (default 1000 ms)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--performers", o.performers, "Performers the users log in as (default 8)")
      ->check(CLI::Range(1, 100));
  app.add_option("--serve-arg", o.serve_args, "An argument added to `figurant serve`");
  app.add_option("--json-out", o.json_out, "Write the summary JSON to this file");
  CLI11_PARSE(app, argc, argv);
  ServedLoadBank s;
  std::vector<Browser> browsers;
  Status setup = ServeLoadBank("portal-load", o.performers, o.serve_args, s);
  if (setup.ok()) setup = LogInBrowsers(o, s, browsers);
  if (!setup.ok()) {
    std::cerr << "portal_load: setup failed: " << setup.ToString() << '\n';
    return 2;
  }
  std::vector<BrowseReport> reports(browsers.size());
  const auto start = SteadyClock::now();
  const auto deadline = start + std::chrono::seconds(o.seconds);
  std::vector<std::thread> threads;
  threads.reserve(browsers.size());
  for (size_t i = 0; i < browsers.size(); ++i) {
    threads.emplace_back(
        [&, i] { reports[i] = Browse(browsers[i], s.server->port(), o.think_ms, deadline); });
  }
  for (std::thread& t : threads) t.join();
  const json summary = Summarise(o, reports, Millis(SteadyClock::now() - start).count() / 1000);
  PrintTable(summary);
  if (!o.json_out.empty()) std::ofstream(o.json_out) << summary.dump(2) << '\n';
  return summary["errors"] == 0 ? 0 : 1;
}

}  // namespace
}  // namespace figurant::bench

int main(int argc, char** argv) { return figurant::bench::Main(argc, argv); }
