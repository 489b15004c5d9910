// Statements: what a party signs with its own key besides its consent to a licence — a performer
// suspending or resuming their consent, a union declaring a strike, a representative (union or
// counsel) confirming that a performer's key is replaced, a log-in challenge. One canonical,
// domain-separated message serves them all (docs/licence.md, "Signed statements"): its first line
// sets it apart from a consent and from every other Figurant message, its second line names the
// kind, so that a signature over one kind is never read as another, and each field is one
// `name=value` line in the order the request gives.
//
// A request travels to the signer's device as a file; `figurant key sign-statement` shows every
// field, asks, and writes a signature file. Parsers are strict (consent/offer.h's rules: unknown,
// missing, mistyped or malformed fields are InvalidArgument naming the file and the field).
// Thread-safe (no state).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/disclosure.h"
#include "core/crypto.h"
#include "core/status.h"

namespace figurant::consent {

enum class StatementKind {
  kSuspendLicence,
  kResumeLicence,
  kStrike,
  kKeyReplacement,
  kLogin,
  kEndStrike,
  kJoinUnion,
  kLeaveUnion,
};
// "suspend_licence", "resume_licence", "strike", "key_replacement", "login", "end_strike",
// "join_union", "leave_union"
std::string_view StatementKindName(StatementKind kind);
std::optional<StatementKind> ParseStatementKind(std::string_view name);

inline constexpr std::string_view kStatementMessageMagic = "figurant-statement-v1";
inline constexpr std::string_view kStatementRequestFormat = "figurant-statement-request-v1";
inline constexpr std::string_view kStatementSignatureFormat = "figurant-statement-signature-v1";
// [Limits] fields per statement, characters per field name.
inline constexpr size_t kMaxStatementFields = 32;
inline constexpr size_t kMaxStatementFieldName = 64;

struct StatementField {
  std::string name;   // [Limits: 1..kMaxStatementFieldName of a-z, 0-9, _; not "kind"; unique]
  std::string value;  // [Limits: non-empty UTF-8 without control characters (CR, LF, ESC...)]
};

// The exact bytes a statement's signature covers:
//   figurant-statement-v1\nkind=<kind>\n<name>=<value>\n ... (one line per field, in order)
// InvalidArgument naming the field ("fields[i].name") when there are no fields or more than
// kMaxStatementFields, or a name or value breaks its limits: refused, never escaped, so that one
// message has one reading.
Result<std::string> StatementMessage(StatementKind kind, const std::vector<StatementField>& fields);

// What a party is asked to sign.
struct StatementRequest {
  StatementKind kind = StatementKind::kLogin;
  Language language = Language::kEnglish;  // the language the signer is asked in
  std::vector<StatementField> fields;
};
std::string StatementRequestJson(const StatementRequest& request);
// Also refuses fields StatementMessage would refuse. `file` names the source in messages.
Result<StatementRequest> ParseStatementRequest(std::string_view text, std::string_view file);

// What the signer is shown before being asked, in the request's language: what signing means,
// every field as `name: value`, the public key that would sign, and the question naming
// ConfirmationWord (consent/offer.h), without a newline after it.
std::string StatementRequestText(const StatementRequest& request, std::string_view public_key_hex);

struct SignedStatement {
  StatementKind kind = StatementKind::kLogin;
  std::vector<StatementField> fields;
  Bytes public_key;  // 32 bytes, Ed25519
  Bytes signature;   // 64 bytes, Ed25519 over StatementMessage(kind, fields)
};

// The value of the statement's field `name`; "" when it has none. The reference lives as long as
// the statement.
const std::string& FieldValue(const SignedStatement& statement, std::string_view name);
// Kinds by family: suspend/resume a licence, declare/end a strike, join/leave a union.
bool IsSuspensionKind(StatementKind kind);
bool IsStrikeKind(StatementKind kind);
bool IsMembershipKind(StatementKind kind);

// Signs `request`'s statement with `key`. InvalidArgument as StatementMessage.
Result<SignedStatement> SignStatement(const StatementRequest& request, const SigningKeyPair& key);
// OK when the signature verifies under `expected_public_key`; DataLoss naming what fails otherwise.
Status VerifyStatement(const SignedStatement& statement, const Bytes& expected_public_key);

std::string StatementSignatureJson(const SignedStatement& statement);
// Checks form only (as ParseConsentSignature): whether it verifies, and under whose key, is the
// reader's question (VerifyStatement).
Result<SignedStatement> ParseStatementSignature(std::string_view text, std::string_view file);

}  // namespace figurant::consent
