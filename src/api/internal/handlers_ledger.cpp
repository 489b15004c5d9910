// What a union auditor checks: the ledger's bytes, its verification and inclusion proofs, with
// only what anyone holding an export and the bank's public key could compute (docs/ledger.md).
#include "api/body.h"
#include "api/internal/handlers.h"
#include "api/json_forms.h"
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

// A log that verified under the bank's `key`: what `figurant ledger verify --json` says of it.
json VerifiedJson(const ledger::VerifyReport& report, const std::array<uint8_t, 32>& key) {
  return {{"valid", true},
          {"entries", report.entries},
          {"heads", report.heads},
          {"head", report.last_head.ToJson()},
          {"public_key", ToHex(key)}};
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
  return Reply::Json(VerifiedJson(*report, key));
}

Result<Reply> VerifyUploadedLedger(Call& call) {
  const std::string& bytes = call.raw_body;
  if (bytes.empty()) {
    return InvalidArgument(std::string(kBodySource) +
                           ": empty: send the bytes of a ledger export (application/octet-stream)");
  }
  FIGURANT_ASSIGN_OR_RETURN(auto key, call.bank.PublicKey());
  const std::string source = std::string(kBodySource) + " (a ledger export of " +
                             std::to_string(bytes.size()) + " bytes): ";
  auto report = ledger::VerifyLog(bytes, key);
  if (!report.ok()) return InvalidArgument(source + report.status().message());
  auto consents = ledger::AuditConsents(bytes, key);
  if (!consents.ok()) return InvalidArgument(source + consents.status().message());
  json reply = VerifiedJson(*report, key);
  reply["bytes"] = bytes.size();
  reply["consents"] = ConsentAuditJson(*consents);
  return Reply::Json(reply);
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
