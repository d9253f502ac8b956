// The one implementation of SummonsPort, over either backend's sql::Connection. A backend
// derives from it for the statements it sends otherwise (PostgreSQL: multi-row writes).
#pragma once

#include <string>

#include "store/sql.hpp"
#include "store/summons_port.hpp"

namespace muster::sql {

class SqlSummons : public SummonsPort {
 public:
  // `conn` must outlive this object.
  explicit SqlSummons(Connection& conn) : conn_(conn) {}

  Result<int64_t> MaxId() override;
  Status Insert(const Summons& summons) override;
  Status Update(const Summons& summons) override;
  Result<Summons> Get(const SummonsNumber& number) override;
  Result<Summons> GetById(int64_t id) override;
  Result<std::vector<Summons>> ListOfPerson(std::string_view national_id) override;
  Result<std::vector<Summons>> ListUndelivered(Timestamp issued_before, size_t limit) override;
  Result<std::vector<int64_t>> ListOverdueIds(Timestamp appear_before) override;
  Result<std::vector<Summons>> ListOverdue(Timestamp appear_before, std::span<const int64_t> ids) override;
  Result<std::vector<int64_t>> CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                            Timestamp closed_at) override;

 protected:
  // The UPDATE of CloseOverdue without its RETURNING clause: $1 appear_before, $2 the ids (a
  // list parameter), $3 the state no_show, $4 closed_at.
  static const std::string& CloseOverdueSql(const Connection& conn);

  Connection& conn_;
};

}  // namespace muster::sql
