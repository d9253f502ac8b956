// Every request the API answers goes through the dispatcher and a handler's validation. Whatever
// the path parameters, query and JSON body, the answer is a success or a 4xx problem naming what
// is wrong, never a 5xx and never a crash; JSON answers parse.
//
// An input is three lines and a body:
//   POST /api/v1/summonses      the route, as in the route table (another text picks one by its
//                               first byte)
//   D01                         the value of every {parameter} of the path
//   limit=5&after=3             the query
//   {"national_id": ...}        the body (the rest)
// Requests are made by a supervisor of office D01 with a Bearer token, on a database with the
// office and a few persons. MUSTER_FUZZ_TRACE=1 prints each answer, to see what a corpus reaches. Routes that hash passwords (logins, activation, accounts) are left
// out: the hashing is slow by design and their bodies are checked by the same Body class.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "api/api.hpp"
#include "api/jobs.hpp"
#include "api/metrics.hpp"
#include "core/policy.hpp"
#include "fuzz/fuzz.hpp"
#include "registry/person_import.hpp"

namespace {

using namespace muster;

struct World {
  Store& store = fuzz::TempStore();
  const Policy& policy = DefaultPolicy();
  SystemClock clock;
  WritePath writes{store};
  app::Domain domain{writes, policy, clock};
  auth::AuthService auth{store, policy, clock};
  api::JobRunner jobs;
  api::Metrics metrics{api::RouteNames()};
  api::Services services{store, policy, clock, domain, auth, jobs, metrics};
  std::unique_ptr<api::Api> api;
  std::string bearer;
  std::vector<const api::RouteSpec*> routes;

  World() {
    Status st = store.Write([](Tx& tx) {
      return tx.offices().Insert({"D01", "Central", "North", "Europe/Moscow", 50});
    });
    if (!st.ok()) fuzz::Crash(st.message());
    CsvReader csv = CsvReader::FromString(
        "national_id,surname,given_name,birth_date,sex,district,category,fitness\n"
        "11223344595,Ivanov,Pavel,2001-04-12,M,D01,conscript,A\n"
        "12345678964,Petrov,Anton,2000-09-30,M,D01,conscript,A\n"
        "08765432102,Sidorov,Oleg,1990-01-15,M,D01,reservist,B\n");
    auto imported = ImportPersons(csv, store, policy, clock);
    if (!imported.ok() || imported->inserted != 3) fuzz::Crash("fixture persons");
    auto account = auth.CreateStaff("sam", Role::kSupervisor, "Sam", {"D01"}, "fuzz-password-2026", "fuzz");
    if (!account.ok()) fuzz::Crash(account.status().message());
    auto login = auth.Login("sam", "fuzz-password-2026", "127.0.0.1");
    if (login.outcome != auth::LoginResult::kOk) fuzz::Crash("fixture login");
    bearer = "Bearer " + login.token;
    api = std::make_unique<api::Api>(services, api::ApiOptions{});
    for (const auto& r : api::Routes()) {
      if (!r.blocking) routes.push_back(&r);
    }
  }
};

std::string_view Line(std::string_view& text) {
  size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  return line;
}

// The route's path with every {parameter} replaced by `value`.
std::string FillPath(std::string_view tmpl, std::string_view value) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') {
      out += tmpl[i];
      continue;
    }
    size_t close = tmpl.find('}', i);
    out += value;
    i = close;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string_view route_line = Line(text);
  std::string_view param = Line(text);
  std::string_view query = Line(text);
  const api::RouteSpec* route = world.routes[data[0] % world.routes.size()];
  for (const auto* r : world.routes) {
    if (route_line == fmt::format("{} {}", http::MethodName(r->method), r->path)) route = r;
  }
  if (param.find_first_of("/?# ") != std::string_view::npos) return 0;  // not one path segment
  std::string path = FillPath(route->path, param);
  std::string target = query.empty() ? path : path + "?" + std::string(query);

  http::Request request;
  request.method = route->method;
  request.target = target;
  request.path = std::string_view(target).substr(0, path.size());
  request.query = query;
  request.body = text;
  request.remote_address = "127.0.0.1";
  request.headers = {{"Authorization", world.bearer}, {"Content-Type", "application/json"}};
  http::Response response;
  world.api->Handle(request, response);
  static const bool trace = std::getenv("MUSTER_FUZZ_TRACE") != nullptr;  // what the corpus reaches
  if (trace) std::fprintf(stderr, "%d %s %s %s\n", response.status, http::MethodName(route->method).data(), target.c_str(), response.body.c_str());

  if (response.status >= 500 && response.status != 503) {
    fuzz::Crash(fmt::format("{} {} answered {}: {}", http::MethodName(route->method), target, response.status,
                            response.body));
  }
  if (response.content_type.find("json") != std::string::npos && !response.body.empty() &&
      nlohmann::json::parse(response.body, nullptr, false).is_discarded()) {
    fuzz::Crash(fmt::format("{} {} answered JSON that does not parse: {}", http::MethodName(route->method), target,
                            response.body));
  }
  return 0;
}
