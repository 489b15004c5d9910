// Appearances against frames, ranges and seconds worked out by hand, and against the statement
// computed from the same ledger (they count the same units).
#include "ledger/appearances.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "consent/production_declaration.h"
#include "core/file.h"
#include "ledger/payloads.h"
#include "ledger/statement.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;

// Entries numbered in order, as a verified ledger hands them on.
class Entries {
 public:
  template <typename Event>
  Entries& Add(const Event& event) {
    auto [type, payload] = ToEntry(event);
    Entry e;
    e.type = type;
    e.seq = entries_.size();
    e.payload = std::move(payload);
    entries_.push_back(std::move(e));
    return *this;
  }
  // `double_id` of performer P visible in frames [first, last] of `shot`, rendered by `render`.
  Entries& Frames(const std::string& render, const std::string& shot, int first, int last,
                  const std::string& double_id = "dbl_1", double height = 0.1, double fps = 24,
                  const std::string& performer = "per_P") {
    for (int f = first; f <= last; ++f) {
      UsageEvent u;
      u.render_id = render;
      u.key = {"prd_1", shot, f};
      u.fps = fps;
      u.double_id = double_id;
      u.performer_id = performer;
      u.licence_id = "lic_" + performer;
      u.agent_names = {"a"};
      u.pixels = 100;
      u.height_fraction = height;
      Add(u);
    }
    return *this;
  }
  const std::vector<Entry>& all() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

ProductionDeclaredEvent Declared(const std::string& rate) {
  consent::ProductionDeclaration d{
      "prd_1", "stu_1", "Market", {"streaming"}, {"FR"}, {}, *ParseFrameRate(rate)};
  return {consent::SignProduction(d, GenerateSigningKeyPair())};
}

TEST(AppearancesTest, ConsecutiveFramesMergeIntoRanges) {
  Entries log;
  log.Frames("rnd_1", "sh010", 1, 48)
      .Frames("rnd_1", "sh010", 60, 72)
      .Frames("rnd_1", "sh020", 5, 5);
  const auto a = ComputeAppearances(log.all(), "per_P");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->shots.size(), 2u);
  EXPECT_EQ(a->shots[0].shot, "sh010");
  EXPECT_EQ(a->shots[0].frames, (std::vector<FrameRange>{{1, 48}, {60, 72}}));
  EXPECT_EQ(a->shots[0].frame_count, 61u);
  EXPECT_DOUBLE_EQ(a->shots[0].screen_seconds, 61.0 / 24);
  EXPECT_EQ(a->shots[1].frames, (std::vector<FrameRange>{{5, 5}}));
  EXPECT_DOUBLE_EQ(a->screen_seconds, 62.0 / 24);
  // Someone else's appearances are not theirs.
  EXPECT_TRUE(ComputeAppearances(log.all(), "per_Q")->shots.empty());
}

// Supersession: a re-render that hides the double removes nothing; one that shows it larger
// raises the largest height; frames are counted once however often they are rendered.
TEST(AppearancesTest, ReRenderingNeverRemovesAnAppearance) {
  Entries log;
  log.Frames("rnd_1", "sh010", 1, 10, "dbl_1", 0.1);
  log.Add(SupersedeEvent{"rnd_2", "rnd_1", {"prd_1", "sh010", 3}});
  log.Frames("rnd_2", "sh010", 4, 12, "dbl_1", 0.35);  // frames 1-3 not shown by rnd_2
  const auto a = ComputeAppearances(log.all(), "per_P");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->shots.size(), 1u);
  EXPECT_EQ(a->shots[0].frames, (std::vector<FrameRange>{{1, 12}}));
  EXPECT_DOUBLE_EQ(a->shots[0].screen_seconds, 12.0 / 24);
  EXPECT_DOUBLE_EQ(a->shots[0].max_height_fraction, 0.35);
}

// Screen-seconds at the declared rate, whatever fps usage carries; two of the performer's doubles
// in one frame count one frame but twice the seconds, as the statement bills them.
TEST(AppearancesTest, SecondsAtTheDeclaredRateAndPerDouble) {
  Entries log;
  log.Add(Declared("24000/1001"));
  log.Frames("rnd_1", "sh010", 1, 240, "dbl_1", 0.1, 25);
  log.Frames("rnd_1", "sh010", 1, 10, "dbl_2", 0.2, 25);
  const auto a = ComputeAppearances(log.all(), "per_P");
  ASSERT_TRUE(a.ok());
  ASSERT_EQ(a->shots.size(), 1u);
  EXPECT_EQ(a->shots[0].frame_count, 240u);
  EXPECT_NEAR(a->shots[0].screen_seconds, 250 * 1001.0 / 24000, 1e-9);
  EXPECT_EQ(a->shots[0].doubles, (std::vector<std::string>{"dbl_1", "dbl_2"}));
  EXPECT_DOUBLE_EQ(a->shots[0].max_height_fraction, 0.2);
  ASSERT_EQ(a->warnings.size(), 1u);  // usage metered at 25 fps, counted at 23.976
}

TEST(AppearancesTest, ABrokenUsagePayloadIsDataLoss) {
  Entries log;
  log.Frames("rnd_1", "sh010", 1, 2);
  std::vector<Entry> entries = log.all();
  entries[1].payload = R"({"render":"rnd_1"})";
  const auto a = ComputeAppearances(entries, "per_P");
  EXPECT_EQ(a.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(a.status().message().find("ledger entry 1"), std::string::npos) << a.status().message();
}

// From a real ledger and from its export: the performer's screen-seconds equal their statement's.
TEST(AppearancesTest, AgreesWithTheStatementOfTheSameLedger) {
  ASSERT_TRUE(InitCrypto().ok());
  const fs::path dir =
      fs::temp_directory_path() / ("figurant-appearances-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  FixedClock clock(1790000000);
  const SigningKeyPair key = GenerateSigningKeyPair();
  auto ledger = Ledger::Open(dir, key, clock);
  ASSERT_TRUE(ledger.ok());
  Entries log;
  log.Frames("rnd_1", "sh010", 1, 30).Frames("rnd_2", "sh020", 7, 9, "dbl_2", 0.5, 12);
  std::vector<std::pair<EntryType, std::string>> batch;
  for (const Entry& e : log.all()) batch.emplace_back(e.type, e.payload);
  ASSERT_TRUE((*ledger)->AppendPayloads(batch).ok());

  const auto a = ComputeAppearances(**ledger, "per_P");
  const auto s = ComputeStatements(**ledger);
  ASSERT_TRUE(a.ok() && s.ok());
  double stated = 0;
  for (const ProductionLine& l : s->performers.at("per_P").productions) stated += l.screen_seconds;
  EXPECT_DOUBLE_EQ(a->screen_seconds, stated);
  EXPECT_DOUBLE_EQ(a->screen_seconds, 30.0 / 24 + 3.0 / 12);
  EXPECT_EQ(a->head.tree_size, (*ledger)->size());
  const auto exported = ComputeAppearances(*ReadFile((*ledger)->file()), key.public_key, "per_P");
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(AppearancesJson(*exported), AppearancesJson(*a));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace figurant::ledger
