// The deployment file (`muster --config FILE`, TOML): how this installation reaches people and
// other systems. The policy says what the law requires (when to tell a person); this file says
// how (which mail server, which gateway), and it differs between a test bench and production
// while the policy does not. Secrets are never written in it: it names files that hold them,
// read relative to the deployment file's folder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace muster {

// E-mail, sent through an SMTP relay.
struct SmtpSettings {
  std::string host;
  uint16_t port = 25;
  bool starttls = false;  // true: STARTTLS is required, and a server without it refused
  std::string from;       // "Recruitment office <noreply@example.org>"
  std::string username;   // empty: no login
  std::string password;   // read from password_file
};

// An HTTP endpoint that takes notifications as JSON (an SMS gateway, a push service, a digital
// post adapter); every body is signed with HMAC-SHA256 under `secret`.
struct WebhookSettings {
  std::string url;
  std::string secret;  // read from secret_file
};

struct Deployment {
  std::optional<SmtpSettings> smtp;
  std::optional<WebhookSettings> webhook;
};

// Parses a deployment file's text. `source` names it in errors ("deploy.toml:4: smtp.port:
// expected 1 to 65535"), every problem a line of one InvalidArgument. The secret files it names
// are read relative to `folder` (the deployment file's), and must hold one line (a trailing line
// break is dropped).
Result<Deployment> ParseDeployment(std::string_view text, std::string_view source, const std::string& folder);
// Reads the file at `path` and parses it.
Result<Deployment> LoadDeployment(const std::string& path);

}  // namespace muster
