// Serves a built front end (web/dist) as static files: GET / is index.html, other paths are
// files under the root; a path with no file extension that names no file is the single-page
// app's own route and gets index.html. No path escapes the root. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/message.hpp"

namespace muster::http {

// The Content-Type for a file name, by its extension.
std::string_view ContentTypeFor(std::string_view path);

// True when it answered (a file, or a 404 for a missing asset); false when `root` is empty or
// the request is not a GET or HEAD.
bool ServeStatic(const std::string& root, const Request& request, Response& response);

}  // namespace muster::http
