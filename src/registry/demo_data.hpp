// Synthetic but realistic registry data for demos, tests and benchmarks: offices.csv and
// persons.csv in the import formats, with national IDs valid under the policy. The same options
// and seed always give the same files.
#pragma once

#include <cstdint>
#include <string>

#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

struct DemoDataOptions {
  size_t persons = 1000;
  size_t offices = 5;
  uint64_t seed = 1;
  CivilDate today;  // ages are counted from this day
};

// Writes `out_dir`/offices.csv and `out_dir`/persons.csv (creating out_dir).
Status WriteDemoData(const DemoDataOptions& options, const Policy& policy, const std::string& out_dir);

}  // namespace muster
