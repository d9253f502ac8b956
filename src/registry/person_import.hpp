// Bulk import of persons and offices from CSV files.
//
// Persons CSV (UTF-8, header row, RFC 4180 quoting, columns matched by name in any order):
//   national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,
//   address,email,phone[,status]
// Required: national_id, surname, given_name, birth_date, sex, district, category, fitness.
// Each bad row is rejected on its own with its line, column and reason; good rows load. A
// national ID seen twice in one file: the second is rejected. Rows are committed in batches, so
// a crash leaves whole batches only; importing the same file again completes the work, since
// rows are matched by national ID (inserted, updated or unchanged).
//
// Offices CSV: code,name,region,timezone[,daily_capacity]; timezone an IANA zone name.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/policy.hpp"
#include "core/time.hpp"
#include "registry/csv_reader.hpp"
#include "store/store.hpp"

namespace muster {

struct Rejection {
  size_t line = 0;
  std::string column;  // empty when the reason concerns the whole row
  std::string reason;
};

struct ImportSummary {
  size_t rows = 0;  // data rows read (the header is not counted)
  size_t inserted = 0;
  size_t updated = 0;
  size_t unchanged = 0;
  size_t rejected = 0;  // rows rejected (a row may carry several rejections)
  std::vector<Rejection> rejections;
  std::vector<std::string> ignored_columns;  // header names muster does not know
};

struct ImportOptions {
  size_t batch_size = 50000;
  // Called after each committed batch with bytes read and the input size (0 when unknown), on the
  // thread that writes batches (not the caller's), one call at a time.
  std::function<void(size_t done, size_t total)> progress;
};

// Imports persons. Returns InvalidArgument (and writes nothing) when the header lacks required
// columns or the input is not CSV; otherwise a summary, also when rows were rejected. Batches are
// written on a second thread while the next one is parsed; `store` must be thread-safe.
Result<ImportSummary> ImportPersons(CsvReader& reader, Store& store, const Policy& policy, const Clock& clock,
                                    const ImportOptions& options = {});

// Imports offices, all in one transaction: any bad row rejects the file and writes nothing.
Result<ImportSummary> ImportOffices(CsvReader& reader, Store& store);

// Checks one office's fields; the message names the field.
Status CheckOffice(const Office& office);

// Writes `summary.rejections` as CSV with the header line,column,reason.
Status WriteRejectionReport(const ImportSummary& summary, const std::string& path);

}  // namespace muster
