// What a union auditor checks: the ledger's bytes, its verification and inclusion proofs, with
// only what anyone holding an export and the bank's public key could compute (docs/ledger.md).
#include "api/internal/handlers.h"
#include "core/file.h"
#include "ledger/merkle.h"
#include "ledger/payloads.h"

namespace figurant::api::internal {

namespace {

using nlohmann::json;

json Hashes(const std::vector<ledger::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

// The ledger file's bytes, the ledger opened (and reconciled) first.
Result<std::string> LedgerBytes(bank::Bank& bank) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, bank.Ledger());
  return ReadFile(l->file());
}

}  // namespace

Result<Reply> ExportLedger(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, LedgerBytes(call.bank));
  Reply r;
  r.content_type = "application/octet-stream";
  r.body = std::move(bytes);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"ledger.log\"");
  return r;
}

Result<Reply> VerifyLedger(Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, LedgerBytes(call.bank));
  FIGURANT_ASSIGN_OR_RETURN(auto key, call.bank.PublicKey());
  auto report = ledger::VerifyLog(bytes, key);
  if (!report.ok()) {
    return Reply::Json({{"valid", false}, {"problem", report.status().message()}});
  }
  return Reply::Json({{"valid", true},
                      {"entries", report->entries},
                      {"heads", report->heads},
                      {"head", report->last_head.ToJson()},
                      {"public_key", ToHex(key)}});
}

Result<Reply> ProveEntry(Call& call) {
  const uint64_t seq = std::stoull(call.params.at("entry"));  // Authorise checked the digits
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * l, call.bank.Ledger());
  auto e = l->Get(seq);
  if (!e.ok()) return NotFound(std::string(kNotFoundMessage));
  FIGURANT_ASSIGN_OR_RETURN(json payload, ledger::PayloadObject(*e));
  const auto proof = ledger::InclusionProof(l->leaves(), seq);
  const ledger::SignedHead& head = l->head();
  return Reply::Json(
      {{"entry", seq},
       {"type", ledger::EntryTypeName(e->type)},
       {"payload", payload},
       {"leaf_hash", ToHex(e->leaf)},
       {"proof", Hashes(proof)},
       {"head", head.ToJson()},
       {"verified", ledger::VerifyInclusion(e->leaf, seq, l->leaves().size(), proof, head.root)}});
}

}  // namespace figurant::api::internal
