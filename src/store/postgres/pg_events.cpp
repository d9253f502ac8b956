// PgEvents (pg_events.hpp): appending an event as one row of a multi-row INSERT, ordered with the
// other pipelined rows of the write (RowRank, pg_tx.hpp).
#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {

Result<int64_t> PgEvents::Append(const Event& e) {
  if (!last_seq_) {
    MUSTER_ASSIGN_OR_RETURN(last_seq_, LastSeq());
  }
  int64_t seq = *last_seq_ + 1;
  Params params;
  params.Add(seq).Add(e.type).Add(Millis(e.at)).Add(e.actor).Add(e.subject).Add(e.payload);
  // Events come by the thousand in bulk work: a multi-row INSERT, sent before anything else.
  MUSTER_RETURN_IF_ERROR(
      pg_.AddRow(kEventRows,
                 "INSERT INTO events (seq, type, at, actor, subject, payload) SELECT * FROM unnest($1::text::bigint[], "
                 "$2::text::text[], $3::text::bigint[], $4::text::text[], $5::text::text[], $6::text::text[])",
                 params));
  last_seq_ = seq;
  return seq;
}

}  // namespace muster::postgres
