// Persons of the registry (migration 0001_registry.sql), keyed by national ID. Reached from a
// transaction as tx.persons(); used by the thread that owns the transaction. Every method
// fails with IoError when the database does, and a write naming an unknown office (district)
// with FailedPrecondition.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/person.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "store/upsert_outcome.hpp"

namespace muster {

struct PersonFilter {
  std::optional<std::string> district;
  std::string after_national_id;  // cursor: only IDs greater than this
  size_t limit = 100;
};

// Persons whose name contains every word of `text` (in surname, given name or patronymic),
// in `districts` only, by surname, given name and national ID. Letters match regardless of
// case (in SQLite only the ASCII ones: its LIKE folds no other case); at most four words count.
struct PersonSearch {
  std::string text;
  std::vector<std::string> districts;
  size_t limit = 50;
};

// The four LIKE patterns a store matches a PersonSearch with (escape character: backslash):
// "%word%" for each of its first four words, "%" for the rest (store/person_search.cpp).
std::array<std::string, 4> PersonSearchPatterns(std::string_view text);

// The part of a person that campaign planning reads.
struct Candidate {
  int64_t person_id = 0;
  std::string national_id;
  CivilDate birth_date;
  std::string district;
  std::string category;
  std::string fitness;
  PersonStatus status = PersonStatus::kActive;
};

class PersonPort {
 public:
  virtual ~PersonPort() = default;

  // Inserts the person when the national ID is new, otherwise writes its data (and bumps its
  // version) only when something differs; says which of the three it did.
  virtual Result<UpsertOutcome> Upsert(const Person& person) = 0;
  // Upsert for each of `persons` (their national IDs distinct), outcomes in the same order.
  // PostgreSQL sends the batch at once (COPY); SQLite runs them one by one.
  virtual Result<std::vector<UpsertOutcome>> UpsertBatch(std::span<const Person> persons) = 0;
  // NotFound ("no person with national ID ...") when there is none.
  virtual Result<Person> Get(std::string_view national_id) = 0;
  // Persons of the filter's district (all when nullopt) with national IDs after its cursor, by
  // national ID, at most `limit`.
  virtual Result<std::vector<Person>> List(const PersonFilter& filter) = 0;
  // Persons registered.
  virtual Result<int64_t> Count() = 0;
  // See PersonSearch: by surname, given name and national ID (compared as bytes), at most
  // `limit`.
  virtual Result<std::vector<Person>> Search(const PersonSearch& search) = 0;
  // Calls `fn` for every person in `districts`, in registry (id) order, without holding them
  // all in memory.
  virtual Status ScanCandidates(const std::vector<std::string>& districts,
                                const std::function<void(const Candidate&)>& fn) = 0;
};

}  // namespace muster
