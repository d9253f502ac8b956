// What officers and citizens may read of the notifications: the messages about a person or a
// summons they may read, and the unreachable summonses of the offices they see. Every call takes
// the acting principal (core/actor.hpp); what is out of scope answers as if absent, as the
// summons and person services do, whose scope checks these reads reuse.
//
// Thread-safe as the services it is built on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/notification.hpp"
#include "core/status.hpp"
#include "registry/person_service.hpp"
#include "store/store.hpp"
#include "summons/service.hpp"

namespace muster::notify {

class NotificationService {
 public:
  // All of them must outlive this object.
  NotificationService(Store& store, SummonsService& summonses, registry::PersonService& persons)
      : store_(store), summonses_(summonses), persons_(persons) {}

  // The messages to the person `national_id`, lowest id first, for whoever may read the person.
  Result<std::vector<Notification>> OfPerson(const Actor& actor, std::string_view national_id);
  // The messages about summons `number`, lowest id first, for whoever may read the summons (its
  // person, the officers of its office).
  Result<std::vector<Notification>> OfSummons(const Actor& actor, std::string_view number);
  // The unreachable summonses of `office`, or of every office the actor sees when nullopt, by
  // summons id. An office the actor does not see answers as if it had none.
  Result<std::vector<Escalation>> Unreachable(const Actor& actor, const std::optional<std::string>& office);

 private:
  Store& store_;
  SummonsService& summonses_;
  registry::PersonService& persons_;
};

}  // namespace muster::notify
