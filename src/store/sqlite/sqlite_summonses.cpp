#include "store/sqlite/sqlite_summonses.hpp"

#include <algorithm>

namespace muster::sqlite {

Result<std::vector<int64_t>> SqliteSummons::CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                                         Timestamp closed_at) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(CloseOverdueSql(conn_)));
  const std::string list = conn_.EncodeList(ids);
  s->Bind(s->ParameterIndex("$1"), sql::Millis(appear_before)).BindStatic(s->ParameterIndex("$2"), list);
  s->BindStatic(s->ParameterIndex("$3"), SummonsStateName(SummonsState::kNoShow));
  s->Bind(s->ParameterIndex("$4"), sql::Millis(closed_at));
  MUSTER_ASSIGN_OR_RETURN(std::vector<int64_t> closed, s->RunReturningUpdated("summonses"));
  std::sort(closed.begin(), closed.end());  // in the order SQLite visited them
  return closed;
}

}  // namespace muster::sqlite
