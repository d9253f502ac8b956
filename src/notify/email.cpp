#include "notify/email.hpp"

#include <date/date.h>
#include <fmt/format.h>
#include <sodium.h>

namespace muster::notify {
namespace {

bool HasControl(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 encoded words of at most 45 bytes of text each (60 of base64), cut between UTF-8
// characters, folded onto lines of their own.
std::string EncodeHeaderText(std::string_view text) {
  if (IsAscii(text) && text.size() <= 900) return std::string(text);
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = std::min(text.size(), at + 45);
    while (end < text.size() && end > at && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (end == at) end = std::min(text.size(), at + 45);  // not UTF-8: cut anywhere
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

}  // namespace

Result<std::string> AddrSpec(std::string_view mailbox, std::string_view field) {
  if (HasControl(mailbox)) return Status::InvalidArgument(field, "has a control character or a line break");
  std::string_view addr = mailbox;
  size_t open = mailbox.find('<');
  if (open != std::string_view::npos) {
    size_t close = mailbox.find('>', open);
    if (close == std::string_view::npos || close != mailbox.size() - 1) {
      return Status::InvalidArgument(field, "expected 'Name <address>'");
    }
    addr = mailbox.substr(open + 1, close - open - 1);
    if (mailbox.substr(0, open).find_first_of("<>\"") != std::string_view::npos) {
      return Status::InvalidArgument(field, "expected 'Name <address>', without brackets or quotes in the name");
    }
  }
  size_t at = addr.find('@');
  if (addr.empty() || at == std::string_view::npos || at == 0 || at + 1 == addr.size() ||
      addr.find('@', at + 1) != std::string_view::npos ||
      addr.find_first_of(" <>()[],;:\\\"") != std::string_view::npos) {
    return Status::InvalidArgument(field, fmt::format("'{}' is not an e-mail address", addr));
  }
  return std::string(addr);
}

Result<std::string> FormatEmail(const Email& e) {
  MUSTER_RETURN_IF_ERROR(AddrSpec(e.from, "from").status());
  MUSTER_ASSIGN_OR_RETURN(std::string to, AddrSpec(e.to, "address"));
  if (HasControl(e.message_id) || e.message_id.size() < 5 || e.message_id.front() != '<' ||
      e.message_id.back() != '>' || e.message_id.find('@') == std::string::npos ||
      e.message_id.find(' ') != std::string::npos) {
    return Status::InvalidArgument("message_id", fmt::format("'{}' is not a Message-ID", e.message_id));
  }
  std::string subject = e.subject;
  for (char& c : subject) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  std::string out;
  out.reserve(e.body.size() * 4 / 3 + 1024);
  out += "From: " + e.from + "\r\n";
  out += "To: " + to + "\r\n";
  out += "Subject: " + EncodeHeaderText(subject) + "\r\n";
  out += date::format("Date: %a, %d %b %Y %H:%M:%S +0000\r\n", std::chrono::floor<std::chrono::seconds>(e.date));
  out += "Message-ID: " + e.message_id + "\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  std::string body;
  body.reserve(e.body.size() + 64);
  for (char c : e.body) {
    if (c == '\n') {
      body += "\r\n";
    } else if (c != '\r') {
      body += c;
    }
  }
  const std::string encoded = Base64(body);
  for (size_t at = 0; at < encoded.size(); at += 76) out += encoded.substr(at, 76) + "\r\n";
  return out;
}

}  // namespace muster::notify
