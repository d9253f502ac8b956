// The domain services of a process, one per aggregate, built once on one write path
// (store/write_path.hpp) for the CLI, the server and the tests alike. Each takes the acting
// principal (core/actor.hpp) and checks its scope; the steps of a summons' life that several
// share live in summons/lifecycle.hpp.
#pragma once

#include "core/policy.hpp"
#include "core/time.hpp"
#include "notify/notification_service.hpp"
#include "registry/correction_service.hpp"
#include "registry/deferment_service.hpp"
#include "registry/person_service.hpp"
#include "store/write_path.hpp"
#include "summons/appeal_service.hpp"
#include "summons/campaign_service.hpp"
#include "summons/exit_check_service.hpp"
#include "summons/lifecycle.hpp"
#include "summons/override_service.hpp"
#include "summons/service.hpp"
#include "summons/sweep_service.hpp"

namespace muster::app {

class Domain {
 public:
  // All of them must outlive this object.
  Domain(WritePath& writes, const Policy& policy, const Clock& clock);
  Domain(const Domain&) = delete;
  Domain& operator=(const Domain&) = delete;

  SummonsService& summons() { return summons_; }
  OverrideService& overrides() { return overrides_; }
  CampaignService& campaigns() { return campaigns_; }
  AppealService& appeals() { return appeals_; }
  SweepService& sweep() { return sweep_; }
  ExitCheckService& exit_checks() { return exit_checks_; }
  registry::DefermentService& deferments() { return deferments_; }
  registry::CorrectionService& corrections() { return corrections_; }
  registry::PersonService& persons() { return persons_; }
  notify::NotificationService& notifications() { return notifications_; }

 private:
  ExitCheckService exit_checks_;
  SummonsLifecycle lifecycle_;
  SummonsService summons_;
  OverrideService overrides_;
  CampaignService campaigns_;
  AppealService appeals_;
  SweepService sweep_;
  registry::DefermentService deferments_;
  registry::CorrectionService corrections_;
  registry::PersonService persons_;
  notify::NotificationService notifications_;
};

}  // namespace muster::app
