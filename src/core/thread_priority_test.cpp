#include "core/thread_priority.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

namespace muster {
namespace {

int ThreadNice() { return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))); }

TEST(ThreadPriorityTest, ABulkThreadRunsBelowTheOthers) {
  const int base = getpriority(PRIO_PROCESS, 0);
  if (base > 9) GTEST_SKIP() << "the process already runs at nice " << base;
  SetBulkNice(7);
  int bulk = 0, other = 0;
  std::thread([&] {
    EnterBulkPriority();
    bulk = ThreadNice();
  }).join();
  std::thread([&] { other = ThreadNice(); }).join();
  EXPECT_EQ(bulk, base + 7);
  EXPECT_EQ(other, base) << "only the bulk thread is lowered";
  EXPECT_EQ(ThreadNice(), base);
  SetBulkNice(0);
  std::thread([&] {
    EnterBulkPriority();
    bulk = ThreadNice();
  }).join();
  EXPECT_EQ(bulk, base) << "0 leaves it as it was";
  SetBulkNice(10);
}

}  // namespace
}  // namespace muster
