// PgReports: the appointments streamed in single-row mode.
#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {

Status PgReports::ForEachAppointment(Timestamp from, Timestamp to,
                                     const std::function<void(std::string_view, Timestamp)>& fn) {
  return pg_.ForEach(kAppointmentsSql, Params().Add(Millis(from)).Add(Millis(to)), [&](const Rows& r) {
    fn(r.View(0, 0), FromMillis(r.Int(0, 1)));
    return Status::Ok();
  });
}

}  // namespace muster::postgres
