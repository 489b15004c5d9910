// ledger head|export|verify|prove · statement
#include <memory>
#include <sstream>

#include "cli.h"
#include "core/file.h"
#include "ledger/statement.h"

namespace figurant::cli {
namespace {

using nlohmann::json;

std::string HeadText(const ledger::SignedHead& h) {
  return std::to_string(h.tree_size) + " entries, root " + ToHex(h.root) + ", signed by " +
         ToHex(h.public_key) + " at " + FormatTimestamp(h.time);
}

void RegisterLedger(CLI::App& app, Context& ctx) {
  CLI::App* ledger = app.add_subcommand("ledger", "The tamper-evident usage and licence ledger");
  ledger->require_subcommand(1);

  CLI::App* head = ledger->add_subcommand("head", "Print the newest signed tree head");
  head->callback([&ctx] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto l = (*bank)->Ledger();
    if (!ctx.Check(l.status())) return;
    ctx.Emit({{"head", (*l)->head().ToJson()}}, HeadText((*l)->head()));
  });

  auto file = std::make_shared<std::string>();
  CLI::App* exp =
      ledger->add_subcommand("export", "Copy the ledger (up to its newest head) to FILE");
  exp->add_option("file", *file, "Destination")->required();
  exp->callback([&ctx, file] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto l = (*bank)->Ledger();
    if (!ctx.Check(l.status())) return;
    auto bytes = ReadFile((*l)->file());
    if (!ctx.Check(bytes.status())) return;
    if (!ctx.Check(WriteFileAtomic(*file, *bytes))) return;
    ctx.Emit({{"file", *file}, {"head", (*l)->head().ToJson()}},
             "exported " + std::to_string((*l)->size()) + " entries to " + *file +
                 "\nhead: " + HeadText((*l)->head()));
  });

  struct VerifyArgs {
    std::string file, public_key, since;
  };
  auto v = std::make_shared<VerifyArgs>();
  CLI::App* verify = ledger->add_subcommand(
      "verify", "Verify a ledger export (or the bank's ledger) with only the bank's public key");
  verify->add_option("file", v->file, "Ledger export (default: the bank's ledger)");
  verify->add_option("--public-key", v->public_key,
                     "Bank public key, hex (default: the bank's, when a bank is at hand)");
  verify->add_option("--since-head", v->since,
                     "A signed head JSON kept earlier: prove the log extends it");
  verify->callback([&ctx, v] {
    std::optional<std::array<uint8_t, 32>> key;
    if (!v->public_key.empty()) {
      auto raw = FromHex(v->public_key);
      if (!raw.ok() || raw->size() != 32) {
        ctx.Fail(InvalidArgument("--public-key: expected 64 hex digits"));
        return;
      }
      std::array<uint8_t, 32> k;
      std::copy(raw->begin(), raw->end(), k.begin());
      key = k;
    }
    std::string path = v->file;
    if (path.empty() || !key) {
      auto bank = ctx.OpenBank();
      if (!ctx.Check(bank.status())) return;
      if (!key) {
        auto pk = (*bank)->PublicKey();
        if (!ctx.Check(pk.status())) return;
        key = *pk;
      }
      if (path.empty()) {
        auto l = (*bank)->Ledger();
        if (!ctx.Check(l.status())) return;
        path = (*l)->file().string();
      }
    }
    auto bytes = ReadFile(path);
    if (!ctx.Check(bytes.status())) return;
    auto report = ledger::VerifyLog(*bytes, key);
    if (!report.ok()) {
      ctx.Fail(DataLoss(path + ": " + report.status().message()));
      return;
    }
    json j = {{"valid", true},
              {"entries", report->entries},
              {"heads", report->heads},
              {"head", report->last_head.ToJson()}};
    std::string text = path + ": valid, " + std::to_string(report->entries) + " entries, " +
                       std::to_string(report->heads) +
                       " signed heads\nhead: " + HeadText(report->last_head);
    if (!v->since.empty()) {
      auto since_text = ReadFile(v->since);
      if (!ctx.Check(since_text.status().WithContext("--since-head"))) return;
      auto old = ledger::SignedHead::FromJson(json::parse(*since_text, nullptr, false));
      if (!ctx.Check(old.status().WithContext("--since-head " + v->since))) return;
      if (!old->SignatureValid() || old->public_key != *key) {
        ctx.Fail(DataLoss("--since-head " + v->since + ": the head's signature does not verify"));
        return;
      }
      // Rebuild the leaves from the export to produce and check the consistency proof.
      std::vector<ledger::Hash> leaves;
      size_t pos = 0;
      while (pos + 8 <= bytes->size()) {
        uint32_t len;
        std::memcpy(&len, bytes->data() + pos + 4, 4);
        if (std::memcmp(bytes->data() + pos, "FGLE", 4) == 0) {
          ledger::Hash h;
          std::memcpy(h.data(), bytes->data() + pos + 8 + len, 32);
          leaves.push_back(h);
        }
        pos += 8 + len + 32;
      }
      if (old->tree_size > leaves.size()) {
        ctx.Fail(DataLoss("the export has " + std::to_string(leaves.size()) +
                          " entries, fewer than the " + std::to_string(old->tree_size) +
                          " of the kept head: entries were removed"));
        return;
      }
      const auto proof = ledger::ConsistencyProof(leaves, old->tree_size);
      if (!ledger::VerifyConsistency(old->tree_size, report->last_head.tree_size, old->root,
                                     report->last_head.root, proof)) {
        ctx.Fail(DataLoss("the log does not extend the kept head of " +
                          std::to_string(old->tree_size) + " entries: it was rewritten"));
        return;
      }
      json p = json::array();
      for (const auto& h : proof) p.push_back(ToHex(h));
      j["consistency"] = {{"old_size", old->tree_size}, {"proof", p}};
      text += "\nextends the kept head of " + std::to_string(old->tree_size) +
              " entries (consistency proof of " + std::to_string(proof.size()) + " hashes)";
    }
    ctx.Emit(j, text);
  });

  auto event = std::make_shared<uint64_t>(0);
  CLI::App* prove =
      ledger->add_subcommand("prove", "Inclusion proof of one entry in the newest head");
  prove->add_option("--event", *event, "Entry number")->required();
  prove->callback([&ctx, event] {
    auto bank = ctx.OpenBank();
    if (!ctx.Check(bank.status())) return;
    auto l = (*bank)->Ledger();
    if (!ctx.Check(l.status())) return;
    auto e = (*l)->Get(*event);
    if (!ctx.Check(e.status())) return;
    const auto& leaves = (*l)->leaves();
    const auto proof = ledger::InclusionProof(leaves, *event);
    const bool ok =
        ledger::VerifyInclusion(e->leaf, *event, leaves.size(), proof, (*l)->head().root);
    json p = json::array();
    for (const auto& h : proof) p.push_back(ToHex(h));
    json j = {{"event", *event},
              {"type", std::string(ledger::EntryTypeName(e->type))},
              {"payload", json::parse(e->payload, nullptr, false)},
              {"leaf_hash", ToHex(e->leaf)},
              {"proof", p},
              {"head", (*l)->head().ToJson()},
              {"verified", ok}};
    ctx.Emit(j, "entry " + std::to_string(*event) + " (" +
                    std::string(ledger::EntryTypeName(e->type)) + ") " + e->payload + "\nleaf " +
                    ToHex(e->leaf) + "\ninclusion proof: " + std::to_string(proof.size()) +
                    " hashes, " + (ok ? "verifies" : "DOES NOT VERIFY") + " against head " +
                    HeadText((*l)->head()));
  });
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
    if (a->format == "json" && !ctx.json) text = j.dump(2);
    if (a->format == "csv" && !ctx.json) text = csv;
    ctx.Emit(j, text);
  });
}

}  // namespace

void RegisterLedgerCommands(CLI::App& app, Context& ctx) {
  RegisterLedger(app, ctx);
  RegisterStatement(app, ctx);
}

}  // namespace figurant::cli
