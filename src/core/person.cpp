#include "core/person.hpp"

namespace muster {

std::string_view PersonStatusName(PersonStatus status) {
  switch (status) {
    case PersonStatus::kActive:
      return "active";
    case PersonStatus::kServing:
      return "serving";
    case PersonStatus::kExempt:
      return "exempt";
    case PersonStatus::kDeceased:
      return "deceased";
    case PersonStatus::kEmigrated:
      return "emigrated";
  }
  return "active";
}

std::optional<PersonStatus> ParsePersonStatus(std::string_view name) {
  for (auto s : {PersonStatus::kActive, PersonStatus::kServing, PersonStatus::kExempt, PersonStatus::kDeceased,
                 PersonStatus::kEmigrated}) {
    if (PersonStatusName(s) == name) return s;
  }
  return std::nullopt;
}

bool Person::SameData(const Person& o) const {
  return national_id == o.national_id && surname == o.surname && given_name == o.given_name &&
         patronymic == o.patronymic && birth_date == o.birth_date && sex == o.sex && district == o.district &&
         category == o.category && fitness == o.fitness && address == o.address && email == o.email &&
         phone == o.phone && status == o.status;
}

bool Deferment::Covers(CivilDate day) const {
  if (ended_at.has_value() && UtcDate(*ended_at) <= day) return false;
  return day <= until;
}

}  // namespace muster
