// The one implementation of RestrictionPort, over either backend's sql::Connection. A backend
// derives from it for the statements it sends otherwise (PostgreSQL: multi-row writes, ids
// assigned in the write, streaming, NOTIFY).
#pragma once

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
  Status InsertExitCheck(std::string_view reference, std::string_view national_id, std::string_view decision,
                         std::string_view asked_by, Timestamp asked_at) override;
  // Nothing: servers that cannot be woken poll.
  Status NotifyExitBanChange() override;

 protected:
  // The query of ForEachActive ($1: the kind), and the reader of its rows.
  static std::string_view ActiveSql();
  static Restriction ReadRestriction(const Row& r);

  Connection& conn_;
};

}  // namespace muster::sql
