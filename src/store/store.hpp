// The storage interface every service uses. Implementations: store/sqlite (embedded default)
// and, later, store/postgres. Services never see SQL.
//
// All access happens inside a transaction: Store::Write runs a function with a Tx and commits
// when it returns Ok, rolls back otherwise, so a failed operation leaves nothing half-written.
// Store::Read runs a function on a consistent snapshot. A Tx must not escape its function.
// Store is thread-safe; a Tx is used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "registry/person.hpp"

namespace muster {

enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

struct PersonFilter {
  std::optional<std::string> district;
  std::string after_national_id;  // cursor: only IDs greater than this
  size_t limit = 100;
};

class Tx {
 public:
  virtual ~Tx() = default;

  // Offices.
  virtual Status InsertOffice(const Office& office) = 0;  // AlreadyExists when the code is taken
  virtual Result<UpsertOutcome> UpsertOffice(const Office& office) = 0;
  virtual Result<std::vector<Office>> ListOffices() = 0;
  virtual Result<Office> GetOffice(std::string_view code) = 0;  // NotFound

  // Persons, keyed by national ID.
  virtual Result<UpsertOutcome> UpsertPerson(const Person& person) = 0;
  virtual Result<Person> GetPerson(std::string_view national_id) = 0;  // NotFound
  virtual Result<std::vector<Person>> ListPersons(const PersonFilter& filter) = 0;  // by national ID
  virtual Result<int64_t> CountPersons() = 0;

  // Deferments.
  virtual Result<DefermentId> InsertDeferment(const Deferment& deferment) = 0;
  virtual Result<Deferment> GetDeferment(DefermentId id) = 0;  // NotFound
  virtual Result<std::vector<Deferment>> ListDeferments(std::string_view national_id) = 0;
  virtual Status EndDeferment(DefermentId id, Timestamp ended_at) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Status Write(const std::function<Status(Tx&)>& work) = 0;
  virtual Status Read(const std::function<Status(Tx&)>& work) = 0;

  // The highest migration applied to the database.
  virtual int SchemaVersion() = 0;
};

struct StoreOptions {
  bool create = false;  // create the database when it does not exist (muster init)
};

// Opens the store named by `url`: a file path for SQLite. Applies pending migrations; refuses
// a database whose schema is newer than this binary knows.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options);

}  // namespace muster
