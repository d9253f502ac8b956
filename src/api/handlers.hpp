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
// summonses.cpp
void IssueSummons(Call& call);
void GetSummons(Call& call);
void RecordAppearance(Call& call);
void CancelSummons(Call& call);
// campaigns.cpp
void CreateCampaign(Call& call);
void ListCampaigns(Call& call);
void GetCampaign(Call& call);
void PreviewCampaign(Call& call);
void IssueCampaign(Call& call);
void GetJob(Call& call);
// appeals.cpp
void ListAppeals(Call& call);
void DecideAppeal(Call& call);
// exit_check.cpp
void ExitCheck(Call& call);
// ledger.cpp
void LedgerCheckpoint(Call& call);
void LedgerInclusionProof(Call& call);
void LedgerConsistencyProof(Call& call);
void LedgerEntries(Call& call);
// ops.cpp
void Healthz(Call& call);
void Readyz(Call& call);
void MetricsText(Call& call);
void OpenApiJson(Call& call);

}  // namespace muster::api
