// ledger head|export|verify|prove|witness · statement · witness new-key
#include <array>
#include <memory>
#include <optional>
#include <set>

#include "cli.h"
#include "core/file.h"
#include "ledger/consent_audit.h"
#include "ledger/payloads.h"
#include "ledger/statement.h"
#include "ledger/witness.h"

namespace figurant::cli {
namespace {

using nlohmann::json;

using PublicKey = std::array<uint8_t, kEd25519PublicKeyBytes>;

std::string HeadText(const ledger::SignedHead& h) {
  return std::to_string(h.tree_size) + " entries, root " + ToHex(h.root) + ", signed by " +
         ToHex(h.public_key) + " at " + FormatTimestamp(h.time);
}

json HashesJson(const std::vector<ledger::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

// The bank's ledger, opened. The bank owns the ledger, so the two travel together.
struct OpenedLedger {
  std::unique_ptr<bank::Bank> bank;
  ledger::Ledger* ledger = nullptr;
};

Result<OpenedLedger> OpenLedger(const Context& ctx) {
  FIGURANT_ASSIGN_OR_RETURN(auto bank, ctx.OpenBank());
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, bank->Ledger());
  return OpenedLedger{std::move(bank), l};
}

void RegisterHead(CLI::App& ledger, Context& ctx) {
  CLI::App* head = ledger.add_subcommand("head", "Print the newest signed tree head");
  head->callback([&ctx] {
    auto l = OpenLedger(ctx);
    if (!ctx.Check(l.status())) return;
    ctx.Emit({{"head", l->ledger->head().ToJson()}}, HeadText(l->ledger->head()));
  });
}

void RegisterExport(CLI::App& ledger, Context& ctx) {
  auto file = std::make_shared<std::string>();
  CLI::App* exp =
      ledger.add_subcommand("export", "Copy the ledger (up to its newest head) to FILE");
  exp->add_option("file", *file, "Destination")->required();
  exp->callback([&ctx, file] {
    auto l = OpenLedger(ctx);
    if (!ctx.Check(l.status())) return;
    auto bytes = ReadFile(l->ledger->file());
    if (!ctx.Check(bytes.status())) return;
    if (!ctx.Check(WriteFileAtomic(*file, *bytes))) return;
    ctx.Emit({{"file", *file}, {"head", l->ledger->head().ToJson()}},
             "exported " + std::to_string(l->ledger->size()) + " entries to " + *file +
                 "\nhead: " + HeadText(l->ledger->head()));
  });
}

struct VerifyArgs {
  std::string file, public_key, since;
  std::string witness_log, witness_key;  // --witness FILE, --witness-key HEX
};

// What `ledger verify` checks: a log's bytes, where they came from, and the key its heads must
// carry. The file and the key default to the bank's.
struct VerifyInput {
  std::string path;
  std::string bytes;
  PublicKey key{};
};

Result<VerifyInput> ResolveVerifyInput(const Context& ctx, const VerifyArgs& args) {
  VerifyInput in;
  in.path = args.file;
  std::optional<PublicKey> key;
  if (!args.public_key.empty()) {
    auto raw = FromHex(args.public_key);
    if (!raw.ok() || raw->size() != in.key.size()) {
      return InvalidArgument("--public-key: expected 64 hex digits");
    }
    key.emplace();
    std::copy(raw->begin(), raw->end(), key->begin());
  }
  if (in.path.empty() || !key) {
    FIGURANT_ASSIGN_OR_RETURN(auto bank, ctx.OpenBank());
    if (!key) {
      FIGURANT_ASSIGN_OR_RETURN(key, bank->PublicKey());
    }
    if (in.path.empty()) {
      FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, bank->Ledger());
      in.path = l->file().string();
    }
  }
  in.key = *key;
  FIGURANT_ASSIGN_OR_RETURN(in.bytes, ReadUserFile(in.path, ledger::kLedgerFile));
  return in;
}

// A log that verified, and the leaf hash of each of its entries.
struct VerifiedLog {
  ledger::VerifyReport report;
  std::vector<ledger::Hash> leaves;
};

Result<VerifiedLog> VerifyInputLog(const VerifyInput& in) {
  VerifiedLog log;
  auto report = ledger::VerifyLog(in.bytes, in.key, &log.leaves);
  if (!report.ok()) return DataLoss(in.path + ": " + report.status().message());
  log.report = *report;
  return log;
}

// The proof that a log extends a head kept earlier.
struct Consistency {
  uint64_t old_size = 0;
  std::vector<ledger::Hash> proof;
};

Result<Consistency> ProveExtends(const std::string& head_file, const VerifiedLog& log,
                                 const PublicKey& key) {
  auto text = ReadUserFile(head_file, ledger::kHeadFile);
  FIGURANT_RETURN_IF_ERROR(text.status().WithContext("--since-head"));
  auto old = ledger::SignedHead::FromJson(json::parse(*text, nullptr, false));
  FIGURANT_RETURN_IF_ERROR(old.status().WithContext("--since-head " + head_file));
  if (!old->SignatureValid() || old->public_key != key) {
    return DataLoss("--since-head " + head_file + ": the head's signature does not verify");
  }
  if (old->tree_size > log.leaves.size()) {
    return DataLoss("the export has " + std::to_string(log.leaves.size()) +
                    " entries, fewer than the " + std::to_string(old->tree_size) +
                    " of the kept head: entries were removed");
  }
  Consistency c{old->tree_size, ledger::ConsistencyProof(log.leaves, old->tree_size)};
  const ledger::SignedHead& now = log.report.last_head;
  if (!ledger::VerifyConsistency(c.old_size, now.tree_size, old->root, now.root, c.proof)) {
    return DataLoss("the log does not extend the kept head of " + std::to_string(c.old_size) +
                    " entries: it was rewritten");
  }
  return c;
}

// A witness log read from `file`, pinned to the witness key given in hex. The key is required: a
// log someone forged whole (with the bank's key for the heads) names a witness key of its own.
Result<ledger::WitnessLog> ReadWitnessLogFile(const std::string& file, const std::string& key_hex) {
  if (key_hex.empty()) {
    return InvalidArgument(
        "needs --witness-key HEX: the witness's public key, as the witness gives it "
        "(a witness log forged whole would name a key of its own)");
  }
  auto raw = FromHex(key_hex);
  if (!raw.ok() || raw->size() != kEd25519PublicKeyBytes) {
    return InvalidArgument("--witness-key: expected 64 hex digits");
  }
  ledger::WitnessPublicKey key{};
  std::copy(raw->begin(), raw->end(), key.begin());
  FIGURANT_ASSIGN_OR_RETURN(const std::string text, ReadUserFile(file, ledger::kWitnessLogFile));
  return ledger::ParseWitnessLog(text, file, key);
}

// The proof that a verified log extends every head a witness kept, as verify reports it.
Result<json> ProveExtendsWitnessed(const VerifyArgs& args, const VerifiedLog& log) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::WitnessLog w,
                            ReadWitnessLogFile(args.witness_log, args.witness_key));
  if (w.heads.empty()) {
    return InvalidArgument("--witness " + args.witness_log + ": no head has been witnessed yet");
  }
  FIGURANT_ASSIGN_OR_RETURN(
      ledger::WitnessCheck c,
      ledger::CheckExtendsWitnessed(w, log.leaves, log.report.last_head, args.witness_log));
  return json{{"log", args.witness_log},
              {"heads", c.heads},
              {"witness_key", ToHex(c.newest.witness_key)},
              {"newest",
               {{"line", c.newest.line},
                {"tree_size", c.newest.bank_head.tree_size},
                {"root", ToHex(c.newest.bank_head.root)},
                {"witnessed_at", c.newest.witnessed_at}}},
              {"consistency",
               {{"old_size", c.newest.bank_head.tree_size}, {"proof", HashesJson(c.proof)}}}};
}

std::string WitnessText(const json& w) {
  return "\nextends all " + std::to_string(w["heads"].get<uint64_t>()) + " heads witnessed in " +
         w["log"].get<std::string>() + " by " + w["witness_key"].get<std::string>() +
         " (newest: " + std::to_string(w["newest"]["tree_size"].get<uint64_t>()) +
         " entries, witnessed " + FormatTimestamp(w["newest"]["witnessed_at"].get<int64_t>()) +
         "; consistency proof of " + std::to_string(w["consistency"]["proof"].size()) + " hashes)";
}

// The ledger a command reads, as ResolveVerifyInput resolves it: an export and the bank's public
// key, or the bank's own.
void AddLedgerInputOptions(CLI::App& cmd, std::string& file, std::string& public_key) {
  cmd.add_option("file", file, "Ledger export (default: the bank's ledger)");
  cmd.add_option("--public-key", public_key,
                 "Bank public key, hex (default: the bank's, when a bank is at hand)");
}

// Every consent of the log re-verified from the log alone (ledger/consent_audit.h).
Result<std::pair<json, std::string>> ConsentsOf(const VerifyInput& in) {
  auto audit = ledger::AuditConsents(in.bytes, in.key);
  if (!audit.ok()) return DataLoss(in.path + ": " + audit.status().message());
  const ledger::ConsentAuditReport& r = *audit;
  json j = api::ConsentAuditJson(r);
  std::string text = "\nconsents: " + std::to_string(r.consents) + " signed, " +
                     std::to_string(r.verified) +
                     " re-verified under the key the signer had enrolled then (" +
                     std::to_string(r.passkey_verified) + " of them passkey assertions), " +
                     std::to_string(r.custodial) + " " + std::string(ledger::kCustodialSignature);
  if (r.custodial > 0) {
    text += " (signed with a key the bank held; not proof against the bank:";
    for (const std::string& id : r.custodial_licences) text += " " + id;
    text += ")";
  }
  text += "\nkeys: " + std::to_string(r.keys_enrolled) + " enrolled, " +
          std::to_string(r.keys_revoked) + " revoked, " + std::to_string(r.keys_replaced) +
          " replaced (each confirmation re-verified under the representative's key)\nstatements: " +
          std::to_string(r.statements) +
          " (suspensions, strikes, union memberships) re-verified under their signers' keys";
  return std::make_pair(std::move(j), std::move(text));
}

void RegisterVerify(CLI::App& ledger, Context& ctx) {
  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = ledger.add_subcommand(
      "verify", "Verify a ledger export (or the bank's ledger) with only the bank's public key");
  AddLedgerInputOptions(*verify, v->file, v->public_key);
  verify->add_option("--since-head", v->since,
                     "A signed head JSON kept earlier: prove the log extends it");
  verify->add_option("--witness", v->witness_log,
                     "A witness log: prove the log extends every head the witness countersigned");
  verify->add_option(
      "--witness-key", v->witness_key,
      "The witness's public key, hex, as the witness gives it (needed with --witness)");
  verify->callback([&ctx, v] {
    auto in = ResolveVerifyInput(ctx, *v);
    if (!ctx.Check(in.status())) return;
    auto log = VerifyInputLog(*in);
    if (!ctx.Check(log.status())) return;
    const ledger::VerifyReport& r = log->report;
    json j = {{"valid", true},
              {"entries", r.entries},
              {"heads", r.heads},
              {"head", r.last_head.ToJson()}};
    std::string text = in->path + ": valid, " + std::to_string(r.entries) + " entries, " +
                       std::to_string(r.heads) + " signed heads\nhead: " + HeadText(r.last_head);
    auto consents = ConsentsOf(*in);
    if (!ctx.Check(consents.status())) return;
    j["consents"] = consents->first;
    text += consents->second;
    if (!v->since.empty()) {
      auto c = ProveExtends(v->since, *log, in->key);
      if (!ctx.Check(c.status())) return;
      j["consistency"] = {{"old_size", c->old_size}, {"proof", HashesJson(c->proof)}};
      text += "\nextends the kept head of " + std::to_string(c->old_size) +
              " entries (consistency proof of " + std::to_string(c->proof.size()) + " hashes)";
    }
    if (!v->witness_log.empty()) {
      auto w = ProveExtendsWitnessed(*v, *log);
      if (!ctx.Check(WithFlag(w.status(), "--witness"))) return;
      j["witness"] = *w;
      text += WitnessText(*w);
    }
    ctx.Emit(j, text);
  });
}

void RegisterProve(CLI::App& ledger, Context& ctx) {
  auto event = std::make_shared<uint64_t>(0);
  CLI::App* prove =
      ledger.add_subcommand("prove", "Inclusion proof of one entry in the newest head");
  prove->add_option("--event", *event, "Entry number")->required();
  prove->callback([&ctx, event] {
    auto l = OpenLedger(ctx);
    if (!ctx.Check(l.status())) return;
    auto e = l->ledger->Get(*event);
    if (!ctx.Check(e.status())) return;
    auto payload = ledger::PayloadObject(*e);
    if (!ctx.Check(payload.status())) return;
    const auto& leaves = l->ledger->leaves();
    const ledger::SignedHead& head = l->ledger->head();
    const auto proof = ledger::InclusionProof(leaves, *event);
    const bool ok = ledger::VerifyInclusion(e->leaf, *event, leaves.size(), proof, head.root);
    const std::string type(ledger::EntryTypeName(e->type));
    json j = {{"event", *event},
              {"type", type},
              {"payload", *payload},
              {"leaf_hash", ToHex(e->leaf)},
              {"proof", HashesJson(proof)},
              {"head", head.ToJson()},
              {"verified", ok}};
    ctx.Emit(j, "entry " + std::to_string(*event) + " (" + type + ") " + e->payload + "\nleaf " +
                    ToHex(e->leaf) + "\ninclusion proof: " + std::to_string(proof.size()) +
                    " hashes, " + (ok ? "verifies" : "DOES NOT VERIFY") + " against head " +
                    HeadText(head));
  });
}

struct WitnessArgs {
  std::string file, public_key, key_file, witness_log;
};

// The witness's side: checks that the ledger extends every head already in the witness log, then
// countersigns its newest head and appends it. Nothing is appended when the check fails.
Result<std::pair<json, std::string>> WitnessHead(const Context& ctx, const WitnessArgs& a) {
  FIGURANT_ASSIGN_OR_RETURN(const VerifyInput in,
                            ResolveVerifyInput(ctx, {a.file, a.public_key, "", "", ""}));
  FIGURANT_ASSIGN_OR_RETURN(const VerifiedLog log, VerifyInputLog(in));
  FIGURANT_ASSIGN_OR_RETURN(const SigningKeyPair key, ledger::ReadWitnessKey(a.key_file));
  auto text = ReadUserFile(a.witness_log, ledger::kWitnessLogFile);
  if (!text.ok() && text.status().code() != StatusCode::kNotFound) return text.status();
  const std::string kept = text.ok() ? *text : std::string();
  FIGURANT_ASSIGN_OR_RETURN(const ledger::WitnessLog w,
                            ledger::ParseWitnessLog(kept, a.witness_log, key.public_key));
  const ledger::SignedHead& head = log.report.last_head;
  FIGURANT_RETURN_IF_ERROR(
      ledger::CheckExtendsWitnessed(w, log.leaves, head, a.witness_log).status());
  json j = {
      {"witness_log", a.witness_log}, {"head", head.ToJson()}, {"earlier_heads", w.heads.size()}};
  if (!w.heads.empty() && w.heads.back().bank_head.tree_size == head.tree_size) {
    j["line"] = w.heads.back().line;
    j["appended"] = false;
    return std::pair{j, "already witnessed as line " + std::to_string(w.heads.back().line) +
                            " of " + a.witness_log + ": " + HeadText(head)};
  }
  const std::string line = ledger::CountersignHead(w, head, key, ctx.clock->Now());
  const std::string sep = kept.empty() || kept.back() == '\n' ? "" : "\n";
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(a.witness_log, kept + sep + line + "\n"));
  j["line"] = w.heads.size();
  j["appended"] = true;
  return std::pair{j, "countersigned " + HeadText(head) + "\nas line " +
                          std::to_string(w.heads.size()) + " of " + a.witness_log +
                          " (it extends the " + std::to_string(w.heads.size()) +
                          " heads witnessed before)"};
}

void RegisterWitnessHead(CLI::App& ledger, Context& ctx) {
  auto a = std::make_shared<WitnessArgs>();
  CLI::App* cmd = ledger.add_subcommand(
      "witness", "As a witness: check the ledger extends every head you kept, then countersign it");
  AddLedgerInputOptions(*cmd, a->file, a->public_key);
  cmd->add_option("--key", a->key_file, "The witness's key file (witness new-key)")->required();
  cmd->add_option("--witness-log", a->witness_log, "The witness log to check and append to")
      ->required();
  cmd->callback([&ctx, a] {
    auto done = WitnessHead(ctx, *a);
    if (!ctx.Check(done.status())) return;
    ctx.Emit(done->first, done->second);
  });
}

// `witness new-key`: needs no bank, and is run by the witness, never by the bank.
void RegisterWitness(CLI::App& app, Context& ctx) {
  CLI::App* witness = app.add_subcommand("witness", "A witness's own tools (no bank needed)");
  witness->require_subcommand(1);
  auto out = std::make_shared<std::string>();
  CLI::App* new_key =
      witness->add_subcommand("new-key", "Create a witness key file (never overwrites one)");
  new_key->add_option("--out", *out, "Where to write the key (mode 0600)")->required();
  new_key->callback([&ctx, out] {
    auto key = ledger::CreateWitnessKey(*out);
    if (!ctx.Check(WithFlag(key.status(), "--out"))) return;
    ctx.Emit(
        {{"file", *out}, {"public_key", ToHex(*key)}},
        "witness key written to " + *out +
            " (keep it with the witness; never give it to the bank)\npublic key: " + ToHex(*key));
  });
}

void RegisterLedger(CLI::App& app, Context& ctx) {
  CLI::App* ledger = app.add_subcommand("ledger", "The tamper-evident usage and licence ledger");
  ledger->require_subcommand(1);
  RegisterHead(*ledger, ctx);
  RegisterExport(*ledger, ctx);
  RegisterVerify(*ledger, ctx);
  RegisterProve(*ledger, ctx);
  RegisterWitnessHead(*ledger, ctx);
}

// The licences of a statement whose consent was signed with a key the bank held, as the ledger
// says (ledger/consent_audit.h): every statement flags them custodial_signature.
Result<std::vector<std::string>> CustodialLicencesIn(const ledger::Ledger& ledger,
                                                     const ledger::Statements& s,
                                                     const std::optional<std::string>& performer) {
  ledger::ConsentAuditor audit;
  FIGURANT_RETURN_IF_ERROR(ledger.ForEach([&](const ledger::Entry& e) { return audit.Add(e); }));
  std::set<std::string> shown;
  for (const auto& [id, p] : s.performers) {
    if (performer && id != *performer) continue;
    for (const auto& [licence, fee] : p.scan_fees) shown.insert(licence);
    for (const ledger::ProductionLine& line : p.productions) shown.insert(line.licence);
  }
  std::vector<std::string> out;
  for (const std::string& id : audit.report().custodial_licences) {
    if (shown.count(id) != 0) out.push_back(id);
  }
  return out;
}

void RegisterStatement(CLI::App& app, Context& ctx) {
  struct Args {
    std::string performer, production, format = "text";
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "statement", "What a performer is owed, or a production owes, from the ledger alone");
  cmd->add_option("--performer", a->performer, "Performer id");
  cmd->add_option("--production", a->production, "Production id");
  cmd->add_option("--format", a->format, "text, json or csv")
      ->check(CLI::IsMember({"text", "json", "csv"}));
  cmd->callback([&ctx, a] {
    if (a->performer.empty() && a->production.empty()) {
      ctx.Fail(
          InvalidArgument("give --performer P (optionally --production X), or --production X"));
      return;
    }
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    if (!a->performer.empty() &&
        !ctx.Check((*bank)->registry().GetPerformer(a->performer).status())) {
      return;
    }
    if (!a->production.empty() &&
        !ctx.Check((*bank)->registry().GetProduction(a->production).status())) {
      return;
    }
    auto l = (*bank)->Ledger();
    if (!ctx.Check(l.status())) return;
    auto s = ledger::ComputeStatements(**l);
    if (!ctx.Check(s.status())) return;
    std::optional<std::string> prod;
    if (!a->production.empty()) prod = a->production;
    json j;
    std::string text, csv;
    if (!a->performer.empty()) {
      j = ledger::PerformerStatementJson(*s, a->performer, prod);
      text = ledger::PerformerStatementText(*s, a->performer, prod);
      csv = ledger::PerformerStatementCsv(*s, a->performer, prod);
    } else {
      j = ledger::ProductionStatementJson(*s, a->production);
      text = ledger::ProductionStatementText(*s, a->production);
      csv = ledger::ProductionStatementCsv(*s, a->production);
    }
    std::optional<std::string> who;
    if (!a->performer.empty()) who = a->performer;
    auto custodial = CustodialLicencesIn(**l, *s, who);
    if (!ctx.Check(custodial.status())) return;
    j["custodial_signature"] = *custodial;
    for (const std::string& id : *custodial) {
      text += "! licence " + id +
              ": custodial_signature (signed with a key the bank held, not yet re-confirmed by "
              "its signer)\n";
    }
    if (a->format == "json" && !ctx.json) text = j.dump(2);
    if (a->format == "csv" && !ctx.json) text = csv;
    ctx.Emit(j, text);
  });
}

}  // namespace

void RegisterLedgerCommands(CLI::App& app, Context& ctx) {
  RegisterLedger(app, ctx);
  RegisterStatement(app, ctx);
  RegisterWitness(app, ctx);
}

}  // namespace figurant::cli
