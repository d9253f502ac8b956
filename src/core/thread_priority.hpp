// Bulk work at a lower scheduling priority than the threads that answer requests, so that a
// campaign's issue, the sweep, the ledger's bulk appends and the notifications never starve the
// border's exit checks (Linux: a thread's own nice value, setpriority on its thread id).
#pragma once

namespace muster {

// The nice value bulk threads take (0..19; 0: as the rest of the process). Set once at start,
// before the threads begin (`muster serve --bulk-nice`); 10 by default.
void SetBulkNice(int nice);
int BulkNice();

// Lowers the calling thread's priority to BulkNice() above the process's own. Best effort: a
// system that refuses leaves the thread as it was. Call at the start of a bulk thread.
void EnterBulkPriority();

}  // namespace muster
