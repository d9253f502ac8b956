#include "core/deployment.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/toml_reader.hpp"

namespace muster {
namespace {

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("cannot read '{}'", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The secret in the file `key` names: one line, without its line break.
void ReadSecretFile(TomlReader& r, const toml::table& root, const std::string& folder, std::string_view key,
                    std::string& out) {
  std::string name;
  if (!r.ReadOptional(key, name) || name.empty()) return;
  const toml::node* node = root.at_path(key).node();
  std::filesystem::path path(name);
  if (path.is_relative()) path = std::filesystem::path(folder) / path;
  auto text = ReadWhole(path.string());
  if (!text.ok()) {
    r.Error(key, node, text.status().message());
    return;
  }
  std::string secret = std::move(*text);
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) {
    r.Error(key, node, fmt::format("'{}' is empty", path.string()));
  } else if (secret.find_first_of("\r\n") != std::string::npos) {
    r.Error(key, node, fmt::format("'{}' must hold one line", path.string()));
  } else {
    out = std::move(secret);
  }
}

// A text value that goes into a protocol line (a host, an address): no control characters.
void CheckLine(TomlReader& r, const toml::table& root, std::string_view key, const std::string& value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      r.Error(key, root.at_path(key).node(), "must not hold control characters");
      return;
    }
  }
}

// True when the file has the table `name`; an error when `name` is there but not a table.
bool HasTable(TomlReader& r, const toml::table& root, std::string_view name) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return false;
  if (node->is_table()) return true;
  r.Known(name);
  r.Error(name, node, fmt::format("expected a table [{}]", name));
  return false;
}

}  // namespace

Result<Deployment> ParseDeployment(std::string_view text, std::string_view source, const std::string& folder) {
  MUSTER_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, source));
  TomlReader r(root, source);
  Deployment d;
  if (HasTable(r, root, "smtp")) {
    SmtpSettings smtp;
    if (r.Read("smtp.host", smtp.host)) {
      if (smtp.host.empty()) r.Error("smtp.host", root.at_path("smtp.host").node(), "must not be empty");
      CheckLine(r, root, "smtp.host", smtp.host);
    }
    int port = smtp.port;
    if (r.ReadOptional("smtp.port", port)) {
      if (port < 1 || port > 65535) {
        r.Error("smtp.port", root.at_path("smtp.port").node(), "expected 1 to 65535");
      } else {
        smtp.port = static_cast<uint16_t>(port);
      }
    }
    r.ReadOptional("smtp.starttls", smtp.starttls);
    if (r.Read("smtp.from", smtp.from)) {
      if (smtp.from.find('@') == std::string::npos) {
        r.Error("smtp.from", root.at_path("smtp.from").node(),
                "expected an address, such as \"Office <noreply@example.org>\"");
      }
      CheckLine(r, root, "smtp.from", smtp.from);
    }
    r.ReadOptional("smtp.username", smtp.username);
    CheckLine(r, root, "smtp.username", smtp.username);
    ReadSecretFile(r, root, folder, "smtp.password_file", smtp.password);
    if (!smtp.username.empty() && smtp.password.empty()) {
      r.Error("smtp.password_file", root.at_path("smtp.username").node(), "missing: smtp.username needs a password");
    }
    d.smtp = std::move(smtp);
  }
  if (HasTable(r, root, "webhook")) {
    WebhookSettings webhook;
    if (r.Read("webhook.url", webhook.url)) {
      if (!webhook.url.starts_with("http://") && !webhook.url.starts_with("https://")) {
        r.Error("webhook.url", root.at_path("webhook.url").node(), "expected an http:// or https:// URL");
      }
      CheckLine(r, root, "webhook.url", webhook.url);
    }
    if (!root.at_path("webhook.secret_file")) {
      r.Error("webhook.secret_file", root.get("webhook"), "missing: the webhook's bodies are signed");
    }
    ReadSecretFile(r, root, folder, "webhook.secret_file", webhook.secret);
    d.webhook = std::move(webhook);
  }
  MUSTER_RETURN_IF_ERROR(r.Finish());
  return d;
}

Result<Deployment> LoadDeployment(const std::string& path) {
  auto text = ReadWhole(path);
  if (!text.ok()) return Status::IoError(fmt::format("config: cannot read deployment file '{}'", path));
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  return ParseDeployment(*text, path, folder);
}

}  // namespace muster
