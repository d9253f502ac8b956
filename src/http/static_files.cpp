#include "http/static_files.hpp"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include "http/problem.hpp"

namespace muster::http {

std::string_view ContentTypeFor(std::string_view path) {
  size_t dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "wasm") return "application/wasm";
  return "application/octet-stream";
}

namespace {

bool IsFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return true;
}

}  // namespace

bool ServeStatic(const std::string& root, const Request& request, Response& response) {
  if (root.empty() || (request.method != Method::kGet && request.method != Method::kHead)) return false;
  std::string_view path = request.path;
  // No "..", no hidden files, no backslashes, no NULs: only plain relative names.
  if (path.find("/.") != std::string_view::npos || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos || path.find('%') != std::string_view::npos) {
    WriteProblem(response, 404, "no such file");
    return true;
  }
  std::string file = root + std::string(path == "/" ? "/index.html" : path);
  bool spa_route = path.rfind('.') == std::string_view::npos || path.rfind('.') < path.rfind('/');
  if (!IsFile(file)) {
    if (!spa_route) {
      WriteProblem(response, 404, "no such file");
      return true;
    }
    file = root + "/index.html";
    if (!IsFile(file)) return false;
  }
  if (!ReadFile(file, response.body)) {
    WriteProblem(response, 404, "no such file");
    return true;
  }
  response.status = 200;
  response.content_type.assign(ContentTypeFor(file));
  if (path.rfind("/assets/", 0) == 0) {
    response.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
  } else {
    response.SetHeader("Cache-Control", "no-cache");
  }
  if (request.method == Method::kHead) response.body.clear();
  return true;
}

}  // namespace muster::http
