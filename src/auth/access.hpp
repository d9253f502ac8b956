// Who may do what: the one place that checks roles and office scope (DESIGN §2).
//
// Every API route names the roles it admits (api/routes.cpp, the permission table); the
// dispatcher asks Admits() before a handler runs, so a role that may not use a route is
// refused (403) before anything is looked up and learns nothing about what exists. Handlers
// The services check office scope themselves, from the principal's Acting() (core/actor.hpp);
// out-of-scope data answers as if absent.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "core/actor.hpp"

namespace muster::auth {

// Who is asking, once authenticated.
struct Principal {
  Role role = Role::kCitizen;
  int64_t account_id = 0;            // 0 for an API key
  std::string name;                  // login, or the API key's name
  std::string national_id;           // citizens
  std::vector<std::string> offices;  // officers and supervisors
  std::vector<std::string> kinds;    // agency keys: the restriction kinds they may ask about
  bool via_cookie = false;           // authenticated by the session cookie (CSRF applies)
  std::string token_hash;            // the session's, for logout

  // How services record this principal as the actor: "officer:bob", "citizen:11223344595".
  std::string Actor() const;
  // The principal as services take it (core/actor.hpp): its scope goes with it.
  muster::Actor Acting() const;
};

// A set of roles, as a bit mask.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  constexpr bool Contains(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  std::vector<Role> roles() const;

 private:
  static constexpr uint32_t Bit(Role r) { return uint32_t{1} << static_cast<int>(r); }
  uint32_t bits_ = 0;
};

inline constexpr RoleSet kStaff = {Role::kOfficer, Role::kSupervisor, Role::kAuditor, Role::kAdmin};
inline constexpr RoleSet kOffice = {Role::kOfficer, Role::kSupervisor};
inline constexpr RoleSet kAnyAccount = {Role::kCitizen, Role::kOfficer, Role::kSupervisor, Role::kAuditor,
                                        Role::kAdmin};

// True when `principal` may use a route that admits `roles`.
bool Admits(RoleSet roles, const Principal& principal);


}  // namespace muster::auth
