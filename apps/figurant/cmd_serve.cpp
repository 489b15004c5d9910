// serve · user add|list: the HTTP API (docs/api.md) and the users who may log in to it.
#include <signal.h>

#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "api/principal.h"
#include "api/server.h"
#include "api/sign_in.h"
#include "cli.h"
#include "portal/site.h"
#include "registry/users.h"

namespace figurant::cli {
namespace {

using nlohmann::json;

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key, origin;
  int login_burst = 10, login_per_minute = 10;
  int threads = api::kDefaultServeThreads;
};

// "HOST:PORT" or "[V6]:PORT" → options. InvalidArgument naming --listen otherwise.
Status ParseListen(const std::string& text, api::ServeOptions& o) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return InvalidArgument("--listen " + text + ": expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  constexpr int kMaxPort = 65535;
  if (host.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > kMaxPort) {
    return InvalidArgument("--listen " + text + ": expected HOST:PORT with a port in 0..65535");
  }
  o.host = host;
  o.port = std::stoi(port);
  return Status::Ok();
}

// SIGINT and SIGTERM stop the server cleanly: they are blocked in every thread and a waiter
// thread turns them into Server::Stop (a signal handler may not call it).
std::thread StopOnSignal(api::Server& server) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return std::thread([&server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    server.Stop();
  });
}

Status Serve(Context& ctx, const ServeArgs& a) {
  api::ServeOptions o;
  FIGURANT_RETURN_IF_ERROR(ParseListen(a.listen, o));
  o.tls_cert = a.tls_cert;
  o.tls_key = a.tls_key;
  o.origin = a.origin;
  o.login_limit = {a.login_burst, a.login_per_minute};
  o.threads = a.threads;
  o.site = &portal::Site();
  FIGURANT_ASSIGN_OR_RETURN(auto bank, ctx.OpenBank());
  FIGURANT_ASSIGN_OR_RETURN(auto server, api::Server::Start(std::move(bank), o));
  std::thread waiter = StopOnSignal(*server);
  // One line on stdout once listening: scripts and tests read the port from it.
  std::cout
      << json{{"listening", o.host}, {"port", server->port()}, {"origin", server->origin()}}.dump()
      << std::endl;
  Status run = server->Run();
  if (waiter.joinable()) {
    // Run can end without a signal (the listener failed): wake the waiter so it can end.
    kill(getpid(), SIGTERM);
    waiter.join();
  }
  return run;
}

void RegisterServe(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the bank's HTTP API (docs/api.md)");
  cmd->add_option("--listen", a->listen,
                  "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 picks a free one). "
                  "A non-loopback HOST needs --tls-cert and --tls-key");
  cmd->add_option("--tls-cert", a->tls_cert, "TLS certificate chain (PEM)");
  cmd->add_option("--tls-key", a->tls_key, "TLS private key (PEM)");
  cmd->add_option("--origin", a->origin,
                  "The origin clients use, bound into log-in signatures (default: from --listen)");
  cmd->add_option("--login-burst", a->login_burst,
                  "Log-in attempts allowed at once per client address and per user (default 10)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--login-per-minute", a->login_per_minute,
                  "Log-in attempts regained per minute (default 10)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--threads", a->threads,
                  "Worker threads: clients served at once, each kept-alive connection holding one "
                  "(default " +
                      std::to_string(api::kDefaultServeThreads) + ")")
      ->check(CLI::Range(1, api::kMaxServeThreads));
  cmd->callback([&ctx, a] { ctx.Check(Serve(ctx, *a)); });
}

struct UserArgs {
  std::string role, performer, studio, union_id, key_hex, key_file;
};

Result<registry::User> AddUser(Context& ctx, const UserArgs& a) {
  api::NewUser in;
  const auto role = registry::ParseUserRole(a.role);
  if (!role) return InvalidArgument("--role: expected one of " + registry::UserRoleNames());
  in.role = *role;
  const int subjects = !a.performer.empty() + !a.studio.empty() + !a.union_id.empty();
  if (subjects > 1) return InvalidArgument("give at most one of --performer, --studio, --union");
  in.subject_id = a.performer + a.studio + a.union_id;
  FIGURANT_ASSIGN_OR_RETURN(in.public_key, PublicKeyOption(a.key_hex, a.key_file));
  FIGURANT_ASSIGN_OR_RETURN(auto bank, ctx.OpenBank());
  return api::AddUser(bank->registry(), *ctx.clock, in);
}

using api::UserJson;

// user sign-in-code USER [--hours N]: a one-time code the user types on the portal's log-in page.
void RegisterSignInCode(CLI::App& user, Context& ctx) {
  struct Args {
    std::string user;
    int hours = api::kDefaultSignInCodeSeconds / 3600;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = user.add_subcommand(
      "sign-in-code", "A one-time code that signs USER in to the portal once (shown once)");
  cmd->add_option("USER", a->user, "The user (usr_...)")->required();
  cmd->add_option("--hours", a->hours, "How long the code is valid (default 24, at most 720)")
      ->check(CLI::Range(1, static_cast<int>(api::kMaxSignInCodeSeconds / 3600)));
  cmd->callback([&ctx, a] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto issued =
        api::IssueSignInCode((*bank)->registry(), *ctx.clock, a->user, int64_t{a->hours} * 3600);
    if (!ctx.Check(issued.status())) return;
    ctx.Emit({{"user", a->user},
              {"code", issued->code},
              {"expires_at", FormatTimestamp(issued->expires_at)}},
             issued->code + "  (signs " + a->user + " in once, until " +
                 FormatTimestamp(issued->expires_at) + ")");
  });
}

void RegisterUser(CLI::App& app, Context& ctx) {
  CLI::App* user = app.add_subcommand("user", "Who may log in to the HTTP API, with which key");
  user->require_subcommand(1);
  auto a = std::make_shared<UserArgs>();
  CLI::App* add = user->add_subcommand("add", "Add a user who logs in by signing with their key");
  add->add_option("--role", a->role, "performer, studio, union or operator")->required();
  add->add_option("--performer", a->performer, "The performer a performer user is");
  add->add_option("--studio", a->studio, "The studio a studio user works for");
  add->add_option("--union", a->union_id,
                  "The union (rep_..., a representative of kind union) a union auditor works for");
  auto* hex = add->add_option("--public-key", a->key_hex, "Their Ed25519 public key, 64 hex");
  auto* file = add->add_option("--public-key-file", a->key_file, "Their FILE.pub (key new)");
  hex->excludes(file);
  add->callback([&ctx, a] {
    auto u = AddUser(ctx, *a);
    if (!ctx.Check(u.status())) return;
    ctx.Emit(UserJson(*u), u->id);
  });
  RegisterSignInCode(*user, ctx);
  CLI::App* list = user->add_subcommand("list", "List users");
  list->callback([&ctx] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto all = registry::ListUsers((*bank)->registry());
    if (!ctx.Check(all.status())) return;
    json items = json::array();
    std::ostringstream text;
    for (const auto& u : *all) {
      items.push_back(UserJson(u));
      text << u.id << "  " << registry::UserRoleName(u.role) << "  " << u.subject_id << "\n";
    }
    ctx.Emit({{"users", items}}, all->empty() ? "no users" : text.str());
  });
}

}  // namespace

void RegisterServeCommands(CLI::App& app, Context& ctx) {
  RegisterServe(app, ctx);
  RegisterUser(app, ctx);
}

}  // namespace figurant::cli
