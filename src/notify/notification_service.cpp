#include "notify/notification_service.hpp"

#include <algorithm>

namespace muster::notify {

Result<std::vector<Notification>> NotificationService::OfPerson(const Actor& actor, std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(Person person, persons_.Get(national_id, actor));
  std::vector<Notification> list;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(list, tx.notifications().List({.person_id = person.id.value}));
    return Status::Ok();
  }));
  return list;
}

Result<std::vector<Notification>> NotificationService::OfSummons(const Actor& actor, std::string_view number) {
  MUSTER_ASSIGN_OR_RETURN(Summons summons, summonses_.Get(number, actor));
  std::vector<Notification> list;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(list, tx.notifications().List({.summons_number = summons.number}));
    return Status::Ok();
  }));
  return list;
}

Result<std::vector<Escalation>> NotificationService::Unreachable(const Actor& actor,
                                                                 const std::optional<std::string>& office) {
  std::vector<Escalation> list;
  if (office && !actor.Sees(*office)) return list;
  const bool everywhere = actor.is_system() || actor.role() == Role::kAuditor;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    if (office || everywhere) {
      MUSTER_ASSIGN_OR_RETURN(list, tx.notifications().ListUnreachable(office, 0, 0));
      return Status::Ok();
    }
    for (const std::string& code : actor.offices()) {
      MUSTER_ASSIGN_OR_RETURN(std::vector<Escalation> some, tx.notifications().ListUnreachable(code, 0, 0));
      list.insert(list.end(), some.begin(), some.end());
    }
    std::sort(list.begin(), list.end(),
              [](const Escalation& a, const Escalation& b) { return a.summons_id < b.summons_id; });
    return Status::Ok();
  }));
  return list;
}

}  // namespace muster::notify
