#include "store/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "core/text.hpp"

namespace muster {
namespace {

class SleepingWaiter final : public ChangeWaiter {
 public:
  void Wait(std::chrono::milliseconds timeout) override { std::this_thread::sleep_for(timeout); }
};

thread_local std::string read_after;

}  // namespace

ReadAfter::ReadAfter(std::string position) : previous_(std::exchange(read_after, std::move(position))) {}
ReadAfter::~ReadAfter() { read_after = std::move(previous_); }
const std::string& ReadAfter::Current() { return read_after; }

bool IsWritePosition(std::string_view text) {
  size_t slash = text.find('/');
  auto hex = [](std::string_view part) {
    return !part.empty() && part.size() <= 8 &&
           std::all_of(part.begin(), part.end(), [](char c) { return HexDigitValue(c) >= 0; });
  };
  return slash != std::string_view::npos && hex(text.substr(0, slash)) && hex(text.substr(slash + 1));
}

std::unique_ptr<ChangeWaiter> Store::WatchExitBanChanges() { return std::make_unique<SleepingWaiter>(); }

}  // namespace muster
