#include "notify/channels.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace muster::notify {
namespace {

using S = NotificationStatus;

TEST(Channels, SmtpAnswersAsStatuses) {
  struct Case {
    int curl;
    long reply;
    S want;
  } cases[] = {
      {CURLE_OK, 250, S::kDelivered},
      {CURLE_OK, 0, S::kDelivered},
      {CURLE_SEND_ERROR, 550, S::kPermanentFailure},  // RCPT refused
      {CURLE_SEND_ERROR, 554, S::kPermanentFailure},  // transaction failed
      {CURLE_SEND_ERROR, 451, S::kTemporaryFailure},  // try again later
      {CURLE_WEIRD_SERVER_REPLY, 421, S::kTemporaryFailure},
      {CURLE_COULDNT_CONNECT, 0, S::kTemporaryFailure},  // connection refused
      {CURLE_OPERATION_TIMEDOUT, 0, S::kTemporaryFailure},
      {CURLE_LOGIN_DENIED, 535, S::kPermanentFailure},
  };
  for (const Case& c : cases) {
    SendResult r = ClassifySmtp(c.curl, c.reply, "the answer");
    EXPECT_EQ(r.status, c.want) << c.curl << " " << c.reply;
    EXPECT_EQ(r.answer, "the answer");
    EXPECT_EQ(r.reason.empty(), c.want == S::kDelivered);
    if (c.want != S::kDelivered) {
      EXPECT_NE(r.reason.find("the answer"), std::string::npos) << r.reason;
    }
  }
}

TEST(Channels, HttpAnswersAsStatuses) {
  struct Case {
    int curl;
    long status;
    S want;
  } cases[] = {
      {CURLE_OK, 200, S::kDelivered},
      {CURLE_OK, 202, S::kDelivered},
      {CURLE_OK, 400, S::kPermanentFailure},
      {CURLE_OK, 404, S::kPermanentFailure},
      {CURLE_OK, 408, S::kTemporaryFailure},
      {CURLE_OK, 429, S::kTemporaryFailure},
      {CURLE_OK, 500, S::kTemporaryFailure},
      {CURLE_OK, 503, S::kTemporaryFailure},
      {CURLE_COULDNT_CONNECT, 0, S::kTemporaryFailure},
  };
  for (const Case& c : cases) EXPECT_EQ(ClassifyHttp(c.curl, c.status, "").status, c.want) << c.status;
  EXPECT_EQ(ClassifyHttp(CURLE_OK, 503, "busy").answer, "HTTP 503: busy");
}

TEST(Channels, TheWebhookSignatureIsHmacSha256InHex) {
  // RFC 4231, test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Channels, TheWebhookBodyCarriesTheMessageAndItsIds) {
  Notification n;
  n.id = 7;
  n.message_id = "<n3.webhook.ab@muster>";
  n.templ = "summons_delivered";
  n.lang = "ru";
  n.address = "+79990000001";
  n.summons_number = "26-00000001-5";
  auto j = nlohmann::json::parse(WebhookBody(n, {"Тема", "Текст"}));
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["message_id"], "<n3.webhook.ab@muster>");
  EXPECT_EQ(j["template"], "summons_delivered");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["to"], "+79990000001");
  EXPECT_EQ(j["summons_number"], "26-00000001-5");
  EXPECT_EQ(j["subject"], "Тема");
  EXPECT_EQ(j["text"], "Текст");
}

}  // namespace
}  // namespace muster::notify
