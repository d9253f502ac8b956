#include "http/router.hpp"

namespace muster::http {
namespace {

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

size_t Router::Add(Method method, std::string pattern) {
  Entry e{method, std::move(pattern), {}};
  std::string_view rest = e.pattern;
  if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  while (true) {
    size_t slash = rest.find('/');
    e.segments.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  entries_.push_back(std::move(e));
  return entries_.size() - 1;
}

bool Router::MatchSegments(const Entry& entry, std::string_view path, PathParams* params) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  size_t n = 0;
  while (true) {
    size_t slash = path.find('/');
    std::string_view segment = path.substr(0, slash);
    if (n >= entry.segments.size()) return false;
    const std::string& want = entry.segments[n];
    if (IsParam(want)) {
      if (segment.empty()) return false;
      if (params) params->items.emplace_back(std::string_view(want).substr(1, want.size() - 2), segment);
    } else if (segment != want) {
      return false;
    }
    ++n;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return n == entry.segments.size();
}

RouteMatch Router::Match(Method method, std::string_view path, PathParams& params) const {
  RouteMatch match;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.method != method) continue;
    params.items.clear();
    if (MatchSegments(e, path, &params)) {
      match.kind = RouteMatch::kFound;
      match.id = i;
      return match;
    }
  }
  params.items.clear();
  for (const Entry& e : entries_) {
    if (!MatchSegments(e, path, nullptr)) continue;
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += MethodName(e.method);
  }
  match.kind = match.allow.empty() ? RouteMatch::kNotFound : RouteMatch::kMethodNotAllowed;
  return match;
}

}  // namespace muster::http
