// Reads RFC 4180 CSV files record by record, with the line on which each record starts.
//
// Grammar (RFC 4180, as libcsv parses it): records end at CRLF, LF or CR; fields are separated
// by commas; a field in double quotes may hold commas, line breaks and doubled quotes ("" is one
// quote). A UTF-8 byte order mark at the start of the file is skipped. Blank lines are skipped
// but counted, so that line numbers match what an editor shows. Fields are returned verbatim:
// no trimming, no decoding; UTF-8 validity is the caller's check.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/status.hpp"

struct csv_parser;

namespace muster {

struct CsvRecord {
  size_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

class CsvReader {
 public:
  ~CsvReader();
  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) = delete;

  // Opens `path` for reading ("-" reads standard input). A missing file is NotFound.
  static Result<CsvReader> Open(const std::string& path);
  // Reads from memory (tests); `text` is copied.
  static CsvReader FromString(std::string text);

  // Fills `out` with the next record and returns true, or returns false at the end of input.
  // An unterminated quoted field at the end is an InvalidArgument; line() then names the line
  // where that record starts. `out`'s previous strings are recycled, so passing the same record
  // on every call reads without allocating once the buffers have grown.
  Result<bool> Next(CsvRecord& out);

  // The line where the next record starts.
  size_t line() const { return line_; }

  // Bytes consumed so far and the input size when known (0 otherwise), for progress display.
  size_t bytes_read() const { return bytes_read_; }
  size_t total_bytes() const { return total_bytes_; }

 private:
  CsvReader();
  Status Fill();

  static void OnField(void* data, size_t len, void* self);
  static void OnRecordEnd(int terminator, void* self);

  std::unique_ptr<csv_parser> parser_;
  FILE* file_ = nullptr;
  bool owns_file_ = false;
  std::string memory_;
  size_t memory_pos_ = 0;
  bool from_memory_ = false;

  bool at_start_ = true;
  bool eof_ = false;
  size_t bytes_read_ = 0;
  size_t total_bytes_ = 0;

  // Parser state fed by the callbacks.
  size_t line_ = 1;             // line where the next record starts
  size_t record_newlines_ = 0;  // line breaks inside quoted fields of the current record
  int last_terminator_ = 0;
  size_t field_count_ = 0;        // fields of the record being parsed, in ready_[ready_count_]
  std::vector<CsvRecord> ready_;  // parsed records [next_ready_, ready_count_), then spare slots
  size_t ready_count_ = 0;
  size_t next_ready_ = 0;
  std::vector<char> chunk_;
};

}  // namespace muster
