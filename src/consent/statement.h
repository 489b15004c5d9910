// Statements a party signs with its own key, besides consent to a licence: a performer suspending
// or resuming a licence (the 2025 SAG-AFTRA interactive agreement lets them suspend consent during
// a strike), a performer joining or leaving a union, a union declaring or ending a strike against
// a studio. docs/licence.md ("Suspensions and strikes") is the specification of the bytes.
//
// A statement is a kind and fields in a fixed order. What is signed (Ed25519) is
//   figurant-<kind>-v1\n<name>=<value>\n<name>=<value>\n...
// — domain-separated by its first line from every other message a key signs (consent, log-in,
// ledger heads), one field per line. A value may not contain a newline or a control character and
// a name is [a-z_]+, so the text cannot be read two ways. The file that carries a signed statement
// is canonical JSON: {"format": "figurant-<kind>-v1", the fields..., "public_key", "signature"}.
// Parsers are strict (core/json_input.h): an unknown, missing or malformed field is
// InvalidArgument naming the file and the field. Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/status.h"

namespace figurant::consent {

struct Statement {
  std::string kind;  // "suspension", "strike" or "membership"
  std::vector<std::pair<std::string, std::string>> fields;  // in message order
  Bytes public_key;                                         // 32 bytes once signed
  Bytes signature;                                          // 64 bytes once signed

  // The value of `name`; empty when absent.
  const std::string& Field(std::string_view name) const;
  std::string Format() const { return "figurant-" + kind + "-v1"; }
};

// What the signer agrees to, in order. `action` is one of the two words of each kind.
Statement SuspensionStatement(std::string_view action, const std::string& licence_id,
                              const std::string& performer_id, const Date& effective,
                              UnixSeconds signed_at);  // action: suspend | resume
Statement StrikeStatement(std::string_view action, const std::string& union_id,
                          const std::string& studio_id, const Date& effective,
                          UnixSeconds signed_at);  // action: declare | end
Statement MembershipStatement(std::string_view action, const std::string& performer_id,
                              const std::string& union_id,
                              UnixSeconds signed_at);  // action: join | leave

// The bytes signed. InvalidArgument when a name or value breaks the rules above.
Result<std::string> StatementMessage(const Statement& statement);
// Signs with `key`, storing its public half.
Status SignStatement(Statement& statement, const SigningKeyPair& key);
// OK when signed by `expected_public_key` and the signature verifies; DataLoss otherwise.
Status VerifyStatement(const Statement& statement, const Bytes& expected_public_key);

// The statement in plain words for the person about to sign it, in English.
std::string DescribeStatement(const Statement& statement);

std::string StatementJson(const Statement& statement);
// Reads a signed statement file of `kind`; `file` names the source in messages. Checks form only
// (the fields of the kind, dates and times well formed, key and signature of the right length),
// not the signature.
Result<Statement> ParseStatement(std::string_view text, std::string_view file,
                                 std::string_view kind);

}  // namespace figurant::consent
