#include "load_check.h"

#include <chrono>
#include <set>

#include "consent/statement.h"
#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"

namespace figurant::bench {

namespace {

using nlohmann::json;

// What the ledger holds, by licence.
struct LedgerHolds {
  std::set<std::string> signed_, revoked;
  std::set<std::pair<std::string, std::string>> statements;  // (kind, licence)
  uint64_t entries = 0;
  int64_t usage = 0;
};

Status Index(const ledger::Entry& e, LedgerHolds& holds) {
  switch (e.type) {
    case ledger::EntryType::kUsage:
      ++holds.usage;
      break;
    case ledger::EntryType::kLicenceSigned: {
      FIGURANT_ASSIGN_OR_RETURN(const auto s, ledger::ParseLicenceSigned(e));
      holds.signed_.insert(s.licence_id);
      break;
    }
    case ledger::EntryType::kLicenceRevoked: {
      FIGURANT_ASSIGN_OR_RETURN(const auto r, ledger::ParseLicenceRevoked(e));
      holds.revoked.insert(r.licence_id);
      break;
    }
    case ledger::EntryType::kStatement: {
      FIGURANT_ASSIGN_OR_RETURN(const auto st, ledger::ParseStatementEvent(e));
      for (const auto& f : st.statement.fields) {
        if (f.name == "licence") {
          holds.statements.emplace(consent::StatementKindName(st.statement.kind), f.value);
        }
      }
      break;
    }
    default:
      break;
  }
  return Status::Ok();
}

Result<LedgerHolds> ReadExport(const testing::RenderBank& bank) {
  const std::string file = (bank.dir() / "load-export.log").string();
  FIGURANT_ASSIGN_OR_RETURN(const json out, CliJson(bank, {"ledger", "export", file}));
  FIGURANT_ASSIGN_OR_RETURN(const auto head, ledger::SignedHead::FromJson(out["head"]));
  FIGURANT_ASSIGN_OR_RETURN(const std::string bytes, ReadFile(file));
  LedgerHolds holds;
  FIGURANT_ASSIGN_OR_RETURN(const ledger::VerifyReport report,
                            ledger::ReadLog(bytes, head.public_key, [&](const ledger::Entry& e) {
                              return Index(e, holds);
                            }));
  holds.entries = report.entries;
  return holds;
}

// Licence id → registry state ("draft", "active", "revoked", ...).
Result<std::map<std::string, std::string>> RegistryStates(const testing::RenderBank& bank) {
  FIGURANT_ASSIGN_OR_RETURN(const json list, CliJson(bank, {"licence", "list"}));
  std::map<std::string, std::string> states;
  for (const json& l : list.value("licences", json::array())) states[l["id"]] = l["state"];
  return states;
}

// What `ack` should have left, or "" when it is there.
std::string MissingFor(const Ack& ack, const LedgerHolds& holds) {
  switch (ack.kind) {
    case WriteKind::kOffer:
      return "";  // checked against the registry
    case WriteKind::kSign:
      return holds.signed_.count(ack.licence) ? "" : "no licence_signed entry";
    case WriteKind::kSuspend:
      return holds.statements.count({"suspend_licence", ack.licence})
                 ? ""
                 : "no suspend_licence statement";
    case WriteKind::kResume:
      return holds.statements.count({"resume_licence", ack.licence})
                 ? ""
                 : "no resume_licence statement";
    case WriteKind::kRevoke:
      return holds.revoked.count(ack.licence) ? "" : "no licence_revoked entry";
  }
  return "";
}

void Verify(const testing::RenderBank& bank, WriteCheck& check) {
  const auto start = std::chrono::steady_clock::now();
  const testing::RunResult r = bank.Run({"ledger", "verify"});
  check.verify_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  check.ledger_valid = r.exit_code == 0;
  if (!check.ledger_valid) check.ledger_problem = r.err;
}

}  // namespace

Result<WriteCheck> CheckWrites(const testing::RenderBank& bank, const std::vector<Ack>& acks) {
  WriteCheck check;
  Verify(bank, check);
  FIGURANT_ASSIGN_OR_RETURN(const LedgerHolds holds, ReadExport(bank));
  FIGURANT_ASSIGN_OR_RETURN(const auto states, RegistryStates(bank));
  check.ledger_entries = holds.entries;
  check.usage_entries = holds.usage;
  std::map<std::string, WriteKind> last;  // licence → its last acknowledged write
  for (const Ack& ack : acks) {
    ++check.checked;
    last[ack.licence] = ack.kind;
    const std::string missing = MissingFor(ack, holds);
    if (!missing.empty()) {
      check.missing.push_back(std::string(WriteKindName(ack.kind)) + " " + ack.licence + ": " +
                              missing);
    }
  }
  for (const auto& [licence, kind] : last) {
    const std::string expected = kind == WriteKind::kOffer    ? "draft"
                                 : kind == WriteKind::kRevoke ? "revoked"
                                                              : "active";
    const auto it = states.find(licence);
    const std::string state = it == states.end() ? "absent" : it->second;
    if (state != expected) {
      check.missing.push_back(std::string(WriteKindName(kind)) + " " + licence +
                              ": registry state " + state + ", expected " + expected);
    }
  }
  return check;
}

}  // namespace figurant::bench
