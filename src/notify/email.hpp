// An e-mail as the SMTP channel sends it (RFC 5322, RFC 2045, RFC 2047):
//
//   From: <settings' from>                  Message-ID: <the notification's, same on every try>
//   To: <address>                           Auto-Submitted: auto-generated
//   Subject: =?UTF-8?B?…?= (folded)         MIME-Version: 1.0
//   Date: Thu, 03 Dec 2026 11:45:48 +0000   Content-Type: text/plain; charset=UTF-8
//                                           Content-Transfer-Encoding: base64
//   <blank line>
//   the body in base64, 76 characters a line
//
// Every line ends in CRLF. Addresses come from the registry and the deployment file: one with a
// line break, a control character or angle brackets in the wrong place is refused, so no value
// can add a header.
#pragma once

#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/time.hpp"

namespace muster::notify {

// The bare address of a mailbox, "Name <a@b.c>" or "a@b.c" → "a@b.c". InvalidArgument naming
// `field` when it has no '@', control characters, spaces in the address or stray brackets.
Result<std::string> AddrSpec(std::string_view mailbox, std::string_view field);

struct Email {
  std::string from;  // a mailbox, "Name <a@b.c>"
  std::string to;    // an address
  std::string subject;
  std::string body;  // UTF-8, lines ending in \n
  std::string message_id;
  Timestamp date;
};

// The message's text; InvalidArgument when an address or the Message-ID is not fit for a
// header.
Result<std::string> FormatEmail(const Email& email);

}  // namespace muster::notify
