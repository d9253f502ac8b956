// What every API handler sees: the request, the response to fill, the path parameters, the
// authenticated principal and the services. Handlers only translate HTTP <-> services; every
// rule lives in the services, every role check in auth/access.hpp and the route table.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/domain.hpp"
#include "auth/access.hpp"
#include "auth/auth_service.hpp"
#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "http/connection_limits.hpp"
#include "http/message.hpp"
#include "http/problem.hpp"
#include "http/router.hpp"
#include "ledger/log.hpp"
#include "store/store.hpp"
#include "summons/stoplist_service.hpp"

namespace muster::api {

class JobRunner;
class Metrics;

struct Services {
  Store& store;
  const Policy& policy;
  const Clock& clock;
  app::Domain& domain;  // the domain services
  auth::AuthService& auth;
  JobRunner& jobs;
  Metrics& metrics;
  const std::string* openapi = nullptr;                // the OpenAPI document of the route table
  const std::atomic<bool>* ready = nullptr;            // for /readyz
  const ledger::Ledger* ledger = nullptr;              // checkpoints and receipts; 503 without it
  size_t campaign_batch = 5000;                        // summonses per transaction of a campaign issue job
  const http::ConnectionStats* connections = nullptr;  // the server's, for /metrics
  const std::string* webhook_secret = nullptr;         // [webhook]'s, for its status callback; 503 without it
  StopListService* stoplist = nullptr;                 // the border posts' stop-list; 503 without it
};

struct Call {
  const http::Request& request;
  http::Response& response;
  const http::PathParams& params;
  const auth::Principal& who;
  Services& services;
  std::string_view route;  // the route's path in the route table, for logs
};

// Writes `body` as the JSON answer with `status`.
void Reply(Call& call, int status, const nlohmann::json& body);
// Writes the problem for a failed Status (the field named when the message names it). A storage
// or system failure (503) or a bug (500) is logged with the route, for the operator.
void Fail(Call& call, const Status& status, std::string_view field = {});

// Logs a failure answered 5xx, on stderr at error level: "muster serve: error: METHOD ROUTE:
// code: message", national IDs masked. Thread-safe.
void LogServerError(http::Method method, std::string_view route, const Status& status);
// For logs: a run of 6 or more digits (a national ID, in a path or a login) keeps its last two.
std::string MaskDigits(std::string_view text);

// A JSON object request body, read field by field. Each getter returns false after writing a
// 400 problem naming the field (missing, wrong type, bad value); the handler then returns.
class Body {
 public:
  // False (after writing 415 or 400) unless the body is a JSON object.
  static std::optional<Body> Parse(Call& call);

  bool String(std::string_view field, std::string& out, bool required = true, size_t max_bytes = 4096);
  bool Int(std::string_view field, int64_t& out, bool required = true);
  bool Bool(std::string_view field, bool& out, bool required = true);
  bool StringList(std::string_view field, std::vector<std::string>& out, bool required = true);
  bool Time(std::string_view field, Timestamp& out, bool required = true);
  bool OptionalTime(std::string_view field, std::optional<Timestamp>& out);
  bool Date(std::string_view field, CivilDate& out, bool required = true);

 private:
  Body(Call& call, nlohmann::json json) : call_(&call), json_(std::move(json)) {}
  // The member `field`, or null (after writing a problem when required) when absent.
  const nlohmann::json* Get(std::string_view field, bool required, bool& ok);
  bool Wrong(std::string_view field, std::string_view expected);

  Call* call_;
  nlohmann::json json_;
};

// A path parameter as an integer id; false after writing a 400 naming it.
bool IdParam(Call& call, std::string_view name, int64_t& out);
// A query parameter as a non-negative integer; false after writing a 400 naming it (missing
// when `required`, or not a decimal integer). `out` is left alone when absent and not required.
bool UintQuery(Call& call, std::string_view name, uint64_t& out, bool required, bool* present = nullptr);

// Cursor paging of a list: `?limit=` (1..1000, default 100) items after `?after=`, the
// `next_cursor` of the previous page (absent for the first). Answers are {items, next_cursor},
// next_cursor null on the last page.
constexpr size_t kDefaultPageLimit = 100;
constexpr size_t kMaxPageLimit = 1000;
struct Page {
  std::string after;  // the cursor; empty for the first page
  size_t limit = kDefaultPageLimit;
};
// False after writing a 400 naming `limit`.
bool PageQuery(Call& call, Page& page);
// PageQuery for lists whose cursor is an item id: `after_id` is 0 for the first page. False after
// writing a 400 naming `limit` or `after`.
bool IdPageQuery(Call& call, Page& page, int64_t& after_id);

// The cursor after the page: when `items` (read with limit + 1) holds more than `limit`, cuts it
// to `limit` and returns the id of the last (`id_of(item)`; its `id` by default) as the cursor;
// null otherwise.
template <typename T, typename IdOf>
nlohmann::json NextCursor(std::vector<T>& items, size_t limit, IdOf id_of) {
  if (items.size() <= limit) return nullptr;
  items.resize(limit);
  return std::to_string(IdValue(id_of(items.back())));
}
template <typename T>
nlohmann::json NextCursor(std::vector<T>& items, size_t limit) {
  return NextCursor(items, limit, [](const T& item) { return item.id; });
}

// Cuts a whole list, in any order, to the page after the item whose id is the cursor, and returns
// the next cursor; InvalidArgument naming `after` when the cursor names no item of the list.
template <typename T>
Result<nlohmann::json> CutPage(const Page& page, int64_t after_id, std::vector<T>& items) {
  if (after_id != 0) {
    auto at = std::find_if(items.begin(), items.end(), [&](const T& item) { return IdValue(item.id) == after_id; });
    if (at == items.end()) return Status::InvalidArgument("after", "not a cursor of this list");
    items.erase(items.begin(), at + 1);
  }
  return NextCursor(items, page.limit);
}

// ?state= of a queue (appeals, overrides, corrections): `out` keeps the default it holds when
// absent and becomes nullopt for "all"; false after writing a 400 naming "state" and listing
// `names` ("pending, granted, denied").
template <typename State>
bool StateQuery(Call& call, std::optional<State>& out, std::optional<State> (*parse)(std::string_view),
                std::string_view names) {
  bool given = false;
  std::string name = call.request.QueryParam("state", &given);
  if (!given) return true;
  if (name == "all") {
    out = std::nullopt;
    return true;
  }
  out = parse(name);
  if (out) return true;
  http::WriteProblem(call.response, 400, fmt::format("state: must be {} or all", names), "state");
  return false;
}

}  // namespace muster::api
