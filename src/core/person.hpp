// The registry's value types: offices, persons, deferments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ids.hpp"
#include "core/time.hpp"

namespace muster {

// Strong id of a person row; national IDs are the external key.
struct PersonId {
  int64_t value = 0;
  friend bool operator==(PersonId, PersonId) = default;
};

struct Office {
  std::string code;  // e.g. "D01"; also the district code persons carry
  std::string name;
  std::string region;
  std::string timezone;      // IANA zone name, e.g. "Europe/Moscow"
  int daily_capacity = 200;  // appointments per day a campaign may book
  friend bool operator==(const Office&, const Office&) = default;
};

enum class PersonStatus { kActive, kServing, kExempt, kDeceased, kEmigrated };
std::string_view PersonStatusName(PersonStatus status);
std::optional<PersonStatus> ParsePersonStatus(std::string_view name);

struct Person {
  PersonId id;
  std::string national_id;
  std::string surname;
  std::string given_name;
  std::string patronymic;  // may be empty
  CivilDate birth_date;
  char sex = 'M';        // 'M' or 'F'
  std::string district;  // office code
  std::string category;  // "conscript" or "reservist"
  std::string fitness;   // one of the policy's fitness categories
  std::string address;   // free text, stored verbatim
  std::string email;     // may be empty
  std::string phone;     // E.164 or empty
  PersonStatus status = PersonStatus::kActive;

  // Same registry data (ignores id).
  bool SameData(const Person& other) const;
};

struct Deferment {
  DefermentId id;
  std::string national_id;
  std::string kind;                   // one of the policy's deferment kinds
  CivilDate until;                    // last day it covers, inclusive
  std::string basis;                  // document or decision it rests on
  std::optional<Timestamp> ended_at;  // set when ended early
  std::string created_by;
  Timestamp created_at;

  // True when the deferment covers `day`.
  bool Covers(CivilDate day) const;
};

}  // namespace muster
