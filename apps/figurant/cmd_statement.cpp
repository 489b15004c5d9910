// Statements a performer or a union signs with its own key (docs/licence.md, "Suspensions and
// strikes"): the bank writes the request, the signer's device signs it (figurant key
// sign-statement, never on the bank's machine), and the bank records the signed file.
//   licence suspend|resume L [--from DATE] --out REQ.json
//   union strike|end-strike U --studio S [--from DATE] --out REQ.json
//   performer join-union|leave-union P --union U --out REQ.json
//   performer replacement-request --code CODE --public-key(-file) NEW --out REQ.json
//   performer replace-key --code CODE --public-key(-file) NEW --confirmed-by REP --confirmation SIG
//   record SIG.json
#include <filesystem>
#include <memory>

#include "cli.h"
#include "consent/statement.h"
#include "core/file.h"

namespace figurant::cli {
namespace {

namespace fs = std::filesystem;

constexpr FileLimit kStatementFile{"statement signature file", 64u << 10};
constexpr unsigned kRequestFileMode = 0644;

struct RequestArgs {
  std::string subject, other, from, out;
};

// Writes the request for the signer's device and says what to do with it: `then`, once signed.
Status WriteRequest(Context& ctx, const consent::StatementRequest& request, const std::string& out,
                    const std::string& then = "figurant record SIG.json") {
  FIGURANT_RETURN_IF_ERROR(
      CreateFileExclusive(out, consent::StatementRequestJson(request), kRequestFileMode)
          .WithContext("--out"));
  const std::string kind(consent::StatementKindName(request.kind));
  nlohmann::json fields = nlohmann::json::object();
  for (const consent::StatementField& f : request.fields) fields[f.name] = f.value;
  ctx.Emit({{"request_file", out}, {"kind", kind}, {"fields", fields}},
           "wrote " + out + " (" + kind +
               "): the signer signs it on their own device (figurant key sign-statement " + out +
               " --key THEIR_KEY --out SIG.json), then: " + then);
  return Status::Ok();
}

Result<std::optional<Date>> FromOption(const std::string& from) {
  if (from.empty()) return std::optional<Date>();
  auto d = Date::Parse(from);
  if (!d.ok()) return InvalidArgument("--from: expected a date YYYY-MM-DD, got '" + from + "'");
  return std::optional<Date>(*d);
}

// One request command: `make` builds the request from the bank and the parsed arguments.
using MakeRequest = Result<consent::StatementRequest> (*)(bank::Bank&, const RequestArgs&,
                                                          std::optional<Date>);

// One request command as the user sees it.
struct RequestCommand {
  std::string name, help, subject_help;
  std::string other_flag;  // "--studio", "--union", or empty
  bool with_from = false;  // takes --from DATE
  MakeRequest make = nullptr;
};

void RegisterRequest(CLI::App& parent, Context& ctx, const RequestCommand& c) {
  auto a = std::make_shared<RequestArgs>();
  CLI::App* cmd = parent.add_subcommand(c.name, c.help);
  cmd->add_option("subject", a->subject, c.subject_help)->required();
  if (!c.other_flag.empty()) {
    cmd->add_option(c.other_flag, a->other, c.other_flag.substr(2) + " id")->required();
  }
  if (c.with_from) {
    cmd->add_option("--from", a->from, "First day it applies, YYYY-MM-DD (default today)");
  }
  cmd->add_option("--out", a->out, "Request file to create for the signer's device")->required();
  cmd->callback([&ctx, a, make = c.make] {
    auto from = FromOption(a->from);
    if (!ctx.Check(from.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto request = make(**bank, *a, *from);
    if (!ctx.Check(request.status())) return;
    ctx.Check(WriteRequest(ctx, *request, a->out));
  });
}

Result<consent::SignedStatement> ReadSignature(const std::string& file) {
  FIGURANT_ASSIGN_OR_RETURN(const std::string text, ReadUserFile(file, kStatementFile));
  return consent::ParseStatementSignature(text, file);
}

struct ReplacementArgs {
  std::string code, public_key, public_key_file, representative, confirmation, out;
};

// The new key and code, shared by replacement-request and replace-key.
void AddReplacementOptions(CLI::App& cmd, ReplacementArgs& a) {
  cmd.add_option("--code", a.code, "A new enrolment code issued to the signer (performer invite)")
      ->required();
  auto* key = cmd.add_option("--public-key", a.public_key, "The new public key, 64 hex");
  auto* file = cmd.add_option("--public-key-file", a.public_key_file, "The new KEY.pub");
  key->excludes(file);
}

void RegisterReplacementRequest(CLI::App& performer, Context& ctx) {
  auto a = std::make_shared<ReplacementArgs>();
  CLI::App* cmd = performer.add_subcommand(
      "replacement-request",
      "Ask the signer's union or counsel to confirm that a lost key is replaced (docs/keys.md, "
      "Lost keys): the statement names the old and new keys and the code's hash, never the code");
  AddReplacementOptions(*cmd, *a);
  cmd->add_option("--out", a->out, "Request file to create for the representative's device")
      ->required();
  cmd->callback([&ctx, a] {
    auto public_key = PublicKeyOption(a->public_key, a->public_key_file);
    if (!ctx.Check(public_key.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto request = (*bank)->ReplacementRequest(a->code, *public_key);
    if (!ctx.Check(WithFlag(request.status(), "--code"))) return;
    ctx.Check(WriteRequest(ctx, *request, a->out,
                           "figurant performer replace-key --code CODE --public-key-file NEW.pub "
                           "--confirmed-by REP_ID --confirmation SIG.json"));
  });
}

void RegisterReplaceKey(CLI::App& performer, Context& ctx) {
  auto a = std::make_shared<ReplacementArgs>();
  CLI::App* cmd = performer.add_subcommand(
      "replace-key",
      "Replace a lost key: a new enrolment code and the replacement statement signed by the "
      "signer's union or counsel (docs/keys.md, Lost keys)");
  AddReplacementOptions(*cmd, *a);
  cmd->add_option("--confirmed-by", a->representative, "The representative's id (rep_...)")
      ->required();
  cmd->add_option("--confirmation", a->confirmation,
                  "The representative's signature file (figurant key sign-statement over the "
                  "replacement-request)")
      ->required();
  cmd->callback([&ctx, a] {
    auto public_key = PublicKeyOption(a->public_key, a->public_key_file);
    if (!ctx.Check(public_key.status())) return;
    auto confirmation = ReadSignature(a->confirmation);
    if (!ctx.Check(confirmation.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto k = (*bank)->ReplaceKey(a->code, *public_key, a->representative, *confirmation);
    if (!ctx.Check(k.status())) return;  // its messages name the code or the confirmation
    ctx.Emit({{"signer", registry::SignerKindName(k->signer)},
              {"signer_id", k->signer_id},
              {"public_key", ToHex(k->public_key)},
              {"confirmed_by", k->confirmed_by},
              {"valid_from", FormatTimestamp(k->valid_from)}},
             "replaced the key of " + std::string(registry::SignerKindName(k->signer)) + " " +
                 k->signer_id + ": " + ToHex(k->public_key) + " valid from " +
                 FormatTimestamp(k->valid_from) + " (confirmed by " + k->confirmed_by +
                 "); consents signed with the old key stay valid");
  });
}

void RegisterRecord(CLI::App& app, Context& ctx) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "record",
      "Record a statement signed with the signer's own key (a suspension, a strike, a union "
      "membership) in the ledger");
  cmd->add_option("signature", *file, "The signature file from figurant key sign-statement")
      ->required();
  cmd->callback([&ctx, file] {
    auto signed_statement = ReadSignature(*file);
    if (!ctx.Check(signed_statement.status())) return;
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    if (!ctx.Check((*bank)->RecordStatement(*signed_statement).WithContext(*file))) return;
    const std::string kind(consent::StatementKindName(signed_statement->kind));
    ctx.Emit({{"recorded", kind}}, "recorded " + kind + " from " + *file);
  });
}

Result<consent::StatementRequest> Suspend(bank::Bank& b, const RequestArgs& a,
                                          std::optional<Date> from) {
  return b.SuspensionRequest(a.subject, true, from);
}
Result<consent::StatementRequest> Resume(bank::Bank& b, const RequestArgs& a,
                                         std::optional<Date> from) {
  return b.SuspensionRequest(a.subject, false, from);
}
Result<consent::StatementRequest> Strike(bank::Bank& b, const RequestArgs& a,
                                         std::optional<Date> from) {
  return b.StrikeRequest(a.subject, a.other, true, from);
}
Result<consent::StatementRequest> EndStrike(bank::Bank& b, const RequestArgs& a,
                                            std::optional<Date> from) {
  return b.StrikeRequest(a.subject, a.other, false, from);
}
Result<consent::StatementRequest> Join(bank::Bank& b, const RequestArgs& a, std::optional<Date>) {
  return b.MembershipRequest(a.subject, a.other, true);
}
Result<consent::StatementRequest> Leave(bank::Bank& b, const RequestArgs& a, std::optional<Date>) {
  return b.MembershipRequest(a.subject, a.other, false);
}

}  // namespace

void RegisterStatementCommands(CLI::App& app, Context& ctx) {
  CLI::App& licence = *app.get_subcommand("licence");
  RegisterRequest(licence, ctx,
                  {"suspend",
                   "Ask the performer to suspend a licence: no render may use it until "
                   "they resume it",
                   "Licence id", "", true, Suspend});
  RegisterRequest(licence, ctx,
                  {"resume", "Ask the performer to resume a suspended licence", "Licence id", "",
                   true, Resume});
  CLI::App& performer = *app.get_subcommand("performer");
  RegisterRequest(performer, ctx,
                  {"join-union",
                   "Ask a performer to state they belong to a union: its strikes "
                   "apply to their doubles and it sees their totals",
                   "Performer id", "--union", false, Join});
  RegisterRequest(performer, ctx,
                  {"leave-union", "Ask a performer to state they no longer belong to a union",
                   "Performer id", "--union", false, Leave});
  RegisterReplacementRequest(performer, ctx);
  RegisterReplaceKey(performer, ctx);
  CLI::App& unions = *app.add_subcommand("union", "Unions: strikes against studios");
  unions.require_subcommand(1);
  RegisterRequest(unions, ctx,
                  {"strike",
                   "Ask a union to declare a strike against a studio: its members' "
                   "doubles are refused for that studio",
                   "Union id (rep_...)", "--studio", true, Strike});
  RegisterRequest(unions, ctx,
                  {"end-strike", "Ask a union to end its strike against a studio",
                   "Union id (rep_...)", "--studio", true, EndStrike});
  RegisterRecord(app, ctx);
}

}  // namespace figurant::cli
