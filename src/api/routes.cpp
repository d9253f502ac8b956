// The route table and the permission matrix: which roles may call each route (DESIGN §2).
// tests/http/permissions.tsv holds the same matrix as data, and the tests check the server
// against it; /api/v1/openapi.json is generated from this table.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/api.hpp"
#include "api/handlers.hpp"

namespace muster::api {

using M = http::Method;
using R = Role;

// Lists answer {items, next_cursor}: ?limit= items (1..1000, default 100) after ?after=, the
// next_cursor of the previous page.
constexpr const char* kPaged = "after,limit:integer";

const std::vector<RouteSpec>& Routes() {
  static const auth::RoleSet kCitizen = {R::kCitizen};
  static const auth::RoleSet kSupervisor = {R::kSupervisor};
  static const auth::RoleSet kCampaignReaders = {R::kSupervisor, R::kAuditor};
  static const auth::RoleSet kOfficeReaders = {R::kOfficer, R::kSupervisor, R::kAuditor};
  static const auth::RoleSet kBorder = {R::kBorder};
  static const auth::RoleSet kAgency = {R::kAgency};
  static const auth::RoleSet kAdmin = {R::kAdmin};
  static const auth::RoleSet kAuditor = {R::kAuditor};
  // Signed checkpoints and consistency proofs are hashes only: supervisors check them too.
  static const auth::RoleSet kCheckpointReaders = {R::kSupervisor, R::kAuditor};
  static const std::vector<RouteSpec> routes = {
      {M::kGet, "/api/v1/exit-check/{national_id}", false, kBorder, ExitCheck,
       "May this person leave the country? allow or deny with a reference, never the reason", nullptr, 200},
      {M::kGet, "/api/v1/stoplist", false, kBorder, StopListSnapshot,
       "The signed offline stop-list: keyed hashes of everyone barred now or within its validity, for border "
       "posts (format in docs/deploy.md)",
       nullptr, 200, nullptr, "application/octet-stream", true},
      {M::kGet, "/api/v1/stoplist/delta", false, kBorder, StopListDelta,
       "The signed changes to the stop-list since the one that ends at event `since`", nullptr, 200, "since!:integer",
       "application/octet-stream", true},
      {M::kGet, "/api/v1/restriction-check/{kind}/{national_id}", false, kAgency, RestrictionCheck,
       "Does a restriction of this kind (one the agency key names) bar this person now? allow or deny with a "
       "reference, never the reason",
       nullptr, 200},
      {M::kPost,
       "/api/v1/session",
       true,
       {},
       Login,
       "Log in; sets the session cookie and returns a bearer token",
       "login!,password!",
       201,
       nullptr,
       nullptr,
       true},
      {M::kGet, "/api/v1/session", false, auth::kAnyAccount, WhoAmI, "Who am I", nullptr, 200},
      {M::kDelete, "/api/v1/session", false, auth::kAnyAccount, Logout, "Log out", nullptr, 204},
      {M::kPost,
       "/api/v1/activation",
       true,
       {},
       Activate,
       "Activate (or reset) a citizen account with a one-time code from an office",
       "national_id!,code!,password!",
       201,
       nullptr,
       nullptr,
       true},
      {M::kPost, "/api/v1/activation-codes", false, auth::kOffice, IssueActivationCode,
       "Issue a one-time activation code for a person of one's offices", "national_id!", 201, nullptr, nullptr, true},
      {M::kPost, "/api/v1/users", false, kAdmin, CreateUser, "Create a staff account",
       "login!,role!,display_name,offices:array,password!", 201, nullptr, nullptr, true},
      {M::kPost, "/api/v1/api-keys", false, kAdmin, CreateApiKey,
       "Create an API key (shown once); an agency key names the restriction kinds it may ask about",
       "name!,role!,kinds:array", 201},
      {M::kGet, "/api/v1/me/summonses", false, kCitizen, MySummonses, "My summonses, newest first (paged)", nullptr,
       200, kPaged},
      {M::kGet, "/api/v1/me/summonses/{number}", false, kCitizen, MySummons,
       "Open one of my summonses (records viewed_at the first time)", nullptr, 200},
      {M::kGet, "/api/v1/me/summonses/{number}/receipt", false, kCitizen, MyReceipt,
       "The delivery receipt of one of my summonses, to check offline with `muster verify-receipt`; with "
       "?notification=ID, the receipt of that message's sending (its channel and time) instead; with "
       "?restriction=ID, of that restriction's lifting (to show at a border post whose stop-list is stale)",
       nullptr, 200, "notification:integer,restriction:integer"},
      {M::kGet, "/api/v1/me/summonses/{number}/notifications", false, kCitizen, MySummonsNotifications,
       "The messages that told me of one of my summonses: channel, template, status, attempts, updated_at", nullptr,
       200},
      {M::kGet, "/api/v1/me/restrictions", false, kCitizen, MyRestrictions, "My restrictions (paged)", nullptr, 200,
       kPaged},
      {M::kGet, "/api/v1/me/appeals", false, kCitizen, MyAppeals, "My appeals (paged)", nullptr, 200, kPaged},
      {M::kPost, "/api/v1/me/appeals", false, kCitizen, FileMyAppeal, "Appeal one of my summonses",
       "summons!,reason!,text", 201},
      {M::kGet, "/api/v1/me/corrections", false, kCitizen, MyCorrections,
       "My requests to correct my registry data, with their state (paged)", nullptr, 200, kPaged},
      {M::kPost, "/api/v1/me/corrections", false, kCitizen, RequestMyCorrection,
       "Ask to correct one field of my registry data (surname, given_name, patronymic, birth_date, sex, district, "
       "address, email, phone); the value is checked as on import",
       "field!,value!,explanation", 201},
      {M::kGet, "/api/v1/corrections", false, auth::kOffice, ListCorrections,
       "Correction requests of persons of my offices (?state=pending|approved|rejected|all; paged)", nullptr, 200,
       "state,after,limit:integer"},
      {M::kPost, "/api/v1/corrections/{id}/decision", false, auth::kOffice, DecideCorrection,
       "Approve a correction request (changes the person) or reject it with a reason", "approve!:boolean,reason", 200},
      {M::kGet, "/api/v1/persons", false, auth::kOffice, ListPersons,
       "Persons of my offices, by national ID (paged; ?district=…), or by name (?q=…&limit=…)", nullptr, 200,
       "after,limit:integer,district,q"},
      {M::kGet, "/api/v1/persons/{national_id}", false, auth::kOffice, GetPerson,
       "A person of my offices with deferments, summonses, restrictions and history", nullptr, 200},
      {M::kGet, "/api/v1/persons/{national_id}/notifications", false, auth::kOffice, PersonNotifications,
       "The messages to a person of my offices: channel, template, status, attempts, updated_at", nullptr, 200},
      {M::kGet, "/api/v1/persons/{national_id}/eligibility", false, auth::kOffice, PersonEligibility,
       "May the person be summoned (?kind=…&appear_at=…)? {eligible, reasons}", nullptr, 200},
      {M::kPost, "/api/v1/summonses", false, auth::kOffice, IssueSummons, "Issue a summons",
       "national_id!,office!,kind!,appear_at!:date-time,place!,purpose!", 201},
      {M::kGet, "/api/v1/summonses/{number}", false, auth::kOffice, GetSummons, "A summons of my offices", nullptr,
       200},
      {M::kPost, "/api/v1/summonses/{number}/appearance", false, auth::kOffice, RecordAppearance,
       "Record that the person appeared", "at:date-time", 200},
      {M::kPost, "/api/v1/summonses/{number}/cancel", false, auth::kOffice, CancelSummons, "Cancel a summons",
       "reason!", 200},
      {M::kPost, "/api/v1/overrides", false, auth::kOffice, RequestOverride,
       "Ask to summon an ineligible person, with a justification; a second person approves (four eyes)",
       "national_id!,office!,kind!,appear_at!:date-time,place!,purpose!,justification!", 201},
      {M::kGet, "/api/v1/overrides", false, auth::kOffice, ListOverrides,
       "Override requests of my offices (?state=pending|approved|rejected|all; paged)", nullptr, 200,
       "state,after,limit:integer"},
      {M::kPost, "/api/v1/overrides/{id}/approval", false, kSupervisor, ApproveOverride,
       "Approve an override and issue its summons (never one's own request)", nullptr, 201},
      {M::kPost, "/api/v1/overrides/{id}/rejection", false, kSupervisor, RejectOverride, "Reject an override", nullptr,
       200},
      {M::kPost, "/api/v1/campaigns", false, kSupervisor, CreateCampaign, "Create a campaign",
       "kind!,name!,basis!,districts!:array,age_min:integer,age_max:integer,categories:array,fitness:array,"
       "quota:integer,appear_from!:date,appear_until!:date,place,purpose",
       201},
      {M::kGet, "/api/v1/campaigns", false, kCampaignReaders, ListCampaigns, "Campaigns of my offices (paged)", nullptr,
       200, kPaged},
      {M::kGet, "/api/v1/campaigns/{id}", false, kCampaignReaders, GetCampaign, "A campaign", nullptr, 200},
      {M::kGet, "/api/v1/campaigns/{id}/preview", false, kSupervisor, PreviewCampaign,
       "What issuing the campaign would do; writes nothing", nullptr, 200},
      {M::kPost, "/api/v1/campaigns/{id}/issue", false, kSupervisor, IssueCampaign,
       "Issue the campaign's summonses as a job (idempotent, resumable)", nullptr, 202},
      {M::kGet, "/api/v1/jobs/{id}", false, kCampaignReaders, GetJob, "A job's state and progress", nullptr, 200},
      {M::kGet, "/api/v1/reports/campaigns/{id}/funnel", false, kCampaignReaders, ReportFunnel,
       "A campaign's funnel: {campaign_id, issued, delivered, viewed, appeared, excused, no_show, cancelled} "
       "(a supervisor's offices only)",
       nullptr, 200},
      {M::kGet, "/api/v1/reports/timeline", false, kCampaignReaders, ReportTimeline,
       "Per UTC day: {day, issued, delivered, appeared, no_show}, of one campaign or all, from and to inclusive",
       nullptr, 200, "campaign:integer,from:date,to:date"},
      {M::kGet, "/api/v1/reports/districts", false, kCampaignReaders, ReportDistricts,
       "Per district: {district, issued, delivered, appeared, no_show, excused, restrictions_active}", nullptr, 200,
       "campaign:integer"},
      {M::kGet, "/api/v1/appeals", false, auth::kOffice, ListAppeals,
       "Appeals on summonses of my offices, oldest first (?state=pending|granted|denied|all; paged)", nullptr, 200,
       "state,after,limit:integer"},
      {M::kPost, "/api/v1/appeals/{id}/decision", false, auth::kOffice, DecideAppeal,
       "Grant or deny an appeal (not on a summons one issued)", "grant!:boolean,reason!", 200},
      {M::kGet, "/api/v1/ledger/checkpoint", false, kCheckpointReaders, LedgerCheckpoint,
       "The latest signed checkpoint: the C2SP signed note as text/plain, or with Accept: application/json "
       "{origin, tree_size, root, created_at, checkpoint, public_key}",
       nullptr, 200, nullptr, "text/plain,application/json"},
      {M::kGet, "/api/v1/ledger/proof/inclusion", false, kAuditor, LedgerInclusionProof,
       "RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves: {index, tree_size, leaf_hash, root, "
       "proof}",
       nullptr, 200, "index!:integer,size!:integer"},
      {M::kGet, "/api/v1/ledger/proof/consistency", false, kCheckpointReaders, LedgerConsistencyProof,
       "RFC 9162 consistency proof from tree size `from` to `to`: {from, to, root_from, root_to, proof}", nullptr, 200,
       "from!:integer,to!:integer"},
      {M::kGet, "/api/v1/ledger/entries", false, kAuditor, LedgerEntries,
       "Leaves with index in [from, to), at most 1000 per answer: {tree_size, from, to, items, next_from}", nullptr,
       200, "from:integer,to:integer"},
      {M::kGet, "/api/v1/notifications/unreachable", false, kOfficeReaders, ListUnreachable,
       "Summonses of my offices that no step of the escalation ladder reached (?office=…)", nullptr, 200, "office"},
      {M::kPost,
       "/api/v1/notifications/{id}/status",
       true,
       {},
       ReportNotificationStatus,
       "The webhook's receiver reports a message's fate, signed as the webhook is (Muster-Signature: hex "
       "HMAC-SHA256 of the body); a final status is never changed to another",
       "status!,reason",
       200},
      {M::kGet, "/healthz", true, {}, Healthz, "The process answers", nullptr, 200},
      {M::kGet, "/readyz", true, {}, Readyz, "Ready to serve", nullptr, 200},
      {M::kGet, "/metrics", true, {}, MetricsText, "Prometheus metrics", nullptr, 200},
      {M::kGet, "/api/v1/openapi.json", true, {}, OpenApiJson, "This document", nullptr, 200},
  };
  return routes;
}

std::vector<std::string> RouteNames() {
  std::vector<std::string> names;
  for (const auto& r : Routes()) names.push_back(fmt::format("{} {}", http::MethodName(r.method), r.path));
  return names;
}

namespace {

struct Field {
  std::string_view name;
  std::string_view type;
  bool required;
};

// "name!:type,..." as in RouteSpec::body.
std::vector<Field> ParseFields(std::string_view fields) {
  std::vector<Field> out;
  while (!fields.empty()) {
    size_t comma = fields.find(',');
    std::string_view field = fields.substr(0, comma);
    fields = comma == std::string_view::npos ? std::string_view{} : fields.substr(comma + 1);
    std::string_view type = "string";
    if (size_t colon = field.find(':'); colon != std::string_view::npos) {
      type = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    bool required = !field.empty() && field.back() == '!';
    if (required) field.remove_suffix(1);
    out.push_back({field, type, required});
  }
  return out;
}

// The JSON Schema of a field type of RouteSpec::body and RouteSpec::query.
nlohmann::json TypeSchema(std::string_view type) {
  if (type == "date" || type == "date-time") return {{"type", "string"}, {"format", type}};
  if (type == "array") return {{"type", "array"}, {"items", {{"type", "string"}}}};
  return {{"type", type}};
}

nlohmann::json BodySchema(std::string_view fields) {
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json required = nlohmann::json::array();
  for (const Field& f : ParseFields(fields)) {
    if (f.required) required.push_back(f.name);
    properties[std::string(f.name)] = TypeSchema(f.type);
  }
  return {{"type", "object"}, {"properties", properties}, {"required", required}};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string OpenApiDocument() {
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json problem = {{"description", "A problem (RFC 9457)"},
                            {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
  for (const auto& r : Routes()) {
    nlohmann::json op;
    op["summary"] = r.summary;
    std::string id = fmt::format("{}{}", Lower(http::MethodName(r.method)), r.path);
    for (char& c : id) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    op["operationId"] = id;
    nlohmann::json roles = nlohmann::json::array();
    for (Role role : r.roles.roles()) roles.push_back(RoleName(role));
    op["x-roles"] = r.is_public ? nlohmann::json::array({"public"}) : roles;
    op["security"] = r.is_public ? nlohmann::json::array()
                                 : nlohmann::json::array({{{"bearer", nlohmann::json::array()}},
                                                          {{"cookie", nlohmann::json::array()}}});
    nlohmann::json params = nlohmann::json::array();
    std::string_view p = r.path;
    for (size_t open = p.find('{'); open != std::string_view::npos; open = p.find('{', open + 1)) {
      size_t close = p.find('}', open);
      params.push_back({{"name", p.substr(open + 1, close - open - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (r.query) {
      for (const Field& f : ParseFields(r.query)) {
        params.push_back({{"name", f.name}, {"in", "query"}, {"required", f.required}, {"schema", TypeSchema(f.type)}});
      }
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.body) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", BodySchema(r.body)}}}}}};
    }
    nlohmann::json success = {{"description", http::ReasonPhrase(r.status)}};
    if (r.media) {
      for (const Field& f : ParseFields(r.media)) {
        bool text = f.name.substr(0, 5) == "text/";
        success["content"][std::string(f.name)] = {{"schema", {{"type", text ? "string" : "object"}}}};
      }
    }
    op["responses"] = {{std::to_string(r.status), success}, {"default", problem}};
    paths[r.path][Lower(http::MethodName(r.method))] = op;
  }
  nlohmann::json doc = {
      {"openapi", "3.1.0"},
      {"info", {{"title", "muster"}, {"version", "1"}, {"description", "Military registration and summons service"}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"description", "A session token or an API key"}}},
          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "muster_session"}}}}},
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}},
              {"field", {{"type", "string"}}}}}}}}}}}};
  return doc.dump();
}

}  // namespace muster::api
