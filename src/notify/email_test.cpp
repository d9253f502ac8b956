#include "notify/email.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <sstream>

namespace muster::notify {
namespace {

const Timestamp kT0 = *ParseTimestamp("2026-12-03T11:45:48.250Z");

std::string FromBase64(std::string_view text) {
  std::string out(text.size(), '\0');
  size_t len = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                              "\r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(len);
  return out;
}

TEST(Email, TheAddressOfAMailbox) {
  struct Case {
    std::string_view mailbox;
    std::string_view want;  // empty: refused
  } cases[] = {
      {"a@b.c", "a@b.c"},
      {"Recruitment office <noreply@example.org>", "noreply@example.org"},
      {"<noreply@example.org>", "noreply@example.org"},
      {"", ""},
      {"nobody", ""},
      {"@b.c", ""},
      {"a@", ""},
      {"a@b@c", ""},
      {"a b@c.d", ""},
      {"a@b.c\r\nBcc: x@y.z", ""},
      {"Name <a@b.c", ""},
      {"Name <a@b.c> trailing", ""},
      {"Na<me <a@b.c>", ""},
      {"Name <a@b.c>>", ""},
  };
  for (const Case& c : cases) {
    auto got = AddrSpec(c.mailbox, "address");
    if (c.want.empty()) {
      EXPECT_FALSE(got.ok()) << c.mailbox;
      if (!got.ok()) {
        EXPECT_EQ(got.status().field(), "address");
      }
    } else {
      ASSERT_TRUE(got.ok()) << c.mailbox << ": " << got.status().ToString();
      EXPECT_EQ(*got, c.want);
    }
  }
}

TEST(Email, AMessageWithItsHeadersAndTheBodyInBase64) {
  Email e{"Recruitment office <noreply@example.org>",
          "ivan@example.org",
          "Повестка 26-00000001-5 ждёт вас",
          std::string("Здравствуйте!\n") + std::string(200, 'x') + "\n",
          "<n1.email.ab@muster>",
          kT0};
  auto text = FormatEmail(e);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  size_t split = text->find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  const std::string head = text->substr(0, split + 2);
  EXPECT_NE(head.find("From: Recruitment office <noreply@example.org>\r\n"), std::string::npos);
  EXPECT_NE(head.find("To: ivan@example.org\r\n"), std::string::npos);
  EXPECT_NE(head.find("Date: Thu, 03 Dec 2026 11:45:48 +0000\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Message-ID: <n1.email.ab@muster>\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  // The subject in encoded words, folded, that decode back to the subject.
  size_t s = head.find("Subject: ");
  ASSERT_NE(s, std::string::npos);
  std::string subject;
  std::string line;
  std::istringstream in(head.substr(s + 9));
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!subject.empty() && (line.empty() || line[0] != ' ')) break;
    std::string_view word = line;
    while (!word.empty() && word[0] == ' ') word.remove_prefix(1);
    ASSERT_TRUE(word.starts_with("=?UTF-8?B?") && word.ends_with("?=")) << word;
    ASSERT_LE(word.size(), 75u);
    subject += FromBase64(word.substr(10, word.size() - 12));
  }
  EXPECT_EQ(subject, e.subject);
  // Every line ends in CRLF and is short; the body decodes to the text with CRLF line ends.
  std::string body_b64;
  for (size_t at = 0; at < text->size();) {
    size_t end = text->find("\r\n", at);
    ASSERT_NE(end, std::string::npos) << "a line without CRLF";
    EXPECT_EQ(text->substr(at, end - at).find('\n'), std::string::npos);
    if (at > split) {
      EXPECT_LE(end - at, 76u);
      body_b64 += text->substr(at, end - at);
    }
    at = end + 2;
  }
  EXPECT_EQ(FromBase64(body_b64), std::string("Здравствуйте!\r\n") + std::string(200, 'x') + "\r\n");
}

TEST(Email, NoValueCanAddAHeader) {
  Email e{"Office <noreply@example.org>",
          "ivan@example.org",
          "Subject\r\nBcc: all@example.org",
          "Body\n",
          "<n1.email.ab@muster>",
          kT0};
  auto text = FormatEmail(e);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->find("\r\nBcc:"), std::string::npos) << *text;
  e.to = "ivan@example.org\r\nBcc: all@example.org";
  EXPECT_EQ(FormatEmail(e).status().field(), "address");
  e.to = "ivan@example.org";
  e.from = "Office <noreply@example.org>\nBcc: all@example.org";
  EXPECT_EQ(FormatEmail(e).status().field(), "from");
  e.from = "Office <noreply@example.org>";
  e.message_id = "<a@b>\r\nBcc: all@example.org";
  EXPECT_EQ(FormatEmail(e).status().field(), "message_id");
  e.message_id = "no-brackets@b";
  EXPECT_EQ(FormatEmail(e).status().field(), "message_id");
}

}  // namespace
}  // namespace muster::notify
