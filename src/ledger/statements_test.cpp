// Statements in a ledger, against entries made here: the test plays the performer's and the
// union's devices (it holds their private keys and signs with consent::SignStatement) and the bank
// (it writes the entries).
#include "ledger/statements.h"

#include <gtest/gtest.h>

#include "ledger/consent_audit.h"

namespace figurant::ledger {
namespace {

constexpr int64_t kEnrolledAt = 1780000000;  // 2026-05-28T20:26:40Z
constexpr char kPerformer[] = "per_00000000000000b2";
constexpr char kLicence[] = "lic_00000000000000c3";
constexpr char kUnion[] = "rep_00000000000000d4";
constexpr char kCounsel[] = "rep_00000000000000e5";
constexpr char kStudio[] = "stu_00000000000000f6";

Date D(const char* s) { return *Date::Parse(s); }

class StatementIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    KeyEnrolledEvent k;
    k.signer_id = kPerformer;
    k.performer_id = kPerformer;
    k.public_key = performer_.public_key;
    k.valid_from = kEnrolledAt;
    ASSERT_TRUE(Add(Next(k)).ok());
    for (const auto& [id, key, kind] :
         {std::tuple{kUnion, union_, consent::Representation::kUnion},
          std::tuple{kCounsel, counsel_, consent::Representation::kCounsel}}) {
      RepresentativeRegisteredEvent r;
      r.representative_id = id;
      r.name = id;
      r.kind = kind;
      r.public_key = key.public_key;
      ASSERT_TRUE(Add(Next(r)).ok());
    }
  }

  template <typename Event>
  Entry Next(const Event& event) {
    Entry e;
    e.type = Event::kType;
    e.seq = seq_++;
    e.payload = Payload(event);
    return e;
  }

  Status Add(const Entry& e) {
    FIGURANT_RETURN_IF_ERROR(keys_.Add(e));
    return index_.Add(e, keys_);
  }

  // The statement signed with `key`, as the bank would append it.
  StatementEvent Signed(consent::StatementKind kind, std::vector<consent::StatementField> fields,
                        const SigningKeyPair& key, bool by_union = false) {
    consent::StatementRequest request;
    request.kind = kind;
    request.fields = std::move(fields);
    StatementEvent e;
    e.signer = by_union ? StatementSigner::kRepresentative : StatementSigner::kPerformer;
    e.signer_id = by_union ? kUnion : kPerformer;
    e.statement = *consent::SignStatement(request, key);
    return e;
  }
  Status Suspension(consent::StatementKind kind, const char* from, int64_t at,
                    const SigningKeyPair& key) {
    return Add(Next(Signed(kind, SuspensionFields(kLicence, kPerformer, D(from), at), key)));
  }

  SigningKeyPair performer_ = GenerateSigningKeyPair();
  SigningKeyPair union_ = GenerateSigningKeyPair();
  SigningKeyPair counsel_ = GenerateSigningKeyPair();
  KeyHistory keys_;
  StatementIndex index_;
  uint64_t seq_ = 0;
};

TEST_F(StatementIndexTest, ASuspensionHoldsFromItsDayUntilTheResumesDay) {
  using consent::StatementKind;
  ASSERT_TRUE(
      Suspension(StatementKind::kSuspendLicence, "2026-06-01", kEnrolledAt + 60, performer_).ok());
  EXPECT_TRUE(index_.Suspended(kLicence));
  ASSERT_TRUE(
      Suspension(StatementKind::kResumeLicence, "2026-06-10", kEnrolledAt + 120, performer_).ok());
  EXPECT_FALSE(index_.Suspended(kLicence));
  const auto periods = index_.SuspensionsOf(kLicence);
  ASSERT_EQ(periods.size(), 1u);
  EXPECT_EQ(periods[0].from, D("2026-06-01"));
  EXPECT_EQ(periods[0].until, D("2026-06-10"));
  EXPECT_EQ(index_.statements(), 2u);
}

TEST_F(StatementIndexTest, AStatementNotSignedByTheEnrolledKeyThenIsDataLoss) {
  using consent::StatementKind;
  const SigningKeyPair stranger = GenerateSigningKeyPair();
  EXPECT_EQ(
      Suspension(StatementKind::kSuspendLicence, "2026-06-01", kEnrolledAt + 60, stranger).code(),
      StatusCode::kDataLoss);
  // Signed (by its own clock) before the key was enrolled.
  EXPECT_EQ(
      Suspension(StatementKind::kSuspendLicence, "2026-06-01", kEnrolledAt - 60, performer_).code(),
      StatusCode::kDataLoss);
  // Signed by the performer, but for another performer's name.
  StatementEvent other =
      Signed(StatementKind::kSuspendLicence,
             SuspensionFields(kLicence, "per_00000000000000aa", D("2026-06-01"), kEnrolledAt + 60),
             performer_);
  EXPECT_EQ(Add(Next(other)).code(), StatusCode::kDataLoss);
  // A field changed after signing.
  StatementEvent moved =
      Signed(StatementKind::kSuspendLicence,
             SuspensionFields(kLicence, kPerformer, D("2026-06-01"), kEnrolledAt + 60), performer_);
  moved.statement.fields[2].value = "2026-07-01";
  EXPECT_EQ(Add(Next(moved)).code(), StatusCode::kDataLoss);
  EXPECT_FALSE(index_.Suspended(kLicence));
  EXPECT_EQ(index_.statements(), 0u);
}

TEST_F(StatementIndexTest, ResumingWhatIsNotSuspendedOrSuspendingTwiceIsRefused) {
  using consent::StatementKind;
  const Status resume =
      Suspension(StatementKind::kResumeLicence, "2026-06-01", kEnrolledAt + 60, performer_);
  EXPECT_EQ(resume.code(), StatusCode::kDataLoss);
  EXPECT_NE(resume.message().find("nothing to end"), std::string::npos) << resume.message();
  ASSERT_TRUE(
      Suspension(StatementKind::kSuspendLicence, "2026-06-01", kEnrolledAt + 60, performer_).ok());
  EXPECT_EQ(
      Suspension(StatementKind::kSuspendLicence, "2026-06-05", kEnrolledAt + 90, performer_).code(),
      StatusCode::kDataLoss);
  EXPECT_EQ(
      Suspension(StatementKind::kResumeLicence, "2026-05-01", kEnrolledAt + 95, performer_).code(),
      StatusCode::kDataLoss)
      << "resumed before it began";
}

// A strike applies to a performer only while they are a member, and only while it is on.
TEST_F(StatementIndexTest, AStrikeAppliesToAMemberForTheOverlapOfStrikeAndMembership) {
  using consent::StatementKind;
  const int64_t join_at = *ParseTimestamp("2026-06-05T09:00:00Z");
  ASSERT_TRUE(Add(Next(Signed(StatementKind::kStrike,
                              StrikeFields(kUnion, kStudio, D("2026-06-01"), kEnrolledAt + 60),
                              union_, true)))
                  .ok());
  EXPECT_TRUE(index_.StrikesFor(kPerformer).empty()) << "not a member yet";
  ASSERT_TRUE(Add(Next(Signed(StatementKind::kJoinUnion,
                              MembershipFields(kPerformer, kUnion, join_at), performer_)))
                  .ok());
  ASSERT_TRUE(
      Add(Next(Signed(StatementKind::kEndStrike,
                      StrikeFields(kUnion, kStudio, D("2026-06-20"), join_at + 60), union_, true)))
          .ok());
  const auto strikes = index_.StrikesFor(kPerformer);
  ASSERT_EQ(strikes.size(), 1u);
  EXPECT_EQ(strikes[0].union_id, kUnion);
  EXPECT_EQ(strikes[0].studio_id, kStudio);
  EXPECT_EQ(strikes[0].period.from, D("2026-06-05"));
  EXPECT_EQ(strikes[0].period.until, D("2026-06-20"));
  EXPECT_EQ(index_.MembersOf(kUnion), std::vector<std::string>{kPerformer});
}

// What a union's auditor is shown: every membership, past ones too, and every strike it declared.
TEST_F(StatementIndexTest, AUnionsMembershipsAndStrikesIncludeEndedOnes) {
  using consent::StatementKind;
  const int64_t join_at = *ParseTimestamp("2026-06-05T09:00:00Z");
  const int64_t leave_at = *ParseTimestamp("2026-06-09T09:00:00Z");
  EXPECT_TRUE(index_.MembershipsOf(kUnion).empty());
  ASSERT_TRUE(Add(Next(Signed(StatementKind::kJoinUnion,
                              MembershipFields(kPerformer, kUnion, join_at), performer_)))
                  .ok());
  ASSERT_TRUE(
      Add(Next(Signed(StatementKind::kStrike,
                      StrikeFields(kUnion, kStudio, D("2026-06-06"), join_at + 60), union_, true)))
          .ok());
  ASSERT_TRUE(Add(Next(Signed(StatementKind::kLeaveUnion,
                              MembershipFields(kPerformer, kUnion, leave_at), performer_)))
                  .ok());
  const auto members = index_.MembershipsOf(kUnion);
  ASSERT_EQ(members.size(), 1u);
  ASSERT_EQ(members.at(kPerformer).size(), 1u);
  EXPECT_EQ(members.at(kPerformer)[0].from, D("2026-06-05"));
  EXPECT_EQ(members.at(kPerformer)[0].until, D("2026-06-09"));
  EXPECT_TRUE(index_.MembersOf(kUnion).empty()) << "a past member is not a current one";
  EXPECT_TRUE(index_.MembershipsOf(kCounsel).empty());
  const auto strikes = index_.StrikesBy(kUnion);
  ASSERT_EQ(strikes.size(), 1u);
  ASSERT_EQ(strikes.at(kStudio).size(), 1u);
  EXPECT_EQ(strikes.at(kStudio)[0].from, D("2026-06-06"));
  EXPECT_FALSE(strikes.at(kStudio)[0].until) << "not ended";
  EXPECT_TRUE(index_.StrikesBy(kCounsel).empty());
}

TEST_F(StatementIndexTest, OnlyAUnionWithItsOwnKeyDeclaresAStrike) {
  using consent::StatementKind;
  StatementEvent by_counsel =
      Signed(StatementKind::kStrike, StrikeFields(kCounsel, kStudio, D("2026-06-01"), kEnrolledAt),
             counsel_, true);
  by_counsel.signer_id = kCounsel;
  EXPECT_EQ(Add(Next(by_counsel)).code(), StatusCode::kDataLoss) << "counsel is not a union";
  EXPECT_EQ(Add(Next(Signed(StatementKind::kStrike,
                            StrikeFields(kUnion, kStudio, D("2026-06-01"), kEnrolledAt), performer_,
                            true)))
                .code(),
            StatusCode::kDataLoss)
      << "a performer's key is not the union's";
  EXPECT_TRUE(index_.StrikesOf(kUnion, kStudio).empty());
}

TEST_F(StatementIndexTest, FieldsOutOfOrderOrOfAnotherKindAreRefusedNamingTheField) {
  auto fields = SuspensionFields(kLicence, kPerformer, D("2026-06-01"), kEnrolledAt + 60);
  std::swap(fields[0], fields[1]);
  consent::SignedStatement s;
  s.kind = consent::StatementKind::kSuspendLicence;
  s.fields = fields;
  const auto party = PartyOf(s);
  ASSERT_FALSE(party.ok());
  EXPECT_NE(party.status().message().find("fields[0]"), std::string::npos);
  s.kind = consent::StatementKind::kLogin;
  EXPECT_EQ(PartyOf(s).status().code(), StatusCode::kInvalidArgument);
}

// ledger verify re-verifies statements too: the auditor counts them and stops at a forged one.
TEST_F(StatementIndexTest, TheConsentAuditorReverifiesStatements) {
  ConsentAuditor audit;
  KeyEnrolledEvent k;
  k.signer_id = kPerformer;
  k.performer_id = kPerformer;
  k.public_key = performer_.public_key;
  k.valid_from = kEnrolledAt;
  seq_ = 0;
  ASSERT_TRUE(audit.Add(Next(k)).ok());
  const StatementEvent ok =
      Signed(consent::StatementKind::kSuspendLicence,
             SuspensionFields(kLicence, kPerformer, D("2026-06-01"), kEnrolledAt + 60), performer_);
  ASSERT_TRUE(audit.Add(Next(ok)).ok());
  EXPECT_EQ(audit.report().statements, 1u);
  StatementEvent forged = ok;
  forged.statement.kind = consent::StatementKind::kResumeLicence;
  EXPECT_EQ(audit.Add(Next(forged)).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace figurant::ledger
