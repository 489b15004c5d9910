// Disclosure versions on the performer's licence page (docs/licence.md, "Disclosure versions";
// docs/portal.md): on a copy of a bank main's figurant made before versions (tests/data/bank-v3),
// served by the real `figurant serve`, the licence signed under version 1 says in the page's
// language that the text changed and how to confirm again, then links the studio's re-offer.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "api_harness.h"
#include "bank_v3.h"
#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {
namespace {

using nlohmann::json;

class PortalDisclosureTest : public BankV3Test {
 protected:
  PortalDisclosureTest() : BankV3Test("portal-disclosure") {}

  void SetUp() override {
    BankV3Test::SetUp();
    ASSERT_EQ(device_.Enrol(ids_.performer).exit_code, 0);
    performer_user_ =
        Json({"user", "add", "--role", "performer", "--performer", ids_.performer,
              "--public-key-file", device_.KeyFile(ids_.performer, "performer").string() + ".pub"})
            .value("id", "");
    studio_user_ =
        Json({"user", "add", "--role", "studio", "--studio", ids_.studio, "--public-key-file",
              std::string(FIGURANT_BANK_V3_DIR) + "/studio.key.pub"})
            .value("id", "");
    server_ = std::make_unique<ServeProcess>(bank_.string(), kBankV3Now);
    ASSERT_TRUE(server_->ok()) << server_->error();
  }

  // A session for `user`, with a sign-in code an operator issued.
  std::optional<ApiSession> LogIn(const std::string& user) {
    ApiReply refused;
    auto session =
        ApiClient(server_->port())
            .LogInWithCode(Json({"user", "sign-in-code", user}).value("code", ""), &refused);
    EXPECT_TRUE(session.has_value()) << refused.status << " " << refused.body;
    return session;
  }

  std::string performer_user_, studio_user_;
  std::unique_ptr<ServeProcess> server_;
};

constexpr char kTitleEn[] = "The text of this licence has changed";
constexpr char kTitleFr[] = "Le texte de cette licence a changé";

TEST_F(PortalDisclosureTest, ALicenceSignedBeforeMovementSaysSoAndLinksTheReoffer) {
  const ApiClient client(server_->port());
  const auto performer = LogIn(performer_user_);
  ASSERT_TRUE(performer);
  const std::string api = "/api/v1/performers/" + ids_.performer + "/licences/";
  EXPECT_EQ(client.Send("GET", api + ids_.in_force, performer).Json()["disclosure_version"], 1);

  const ApiReply page = client.Send("GET", "/me/licences/" + ids_.in_force + "?lang=en", performer);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find(kTitleEn), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("You signed this licence under an older text (version 1)"),
            std::string::npos);
  EXPECT_NE(page.body.find("your double may walk, stand, sit and turn"), std::string::npos);
  EXPECT_NE(page.body.find(HtmlEscaped("Harbour Pictures") + " has not offered them again yet"),
            std::string::npos)
      << page.body;
  EXPECT_EQ(page.body.find("/me/offers/"), std::string::npos) << "nothing to sign yet";
  const ApiReply french =
      client.Send("GET", "/me/licences/" + ids_.in_force + "?lang=fr", performer);
  EXPECT_NE(french.body.find(kTitleFr), std::string::npos) << french.body;
  EXPECT_NE(french.body.find("votre doublure peut marcher, rester debout, s’asseoir et se tourner"),
            std::string::npos);
  const ApiReply home = client.Send("GET", "/me?lang=en", performer);
  EXPECT_NE(home.body.find("You signed it under an older text"), std::string::npos) << home.body;
  // A revoked licence moves nobody: no notice.
  const ApiReply revoked =
      client.Send("GET", "/me/licences/" + ids_.revoked + "?lang=en", performer);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.body.find(kTitleEn), std::string::npos);

  // The studio offers the same terms again; a second re-offer waits for the first.
  const auto studio = LogIn(studio_user_);
  ASSERT_TRUE(studio);
  const std::string reoffer =
      "/api/v1/studios/" + ids_.studio + "/licences/" + ids_.in_force + "/reoffer";
  const ApiReply made = client.Send("POST", reoffer, studio, "{}");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string draft = made.Json().value("id", "");
  EXPECT_EQ(made.Json()["disclosure_version"], 2);
  EXPECT_EQ(client.Send("POST", reoffer, studio, "{}").status, 409);
  EXPECT_EQ(client.Send("POST", reoffer, performer, "{}").status, 404) << "a studio's route";

  const ApiReply linked =
      client.Send("GET", "/me/licences/" + ids_.in_force + "?lang=en", performer);
  EXPECT_NE(linked.body.find(HtmlEscaped("Harbour Pictures") +
                             " has offered you these terms again with the new text"),
            std::string::npos)
      << linked.body;
  EXPECT_NE(linked.body.find("<a href=\"/me/offers/" + draft + "\">Read the new text</a>"),
            std::string::npos)
      << linked.body;
  const ApiReply offer = client.Send("GET", "/me/offers/" + draft + "?lang=en", performer);
  ASSERT_EQ(offer.status, 200);
  EXPECT_NE(offer.body.find("MOVEMENT: your double may walk"), std::string::npos);

  // Signed: the new licence has no notice; the old one keeps it (it stays as it was signed).
  ASSERT_EQ(device_.Sign(ids_.performer, draft).exit_code, 0);
  const ApiReply renewed = client.Send("GET", "/me/licences/" + draft + "?lang=en", performer);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(renewed.body.find(kTitleEn), std::string::npos);
  EXPECT_NE(client.Send("GET", "/me/licences/" + ids_.in_force + "?lang=en", performer)
                .body.find(kTitleEn),
            std::string::npos);
}

}  // namespace
}  // namespace figurant::testing
