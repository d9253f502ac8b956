#include "core/actor.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace muster {

Actor Actor::System(std::string name) {
  Actor a;
  a.name_ = std::move(name);
  a.system_ = true;
  a.role_ = Role::kAdmin;
  return a;
}

Actor Actor::Staff(std::string name, Role role, std::vector<std::string> offices) {
  Actor a;
  a.name_ = std::move(name);
  a.role_ = role;
  a.offices_ = std::move(offices);
  return a;
}

Actor Actor::Citizen(std::string name, std::string national_id) {
  Actor a;
  a.name_ = std::move(name);
  a.role_ = Role::kCitizen;
  a.national_id_ = std::move(national_id);
  return a;
}

bool Actor::ActsFor(std::string_view office) const {
  if (system_) return true;
  if (role_ != Role::kOfficer && role_ != Role::kSupervisor) return false;
  return std::find(offices_.begin(), offices_.end(), office) != offices_.end();
}

bool Actor::Sees(std::string_view office) const { return (!system_ && role_ == Role::kAuditor) || ActsFor(office); }

bool Actor::ActsOn(std::string_view national_id, std::string_view office) const {
  if (!system_ && role_ == Role::kCitizen) return !national_id_.empty() && national_id == national_id_;
  return ActsFor(office);
}

bool Actor::SeesPerson(std::string_view national_id, std::string_view office) const {
  if (!system_ && role_ == Role::kCitizen) return ActsOn(national_id, office);
  return Sees(office);
}

bool Actor::ActsForAll(const std::vector<std::string>& offices) const {
  if (offices.empty()) return false;
  return std::all_of(offices.begin(), offices.end(), [&](const std::string& o) { return ActsFor(o); });
}

bool Actor::SeesAll(const std::vector<std::string>& offices) const {
  if (offices.empty()) return false;
  return std::all_of(offices.begin(), offices.end(), [&](const std::string& o) { return Sees(o); });
}

Status Actor::Absent(std::string_view field, std::string_view what) const {
  if (system_) return Status::NotFound(field, fmt::format("no {}", what));
  if (role_ == Role::kCitizen) return Status::NotFound(field, fmt::format("no {} of yours", what));
  return Status::NotFound(field, fmt::format("no {} in your offices", what));
}

bool SameActor(std::string_view a, std::string_view b) {
  auto person = [](std::string_view actor) {
    size_t colon = actor.find(':');
    return colon == std::string_view::npos ? actor : actor.substr(colon + 1);
  };
  return person(a) == person(b);
}

}  // namespace muster
