// Who acts on a service, and what they may touch: the acting principal every service call takes.
//
// Services check scope themselves (DESIGN §2), so that no entry point, CLI or HTTP, can forget
// it: officers and supervisors act for their own offices, auditors read every office, a citizen
// reaches only their own data, and the system (a command-line operator, the sweep) reaches all.
// What is out of scope answers as if absent (Absent), so an answer never tells what another
// office holds; a role that may not use a route at all is refused before (auth/access.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "core/status.hpp"

namespace muster {

class Actor {
 public:
  // A command-line operator or a process of the system ("cli:root", "system:sweep"): every office.
  static Actor System(std::string name);
  // An authenticated account or API key: officers and supervisors act for `offices`.
  static Actor Staff(std::string name, Role role, std::vector<std::string> offices);
  // A citizen, who reaches only the data of `national_id`.
  static Actor Citizen(std::string name, std::string national_id);

  // As events and records name who acted: "officer:bob", "citizen:11223344595", "cli:root".
  const std::string& name() const { return name_; }
  bool is_system() const { return system_; }
  Role role() const { return role_; }
  const std::string& national_id() const { return national_id_; }
  const std::vector<std::string>& offices() const { return offices_; }

  // May change the data of `office`: the system, and the officers and supervisors of it.
  bool ActsFor(std::string_view office) const;
  // May read the data of `office`: also auditors.
  bool Sees(std::string_view office) const;
  // May act on the data of the person `national_id` registered with (or summoned by) `office`:
  // the person themself, or whoever ActsFor the office.
  bool ActsOn(std::string_view national_id, std::string_view office) const;
  // May read it: the person themself, or whoever Sees the office.
  bool SeesPerson(std::string_view national_id, std::string_view office) const;
  // Every one of `offices` (at least one) ActsFor, or Sees.
  bool ActsForAll(const std::vector<std::string>& offices) const;
  bool SeesAll(const std::vector<std::string>& offices) const;

  // The answer for something out of scope, worded for whoever asks: NotFound about `field`,
  // "no <what> in your offices" for staff, "no <what> of yours" for a citizen, "no <what>" for
  // the system.
  Status Absent(std::string_view field, std::string_view what) const;

 private:
  std::string name_;
  bool system_ = false;
  Role role_ = Role::kCitizen;
  std::string national_id_;
  std::vector<std::string> offices_;
};

// True when two actor names are the same person: "officer:alice", "cli:alice" and "alice" are one
// person acting through different channels (the part after the first ':' names the person).
// The four-eyes rules compare actors with this.
bool SameActor(std::string_view a, std::string_view b);

}  // namespace muster
