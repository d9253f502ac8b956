// The API's handlers, one file per resource; routes.cpp binds them to methods, paths and roles.
#pragma once

#include "api/call.hpp"

namespace muster::api {

// session.cpp
void Login(Call& call);
void WhoAmI(Call& call);
void Logout(Call& call);
// accounts.cpp
void Activate(Call& call);
void IssueActivationCode(Call& call);
void CreateUser(Call& call);
void CreateApiKey(Call& call);
// me.cpp
void MySummonses(Call& call);
void MySummons(Call& call);
void MyReceipt(Call& call);
void MyRestrictions(Call& call);
void MyAppeals(Call& call);
void FileMyAppeal(Call& call);
// persons.cpp
void ListPersons(Call& call);
void GetPerson(Call& call);
void PersonEligibility(Call& call);
// summonses.cpp
void IssueSummons(Call& call);
void GetSummons(Call& call);
void RecordAppearance(Call& call);
void CancelSummons(Call& call);
// A summons' JSON with its deadline and its office's time zone (codec/json.hpp), the office read
// in `tx` or in a read of its own; ReplySummons answers with it.
Result<nlohmann::json> SummonsJson(Tx& tx, const Policy& policy, const Summons& s);
Result<nlohmann::json> SummonsJson(Call& call, const Summons& s);
void ReplySummons(Call& call, int status, const Summons& s);
// overrides.cpp
void RequestOverride(Call& call);
void ListOverrides(Call& call);
void ApproveOverride(Call& call);
void RejectOverride(Call& call);
// campaigns.cpp
void CreateCampaign(Call& call);
void ListCampaigns(Call& call);
void GetCampaign(Call& call);
void PreviewCampaign(Call& call);
void IssueCampaign(Call& call);
void GetJob(Call& call);
// The campaign `id` if the caller may see it (an auditor every one, a supervisor those all of
// whose districts are theirs); otherwise writes a 404 naming `field` and returns nullopt.
std::optional<Campaign> VisibleCampaign(Call& call, int64_t id, std::string_view field);
// reports.cpp
void ReportFunnel(Call& call);
void ReportTimeline(Call& call);
void ReportDistricts(Call& call);
// corrections.cpp
void MyCorrections(Call& call);
void RequestMyCorrection(Call& call);
void ListCorrections(Call& call);
void DecideCorrection(Call& call);
// appeals.cpp
void ListAppeals(Call& call);
void DecideAppeal(Call& call);
// exit_check.cpp
void ExitCheck(Call& call);
void RestrictionCheck(Call& call);
// ledger.cpp
void LedgerCheckpoint(Call& call);
void LedgerInclusionProof(Call& call);
void LedgerConsistencyProof(Call& call);
void LedgerEntries(Call& call);
// notifications.cpp
void ReportNotificationStatus(Call& call);
void PersonNotifications(Call& call);
void MySummonsNotifications(Call& call);
void ListUnreachable(Call& call);
// stoplist.cpp
void StopListSnapshot(Call& call);
void StopListDelta(Call& call);
// ops.cpp
void Healthz(Call& call);
void Readyz(Call& call);
void MetricsText(Call& call);
void OpenApiJson(Call& call);

}  // namespace muster::api
