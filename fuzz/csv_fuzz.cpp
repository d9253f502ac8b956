// The persons import reads files from other systems: any bytes must give a summary or a clear
// error, every row must be counted exactly once, and a rejected row must name its line.
#include "core/policy.hpp"
#include "fuzz/fuzz.hpp"
#include "registry/person_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace muster;
  static const FixedClock clock(ParseTimestamp("2026-06-01T00:00:00Z").value());
  CsvReader reader = CsvReader::FromString(std::string(reinterpret_cast<const char*>(data), size));
  ImportOptions options;
  options.batch_size = 7;  // several batches from small inputs
  auto summary = ImportPersons(reader, fuzz::TempStore(), DefaultPolicy(), clock, options);
  if (!summary.ok()) {
    if (summary.status().message().empty()) fuzz::Crash("an import error without a message");
    return 0;
  }
  if (summary->inserted + summary->updated + summary->unchanged + summary->rejected != summary->rows) {
    fuzz::Crash(fmt::format("rows {} != inserted {} + updated {} + unchanged {} + rejected {}", summary->rows,
                            summary->inserted, summary->updated, summary->unchanged, summary->rejected));
  }
  for (const auto& r : summary->rejections) {
    if (r.line < 2 || r.reason.empty()) fuzz::Crash(fmt::format("rejection without line or reason: {}", r.line));
  }
  return 0;
}
