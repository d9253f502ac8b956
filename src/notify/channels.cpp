#include "notify/channels.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sodium.h>

#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "notify/email.hpp"

namespace muster::notify {
namespace {

constexpr long kConnectTimeoutSeconds = kConnectTimeout.count();
constexpr long kTransferTimeoutSeconds = kTransferTimeout.count();

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view data;
  size_t at = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t len = std::min(size * n, up->data.size() - up->at);
  std::memcpy(buffer, up->data.data() + up->at, len);
  up->at += len;
  return len;
}

size_t KeepBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < 512) out->append(data, std::min(size * n, 512 - out->size()));
  return size * n;
}

// The server's replies, as libcurl's debug callback sees them (the last few).
int KeepReplies(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  auto* replies = static_cast<std::vector<std::string>*>(user);
  std::string line(data, std::min<size_t>(size, 512));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.empty()) return 0;
  if (replies->size() >= 16) replies->erase(replies->begin());
  replies->push_back(std::move(line));
  return 0;
}

// The last reply with code `code`: the one the transfer ended on (not the QUIT that followed).
std::string ReplyOf(const std::vector<std::string>& replies, long code) {
  const std::string prefix = std::to_string(code);
  for (auto it = replies.rbegin(); it != replies.rend(); ++it) {
    if (it->starts_with(prefix)) return *it;
  }
  return replies.empty() ? "" : replies.back();
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A channel over one libcurl easy handle, reused from message to message (the SMTP connection
// stays open); Start resets it and sets what every transfer needs.
class CurlChannel : public Channel {
 public:
  CurlChannel() {
    GlobalInit();
    curl_ = curl_easy_init();
  }
  ~CurlChannel() override {
    if (curl_) curl_easy_cleanup(curl_);
  }
  CurlChannel(const CurlChannel&) = delete;
  CurlChannel& operator=(const CurlChannel&) = delete;

 protected:
  // The handle, reset, with `url`, `error` for libcurl's message and the timeouts; null when
  // libcurl could not start.
  CURL* Start(const std::string& url, char* error) {
    if (!curl_) return nullptr;
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, kTransferTimeoutSeconds);
    return curl_;
  }
  static SendResult NotStarted() {
    return {NotificationStatus::kTemporaryFailure, "libcurl did not start", "could not start libcurl"};
  }

 private:
  CURL* curl_ = nullptr;
};

class SmtpChannel final : public CurlChannel {
 public:
  SmtpChannel(SmtpSettings settings, const Clock& clock) : settings_(std::move(settings)), clock_(clock) {}
  NotificationChannel kind() const override { return NotificationChannel::kEmail; }

  SendResult Send(const Notification& n, const Rendered& rendered) override {
    auto from = AddrSpec(settings_.from, "smtp.from");
    if (!from.ok()) return {NotificationStatus::kTemporaryFailure, from.status().message(), "smtp.from is not valid"};
    auto text = FormatEmail({settings_.from, n.address, rendered.subject, rendered.body, n.message_id, clock_.Now()});
    if (!text.ok()) {
      return {NotificationStatus::kPermanentFailure, text.status().message(), text.status().message()};
    }
    auto to = AddrSpec(n.address, "address");
    if (!to.ok()) return {NotificationStatus::kPermanentFailure, to.status().message(), to.status().message()};
    const std::string url = fmt::format("smtp://{}:{}", settings_.host, settings_.port);
    const std::string mail_from = "<" + *from + ">";
    const std::string rcpt = "<" + *to + ">";
    curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
    Upload upload{*text};
    std::vector<std::string> replies;
    char error[CURL_ERROR_SIZE] = {};
    CURL* curl = Start(url, error);
    if (!curl) {
      curl_slist_free_all(recipients);
      return NotStarted();
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // the replies reach KeepReplies, nothing is printed
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, KeepReplies);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &replies);
    if (settings_.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!settings_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(recipients);
    std::string answer = reply != 0       ? ReplyOf(replies, reply)
                         : rc != CURLE_OK ? (error[0] ? std::string(error) : curl_easy_strerror(rc))
                                          : ReplyOf(replies, 250);
    return ClassifySmtp(rc, reply, Trimmed(std::move(answer)));
  }

 private:
  const SmtpSettings settings_;
  const Clock& clock_;
};

class WebhookChannel final : public CurlChannel {
 public:
  explicit WebhookChannel(WebhookSettings settings) : settings_(std::move(settings)) {}
  NotificationChannel kind() const override { return NotificationChannel::kWebhook; }

  SendResult Send(const Notification& n, const Rendered& rendered) override {
    const std::string body = WebhookBody(n, rendered);
    const std::string signature = "Muster-Signature: " + WebhookSignature(settings_.secret, body);
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    headers = curl_slist_append(headers, signature.c_str());
    std::string answer;
    char error[CURL_ERROR_SIZE] = {};
    CURL* curl = Start(settings_.url, error);
    if (!curl) {
      curl_slist_free_all(headers);
      return NotStarted();
    }
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, KeepBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) answer = error[0] ? std::string(error) : curl_easy_strerror(rc);
    return ClassifyHttp(rc, status, Trimmed(std::move(answer)));
  }

 private:
  const WebhookSettings settings_;
};

}  // namespace

std::unique_ptr<Channel> MakeSmtpChannel(const SmtpSettings& settings, const Clock& clock) {
  return std::make_unique<SmtpChannel>(settings, clock);
}

std::unique_ptr<Channel> MakeWebhookChannel(const WebhookSettings& settings) {
  return std::make_unique<WebhookChannel>(settings);
}

SendResult ClassifySmtp(int curl_code, long reply, std::string answer) {
  if (reply >= 500 && reply < 600) {
    std::string reason = fmt::format("the mail server refused the message: {}", answer);
    return {NotificationStatus::kPermanentFailure, std::move(answer), std::move(reason)};
  }
  if (curl_code == CURLE_OK && (reply == 0 || (reply >= 200 && reply < 300))) {
    return {NotificationStatus::kDelivered, std::move(answer), ""};
  }
  std::string reason = reply >= 400 ? fmt::format("the mail server deferred the message: {}", answer)
                                    : fmt::format("the mail server could not be reached: {}", answer);
  return {NotificationStatus::kTemporaryFailure, std::move(answer), std::move(reason)};
}

SendResult ClassifyHttp(int curl_code, long status, std::string answer) {
  std::string said = status ? fmt::format("HTTP {}{}{}", status, answer.empty() ? "" : ": ", answer) : answer;
  if (curl_code != CURLE_OK || status == 0) {
    return {NotificationStatus::kTemporaryFailure, said, fmt::format("the webhook could not be reached: {}", said)};
  }
  if (status >= 200 && status < 300) return {NotificationStatus::kDelivered, std::move(said), ""};
  if (status == 408 || status == 425 || status == 429 || status >= 500) {
    return {NotificationStatus::kTemporaryFailure, said, fmt::format("the webhook deferred the message: {}", said)};
  }
  return {NotificationStatus::kPermanentFailure, said, fmt::format("the webhook refused the message: {}", said)};
}

std::string WebhookBody(const Notification& n, const Rendered& rendered) {
  nlohmann::ordered_json j = {{"id", n.id},
                              {"message_id", n.message_id},
                              {"template", n.templ},
                              {"version", n.template_version},
                              {"lang", n.lang},
                              {"to", n.address},
                              {"summons_number", n.summons_number},
                              {"subject", rendered.subject},
                              {"text", rendered.body}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  std::string hex;
  hex.reserve(sizeof mac * 2);
  for (unsigned char b : mac) hex += fmt::format("{:02x}", b);
  return hex;
}

}  // namespace muster::notify
