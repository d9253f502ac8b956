#include "core/thread_priority.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace muster {
namespace {

std::atomic<int> bulk_nice{10};

}  // namespace

void SetBulkNice(int nice) { bulk_nice.store(std::clamp(nice, 0, 19), std::memory_order_relaxed); }

int BulkNice() { return bulk_nice.load(std::memory_order_relaxed); }

void EnterBulkPriority() {
  const int raise = BulkNice();
  if (raise == 0) return;
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, 0);
  if (current == -1 && errno != 0) return;
  // On Linux a thread id names one thread to setpriority: only this one is lowered.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), std::min(current + raise, 19));
}

}  // namespace muster
