#include "core/deployment.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace muster {
namespace {

class DeploymentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / fmt::format("muster-deployment-{}", ::getpid());
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }
  void WriteFile(const std::string& name, const std::string& text) { std::ofstream(folder_ / name) << text; }
  Result<Deployment> Parse(const std::string& text) { return ParseDeployment(text, "deploy.toml", folder_.string()); }

  std::filesystem::path folder_;
};

TEST_F(DeploymentTest, ReadsTheChannelsAndTheirSecretsFromFiles) {
  WriteFile("smtp.password", "hunter2\n");
  WriteFile("webhook.secret", "s3cret");
  auto d = Parse(R"(
[smtp]
host = "127.0.0.1"
port = 2525
starttls = true
from = "Recruitment office <noreply@example.org>"
username = "muster"
password_file = "smtp.password"

[webhook]
url = "http://127.0.0.1:9000/notify"
secret_file = "webhook.secret"
)");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_TRUE(d->smtp);
  EXPECT_EQ(d->smtp->host, "127.0.0.1");
  EXPECT_EQ(d->smtp->port, 2525);
  EXPECT_TRUE(d->smtp->starttls);
  EXPECT_EQ(d->smtp->from, "Recruitment office <noreply@example.org>");
  EXPECT_EQ(d->smtp->password, "hunter2");
  ASSERT_TRUE(d->webhook);
  EXPECT_EQ(d->webhook->secret, "s3cret");
}

TEST_F(DeploymentTest, AnEmptyFileConfiguresNoChannel) {
  auto d = Parse("");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_FALSE(d->smtp);
  EXPECT_FALSE(d->webhook);
  auto minimal = Parse("[smtp]\nhost = \"mail\"\nfrom = \"a@b\"\n");
  ASSERT_TRUE(minimal.ok()) << minimal.status().message();
  EXPECT_EQ(minimal->smtp->port, 25);
  EXPECT_FALSE(minimal->smtp->starttls);
}

// Every problem at once, each with its line and key, so that one run shows what to fix.
TEST_F(DeploymentTest, NamesTheLineAndKeyOfEveryProblem) {
  WriteFile("empty.secret", "\n");
  auto d = Parse(R"([smtp]
host = "127.0.0.1"
port = 70000
from = "nobody"
starttls = "yes"
prot = 25

[webhook]
url = "ftp://example.org"
secret_file = "empty.secret"
)");
  ASSERT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = d.status().message();
  EXPECT_NE(m.find("deploy.toml:3: smtp.port: expected 1 to 65535"), std::string::npos) << m;
  EXPECT_NE(m.find("deploy.toml:4: smtp.from: expected an address"), std::string::npos) << m;
  EXPECT_NE(m.find("deploy.toml:5: smtp.starttls: expected true or false"), std::string::npos) << m;
  EXPECT_NE(m.find("deploy.toml:6: smtp.prot: unknown key"), std::string::npos) << m;
  EXPECT_NE(m.find("deploy.toml:9: webhook.url: expected an http:// or https:// URL"), std::string::npos) << m;
  EXPECT_NE(m.find("deploy.toml:10: webhook.secret_file: "), std::string::npos) << m;
  EXPECT_NE(m.find("is empty"), std::string::npos) << m;
}

TEST_F(DeploymentTest, RefusesWhatCouldNotBeMeant) {
  auto missing_secret = Parse("[webhook]\nurl = \"http://x/\"\n");
  EXPECT_NE(missing_secret.status().message().find("webhook.secret_file: missing"), std::string::npos)
      << missing_secret.status().message();
  auto no_file = Parse("[webhook]\nurl = \"http://x/\"\nsecret_file = \"nope\"\n");
  EXPECT_NE(no_file.status().message().find("deploy.toml:3: webhook.secret_file: cannot read"), std::string::npos)
      << no_file.status().message();
  auto header_injection = Parse("[smtp]\nhost = \"mail\"\nfrom = \"a@b\\r\\nBcc: everyone@example.org\"\n");
  EXPECT_NE(header_injection.status().message().find("smtp.from: must not hold control characters"), std::string::npos)
      << header_injection.status().message();
  auto not_a_table = Parse("smtp = 3\n");
  EXPECT_NE(not_a_table.status().message().find("deploy.toml:1: smtp: expected a table [smtp]"), std::string::npos)
      << not_a_table.status().message();
  auto not_toml = Parse("[smtp\n");
  EXPECT_NE(not_toml.status().message().find("deploy.toml:1: "), std::string::npos) << not_toml.status().message();
  auto user_without_password = Parse("[smtp]\nhost = \"mail\"\nfrom = \"a@b\"\nusername = \"u\"\n");
  EXPECT_NE(user_without_password.status().message().find("smtp.password_file: missing"), std::string::npos)
      << user_without_password.status().message();
}

TEST_F(DeploymentTest, LoadsAFileAndReadsItsSecretsBesideIt) {
  WriteFile("hook.secret", "k");
  WriteFile("deploy.toml", "[webhook]\nurl = \"https://gw.example/notify\"\nsecret_file = \"hook.secret\"\n");
  auto d = LoadDeployment((folder_ / "deploy.toml").string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->webhook->secret, "k");
  auto none = LoadDeployment((folder_ / "absent.toml").string());
  EXPECT_EQ(none.status().code(), StatusCode::kIoError);
  EXPECT_NE(none.status().message().find("config: cannot read deployment file"), std::string::npos);
}

}  // namespace
}  // namespace muster
