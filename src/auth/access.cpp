#include "auth/access.hpp"

#include <algorithm>

namespace muster::auth {

std::string Principal::Actor() const {
  std::string actor(RoleName(role));
  actor += ':';
  actor += name;
  return actor;
}

muster::Actor Principal::Acting() const {
  if (role == Role::kCitizen) return muster::Actor::Citizen(Actor(), national_id);
  return muster::Actor::Staff(Actor(), role, offices);
}

std::vector<Role> RoleSet::roles() const {
  std::vector<Role> out;
  for (Role r : {Role::kCitizen, Role::kOfficer, Role::kSupervisor, Role::kAuditor, Role::kAdmin, Role::kBorder,
                 Role::kAgency}) {
    if (Contains(r)) out.push_back(r);
  }
  return out;
}

bool Admits(RoleSet roles, const Principal& principal) { return roles.Contains(principal.role); }

}  // namespace muster::auth
