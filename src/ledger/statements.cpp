#include "ledger/statements.h"

#include <algorithm>

#include "core/ids.h"
#include "ledger/consent_audit.h"

namespace figurant::ledger {
namespace {

using consent::DatePeriod;
using consent::SignedStatement;
using consent::StatementField;
using consent::StatementKind;

// The non-empty period lists of `map` (keyed by id pairs) whose key has `id` first (`id_first`) or
// second, by the key's other id.
template <typename PeriodMap>
std::map<std::string, std::vector<DatePeriod>> PeriodsWith(const PeriodMap& map,
                                                           const std::string& id, bool id_first) {
  std::map<std::string, std::vector<DatePeriod>> out;
  for (const auto& [key, periods] : map) {
    if ((id_first ? key.first : key.second) == id && !periods.empty()) {
      out[id_first ? key.second : key.first] = periods;
    }
  }
  return out;
}

// The representatives' id prefix (registry: `rep_`).
constexpr std::string_view kRepresentativePrefix = "rep";

struct KindFields {
  StatementKind kind;
  std::vector<std::string_view> names;
};

const std::vector<KindFields>& Schemas() {
  static const std::vector<KindFields> schemas = {
      {StatementKind::kSuspendLicence, {"licence", "performer", "from", "signed_at"}},
      {StatementKind::kResumeLicence, {"licence", "performer", "from", "signed_at"}},
      {StatementKind::kStrike, {"union", "studio", "from", "signed_at"}},
      {StatementKind::kEndStrike, {"union", "studio", "from", "signed_at"}},
      {StatementKind::kJoinUnion, {"performer", "union", "signed_at"}},
      {StatementKind::kLeaveUnion, {"performer", "union", "signed_at"}},
  };
  return schemas;
}

// InvalidArgument naming the field when `value` is not what a field called `name` holds.
Status CheckValue(std::string_view name, const std::string& value) {
  const std::string where = "field '" + std::string(name) + "': ";
  std::string_view prefix;
  if (name == "licence") prefix = id_prefix::kLicence;
  if (name == "performer") prefix = id_prefix::kPerformer;
  if (name == "studio") prefix = id_prefix::kStudio;
  if (name == "union") prefix = kRepresentativePrefix;
  if (!prefix.empty() && !HasIdForm(value, prefix)) {
    return InvalidArgument(where + "expected an id " + std::string(prefix) +
                           "_<16 hex digits>, got '" + value + "'");
  }
  if (name == "from" && !Date::Parse(value).ok()) {
    return InvalidArgument(where + "expected a date YYYY-MM-DD, got '" + value + "'");
  }
  if (name == "signed_at" && !ParseTimestamp(value).ok()) {
    return InvalidArgument(where + "expected a time YYYY-MM-DDTHH:MM:SSZ, got '" + value + "'");
  }
  return Status::Ok();
}

std::vector<StatementField> Fields(
    std::initializer_list<std::pair<std::string_view, std::string>> fields) {
  std::vector<StatementField> out;
  for (const auto& [name, value] : fields) out.push_back({std::string(name), value});
  return out;
}

// The later of two period ends, none being "not ended".
std::optional<Date> EarlierEnd(const std::optional<Date>& a, const std::optional<Date>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

std::vector<StatementField> SuspensionFields(const std::string& licence_id,
                                             const std::string& performer_id, const Date& from,
                                             UnixSeconds signed_at) {
  return Fields({{"licence", licence_id},
                 {"performer", performer_id},
                 {"from", from.ToString()},
                 {"signed_at", FormatTimestamp(signed_at)}});
}

std::vector<StatementField> KeyReplacementFields(
    consent::Signer signer, const std::string& signer_id, const std::string& performer_id,
    const Ed25519Key& old_key, const Ed25519Key& new_key, const std::string& code_sha256) {
  return Fields({{"signer", std::string(consent::SignerName(signer))},
                 {"signer_id", signer_id},
                 {"performer", performer_id},
                 {"old_key", ToHex(old_key)},
                 {"new_key", ToHex(new_key)},
                 {"code_sha256", code_sha256}});
}

std::vector<StatementField> StrikeFields(const std::string& union_id, const std::string& studio_id,
                                         const Date& from, UnixSeconds signed_at) {
  return Fields({{"union", union_id},
                 {"studio", studio_id},
                 {"from", from.ToString()},
                 {"signed_at", FormatTimestamp(signed_at)}});
}

std::vector<StatementField> MembershipFields(const std::string& performer_id,
                                             const std::string& union_id, UnixSeconds signed_at) {
  return Fields({{"performer", performer_id},
                 {"union", union_id},
                 {"signed_at", FormatTimestamp(signed_at)}});
}

Result<StatementParty> PartyOf(const SignedStatement& s) {
  const auto schema = std::find_if(Schemas().begin(), Schemas().end(),
                                   [&](const KindFields& k) { return k.kind == s.kind; });
  const std::string kind(consent::StatementKindName(s.kind));
  if (schema == Schemas().end()) {
    return InvalidArgument("a '" + kind + "' statement is not a suspension, strike or membership");
  }
  if (s.fields.size() != schema->names.size()) {
    return InvalidArgument("a '" + kind + "' statement has " +
                           std::to_string(schema->names.size()) + " fields, not " +
                           std::to_string(s.fields.size()));
  }
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].name != schema->names[i]) {
      return InvalidArgument("fields[" + std::to_string(i) + "]: expected '" +
                             std::string(schema->names[i]) + "', got '" + s.fields[i].name + "'");
    }
    FIGURANT_RETURN_IF_ERROR(CheckValue(s.fields[i].name, s.fields[i].value));
  }
  StatementParty party;
  const bool by_union = s.kind == StatementKind::kStrike || s.kind == StatementKind::kEndStrike;
  party.signer = by_union ? StatementSigner::kRepresentative : StatementSigner::kPerformer;
  party.signer_id = consent::FieldValue(s, by_union ? "union" : "performer");
  party.signed_at = *ParseTimestamp(consent::FieldValue(s, "signed_at"));
  return party;
}

Status StatementIndex::Open(Periods& periods, const Date& from, std::string_view what) {
  if (!periods.empty() && !periods.back().until) {
    return FailedPrecondition(std::string(what) + " already holds " + periods.back().ToString());
  }
  if (!periods.empty() && from < *periods.back().until) {
    return FailedPrecondition(std::string(what) + " cannot start on " + from.ToString() +
                              ", before the last one ended (" + periods.back().ToString() + ")");
  }
  periods.push_back({from, std::nullopt});
  return Status::Ok();
}

Status StatementIndex::Close(Periods& periods, const Date& until, std::string_view what) {
  if (periods.empty() || periods.back().until) {
    return FailedPrecondition(std::string(what) + " does not hold: there is nothing to end");
  }
  if (until < periods.back().from) {
    return FailedPrecondition(std::string(what) + " cannot end on " + until.ToString() +
                              ", before it began (" + periods.back().ToString() + ")");
  }
  periods.back().until = until;
  return Status::Ok();
}

StatementIndex::Target StatementIndex::TargetOf(const SignedStatement& s) const {
  Target t;
  t.opens = s.kind == StatementKind::kSuspendLicence || s.kind == StatementKind::kStrike ||
            s.kind == StatementKind::kJoinUnion;
  const std::string& union_id = consent::FieldValue(s, "union");
  if (s.kind == StatementKind::kSuspendLicence || s.kind == StatementKind::kResumeLicence) {
    t.map = Map::kSuspensions;
    t.key = {consent::FieldValue(s, "licence"), ""};
    t.what = "the suspension of licence " + t.key.first;
    t.day = *Date::Parse(consent::FieldValue(s, "from"));
  } else if (s.kind == StatementKind::kStrike || s.kind == StatementKind::kEndStrike) {
    t.map = Map::kStrikes;
    t.key = {union_id, consent::FieldValue(s, "studio")};
    t.what = "the strike of " + union_id + " against " + t.key.second;
    t.day = *Date::Parse(consent::FieldValue(s, "from"));
  } else {
    t.map = Map::kMemberships;
    t.key = {consent::FieldValue(s, "performer"), union_id};
    t.what = "the membership of " + t.key.first + " in " + union_id;
    t.day = DateOf(*ParseTimestamp(consent::FieldValue(s, "signed_at")));
  }
  return t;
}

const StatementIndex::PeriodMap& StatementIndex::MapOf(Map m) const {
  return m == Map::kSuspensions ? suspensions_ : (m == Map::kStrikes ? strikes_ : memberships_);
}

Result<StatementIndex::Periods> StatementIndex::Next(const SignedStatement& s) const {
  const Target t = TargetOf(s);
  const auto& map = MapOf(t.map);
  const auto it = map.find(t.key);
  Periods periods = it == map.end() ? Periods{} : it->second;
  FIGURANT_RETURN_IF_ERROR(t.opens ? Open(periods, t.day, t.what) : Close(periods, t.day, t.what));
  return periods;
}

Status StatementIndex::CheckKey(const SignedStatement& s, const StatementParty& party,
                                const KeyHistory& keys) const {
  Ed25519Key key{};
  if (s.public_key.size() != key.size()) return PermissionDenied("the public key is not 32 bytes");
  std::copy(s.public_key.begin(), s.public_key.end(), key.begin());
  if (party.signer == StatementSigner::kPerformer) {
    FIGURANT_RETURN_IF_ERROR(
        keys.CheckValidAt(consent::Signer::kPerformer, party.signer_id, key, party.signed_at));
  } else {
    const auto it = representatives_.find(party.signer_id);
    if (it == representatives_.end() || !it->second.is_union) {
      return PermissionDenied(party.signer_id + " is not a union registered in the ledger");
    }
    if (it->second.public_key != key) {
      return PermissionDenied("signed with a key that is not union " + party.signer_id + "'s");
    }
  }
  const Status verified = consent::VerifyStatement(s, s.public_key);
  if (!verified.ok()) return PermissionDenied(verified.message());
  return Status::Ok();
}

Status StatementIndex::Check(const StatementEvent& event, const KeyHistory& keys) const {
  FIGURANT_ASSIGN_OR_RETURN(const StatementParty party, PartyOf(event.statement));
  if (party.signer != event.signer || party.signer_id != event.signer_id) {
    return InvalidArgument("the statement is signed as " +
                           std::string(StatementSignerName(event.signer)) + " " + event.signer_id +
                           " but its fields name " + party.signer_id);
  }
  FIGURANT_RETURN_IF_ERROR(CheckKey(event.statement, party, keys));
  return Next(event.statement).status();
}

void StatementIndex::Apply(const SignedStatement& statement) {
  auto next = Next(statement);
  if (!next.ok()) return;
  const Target t = TargetOf(statement);
  PeriodMap& map = t.map == Map::kSuspensions ? suspensions_
                   : t.map == Map::kStrikes   ? strikes_
                                              : memberships_;
  map[t.key] = *std::move(next);
  ++statements_;
}

Status StatementIndex::Add(const Entry& entry, const KeyHistory& keys) {
  if (entry.type == EntryType::kRepresentativeRegistered) {
    FIGURANT_ASSIGN_OR_RETURN(const RepresentativeRegisteredEvent r,
                              ParseRepresentativeRegistered(entry));
    representatives_[r.representative_id] = {r.public_key,
                                             r.kind == consent::Representation::kUnion};
    return Status::Ok();
  }
  if (entry.type != EntryType::kStatement) return Status::Ok();
  FIGURANT_ASSIGN_OR_RETURN(const StatementEvent event, ParseStatementEvent(entry));
  if (Status ok = Check(event, keys); !ok.ok()) {
    return DataLoss("ledger entry " + std::to_string(entry.seq) + " (statement " +
                    std::string(consent::StatementKindName(event.statement.kind)) +
                    "): " + ok.message());
  }
  Apply(event.statement);
  return Status::Ok();
}

std::vector<consent::Suspension> StatementIndex::SuspensionsOf(const std::string& licence) const {
  const auto it = suspensions_.find({licence, ""});
  return it == suspensions_.end() ? Periods{} : it->second;
}

bool StatementIndex::Suspended(const std::string& licence) const {
  const auto it = suspensions_.find({licence, ""});
  return it != suspensions_.end() && !it->second.empty() && !it->second.back().until;
}

std::vector<consent::Strike> StatementIndex::StrikesFor(const std::string& performer) const {
  std::vector<consent::Strike> out;
  for (const auto& [key, memberships] : memberships_) {
    if (key.first != performer) continue;
    for (const auto& [strike_key, strikes] : strikes_) {
      if (strike_key.first != key.second) continue;
      for (const DatePeriod& m : memberships) {
        for (const DatePeriod& s : strikes) {
          DatePeriod both{std::max(m.from, s.from), EarlierEnd(m.until, s.until)};
          if (!both.until || both.from < *both.until) {
            out.push_back({strike_key.first, strike_key.second, both});
          }
        }
      }
    }
  }
  return out;
}

std::vector<DatePeriod> StatementIndex::StrikesOf(const std::string& union_id,
                                                  const std::string& studio_id) const {
  const auto it = strikes_.find({union_id, studio_id});
  return it == strikes_.end() ? Periods{} : it->second;
}

std::vector<std::string> StatementIndex::MembersOf(const std::string& union_id) const {
  std::vector<std::string> out;
  for (const auto& [key, periods] : memberships_) {
    if (key.second == union_id && !periods.empty() && !periods.back().until) {
      out.push_back(key.first);
    }
  }
  return out;
}

std::map<std::string, std::vector<DatePeriod>> StatementIndex::MembershipsOf(
    const std::string& union_id) const {
  return PeriodsWith(memberships_, union_id, /*id_first=*/false);
}

std::map<std::string, std::vector<DatePeriod>> StatementIndex::StrikesBy(
    const std::string& union_id) const {
  return PeriodsWith(strikes_, union_id, /*id_first=*/true);
}

std::vector<std::string> StatementIndex::UnionsOf(const std::string& performer_id) const {
  std::vector<std::string> out;
  for (const auto& [key, periods] : memberships_) {
    if (key.first == performer_id && !periods.empty() && !periods.back().until) {
      out.push_back(key.second);
    }
  }
  return out;
}

bool StatementIndex::IsUnion(const std::string& id) const {
  const auto it = representatives_.find(id);
  return it != representatives_.end() && it->second.is_union;
}

}  // namespace figurant::ledger
