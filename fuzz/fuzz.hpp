// Shared by the fuzz targets: each defines LLVMFuzzerTestOneInput, and is linked either with
// libFuzzer (`make fuzz`, clang) or with replay_main.cpp, which runs a corpus once (`make test`).
// A target reports a broken property with Crash(), which aborts as a sanitizer would.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "store/open.hpp"

namespace muster::fuzz {

[[noreturn]] inline void Crash(std::string_view what) {
  std::fprintf(stderr, "fuzz property broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::fflush(stderr);
  std::abort();
}

// A fresh SQLite database in a temporary folder, migrated, for the life of the process.
inline Store& TempStore() {
  static std::unique_ptr<Store> store = [] {
    char dir[] = "/tmp/muster-fuzz-XXXXXX";
    if (!::mkdtemp(dir)) Crash("mkdtemp");
    auto opened = OpenStore(std::string(dir) + "/fuzz.db", {.create = true});
    if (!opened.ok()) Crash(opened.status().message());
    return std::move(*opened);
  }();
  return *store;
}

}  // namespace muster::fuzz
