// Appeals: a citizen appeals their summons; an officer or supervisor of its office, never the
// one who issued it, grants the appeal (the summons is excused and its restrictions lifted) or
// denies it. Scoped (core/actor.hpp): another person's summons, or an appeal of another office,
// answers as absent.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/summons.hpp"
#include "summons/lifecycle.hpp"

namespace muster {

class AppealService {
 public:
  explicit AppealService(SummonsLifecycle& lifecycle) : life_(lifecycle) {}

  // The appeals `filter` selects among those on summonses of the actor's offices, from the
  // replica, each with its summons.
  struct Listed {
    Appeal appeal;
    Summons summons;
  };
  Result<std::vector<Listed>> List(AppealFilter filter, const Actor& actor);

  Result<Appeal> File(std::string_view number, AppealReason reason, std::string_view text, const Actor& actor);
  // The decider must not be the one who issued the summons (PermissionDenied).
  Result<Appeal> Decide(AppealId id, bool grant, std::string_view reason, const Actor& actor);

 private:
  SummonsLifecycle& life_;
};

}  // namespace muster
