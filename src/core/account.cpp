#include "core/account.hpp"

namespace muster {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kCitizen: return "citizen";
    case Role::kOfficer: return "officer";
    case Role::kSupervisor: return "supervisor";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
    case Role::kBorder: return "border";
    case Role::kAgency:
      return "agency";
  }
  return "citizen";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kCitizen, Role::kOfficer, Role::kSupervisor, Role::kAuditor, Role::kAdmin, Role::kBorder,
                 Role::kAgency}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace muster
