// Maps a method and path to a route id and its path parameters.
//
// Patterns are literal segments and `{name}` parameters: "/api/v1/persons/{national_id}". A
// path that no pattern matches is NotFound; a path some pattern matches under other methods is
// MethodNotAllowed with the Allow list. Built once before the server starts; Match is then
// thread-safe (read-only).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.hpp"

namespace muster::http {

struct PathParams {
  std::vector<std::pair<std::string_view, std::string_view>> items;  // views into pattern and path
  std::string_view Get(std::string_view name) const {
    for (const auto& [k, v] : items) {
      if (k == name) return v;
    }
    return {};
  }
};

struct RouteMatch {
  enum Kind { kFound, kNotFound, kMethodNotAllowed } kind = kNotFound;
  size_t id = 0;       // for kFound: the id Add returned
  std::string allow;   // for kMethodNotAllowed: "GET, POST"
};

class Router {
 public:
  // Returns the id of the new route (0, 1, 2, ... in order of adding).
  size_t Add(Method method, std::string pattern);
  // `params` receives the parameters of a found route.
  RouteMatch Match(Method method, std::string_view path, PathParams& params) const;

 private:
  struct Entry {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
  };
  static bool MatchSegments(const Entry& entry, std::string_view path, PathParams* params);

  std::vector<Entry> entries_;
};

}  // namespace muster::http
