// The one implementation of RestrictionPort, over either backend's sql::Connection. A backend
// derives from it for the statements it sends otherwise (PostgreSQL: multi-row writes, ids
// assigned in the write, streaming, NOTIFY).
#pragma once

#include <optional>
#include <string_view>

#include "store/restriction_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlRestrictions : public RestrictionPort {
 public:
  // `conn` must outlive this object.
  explicit SqlRestrictions(Connection& conn) : conn_(conn) {}

  Result<int64_t> Insert(const Restriction& restriction) override;
  Status Update(const Restriction& restriction) override;
  Result<std::vector<Restriction>> ListOfSummons(int64_t summons_id) override;
  Result<std::vector<Restriction>> ListOfPerson(std::string_view national_id) override;
  Status ForEachActive(std::string_view kind, const std::function<void(const Restriction&)>& fn) override;
  Status InsertExitCheck(std::string_view reference, std::string_view kind, std::string_view national_id,
                         std::string_view decision, std::string_view asked_by, Timestamp asked_at) override;
  // Nothing: servers that cannot be woken poll.
  Status NotifyExitBanChange() override;

 protected:
  // The query of ForEachActive ($1: the kind), and the reader of its rows.
  static std::string_view ActiveSql();
  static Restriction ReadRestriction(const Row& r);
  // The id of the next restriction of this write: ids are assigned here, one after the last,
  // so that imposing one needs no answer (no RETURNING: on SQLite a statement with one costs a
  // temporary table; on PostgreSQL the row is pipelined). Read once per write, which holds the
  // store's write lock. Insert calls Took(id) once the row is written or sent.
  Result<int64_t> NextId();
  void Took(int64_t id) { last_id_ = id; }

  Connection& conn_;

 private:
  std::optional<int64_t> last_id_;
};

}  // namespace muster::sql
