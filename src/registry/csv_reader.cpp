#include "registry/csv_reader.hpp"

#include <csv.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace muster {
namespace {

constexpr size_t kChunk = 1 << 20;

// RFC 4180: spaces belong to the field; libcsv would trim them by default.
int NeverSpace(unsigned char) { return 0; }

}  // namespace

CsvReader::CsvReader() : parser_(std::make_unique<csv_parser>()) {
  csv_init(parser_.get(), CSV_REPALL_NL | CSV_STRICT_FINI | CSV_APPEND_NULL);
  csv_set_space_func(parser_.get(), NeverSpace);
}

CsvReader::CsvReader(CsvReader&& other) noexcept
    : parser_(std::move(other.parser_)),
      file_(other.file_),
      owns_file_(other.owns_file_),
      memory_(std::move(other.memory_)),
      memory_pos_(other.memory_pos_),
      from_memory_(other.from_memory_),
      at_start_(other.at_start_),
      eof_(other.eof_),
      bytes_read_(other.bytes_read_),
      total_bytes_(other.total_bytes_),
      line_(other.line_),
      record_newlines_(other.record_newlines_),
      last_terminator_(other.last_terminator_),
      field_count_(other.field_count_),
      ready_(std::move(other.ready_)),
      ready_count_(other.ready_count_),
      next_ready_(other.next_ready_),
      chunk_(std::move(other.chunk_)) {
  other.file_ = nullptr;
  other.owns_file_ = false;
}

CsvReader::~CsvReader() {
  if (parser_) csv_free(parser_.get());
  if (owns_file_ && file_ != nullptr) std::fclose(file_);
}

Result<CsvReader> CsvReader::Open(const std::string& path) {
  CsvReader reader;
  if (path == "-") {
    reader.file_ = stdin;
    return reader;
  }
  reader.file_ = std::fopen(path.c_str(), "rb");
  if (reader.file_ == nullptr) {
    std::string message = fmt::format("cannot open '{}': {}", path, std::strerror(errno));
    return errno == ENOENT ? Status::NotFound(message) : Status::IoError(message);
  }
  reader.owns_file_ = true;
  struct stat st {};
  if (fstat(fileno(reader.file_), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(fmt::format("'{}' is a directory", path));
    reader.total_bytes_ = static_cast<size_t>(st.st_size);
  }
  return reader;
}

CsvReader CsvReader::FromString(std::string text) {
  CsvReader reader;
  reader.from_memory_ = true;
  reader.total_bytes_ = text.size();
  reader.memory_ = std::move(text);
  return reader;
}

void CsvReader::OnField(void* data, size_t len, void* self_ptr) {
  auto* self = static_cast<CsvReader*>(self_ptr);
  const char* text = data == nullptr ? "" : static_cast<const char*>(data);
  for (size_t i = 0; i < len; ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n'))) {
      ++self->record_newlines_;
    }
  }
  // Parsed records wait in slots that are reused, so that their strings keep their capacity.
  if (self->ready_count_ == self->ready_.size()) self->ready_.emplace_back();
  std::vector<std::string>& fields = self->ready_[self->ready_count_].fields;
  if (self->field_count_ < fields.size()) {
    fields[self->field_count_].assign(text, len);
  } else {
    fields.emplace_back(text, len);
  }
  ++self->field_count_;
}

void CsvReader::OnRecordEnd(int terminator, void* self_ptr) {
  auto* self = static_cast<CsvReader*>(self_ptr);
  if (self->field_count_ == 0) {
    // A line break outside any record: a blank line, or the LF of a CRLF pair.
    bool lf_of_crlf = terminator == '\n' && self->last_terminator_ == '\r';
    if (!lf_of_crlf && terminator != -1) ++self->line_;
    self->last_terminator_ = terminator;
    return;
  }
  CsvRecord& record = self->ready_[self->ready_count_++];
  record.fields.resize(self->field_count_);
  record.line = self->line_;
  self->field_count_ = 0;
  self->line_ += 1 + self->record_newlines_;
  self->record_newlines_ = 0;
  self->last_terminator_ = terminator;
}

Status CsvReader::Fill() {
  const char* data = nullptr;
  size_t n = 0;
  if (from_memory_) {
    data = memory_.data() + memory_pos_;
    n = std::min(kChunk, memory_.size() - memory_pos_);
    memory_pos_ += n;
  } else {
    chunk_.resize(kChunk);
    n = std::fread(chunk_.data(), 1, kChunk, file_);
    if (n < kChunk && std::ferror(file_)) return Status::IoError("read failed");
    data = chunk_.data();
  }
  if (at_start_ && n > 0) {
    at_start_ = false;
    if (n >= 3 && std::memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
      data += 3;
      n -= 3;
      bytes_read_ += 3;
    }
  }
  if (n == 0) {
    eof_ = true;
    // libcsv reports an unclosed quote at the end only in strict mode, which would also refuse
    // stray quotes inside unquoted fields; so turn strict mode on just for the end.
    csv_set_opts(parser_.get(), static_cast<unsigned char>(csv_get_opts(parser_.get()) | CSV_STRICT));
    if (csv_fini(parser_.get(), OnField, OnRecordEnd, this) != 0) {
      // The last record's quote was never closed; the record is not delivered.
      return Status::InvalidArgument("quoted field is not closed before the end of the file");
    }
    return Status::Ok();
  }
  bytes_read_ += n;
  if (csv_parse(parser_.get(), data, n, OnField, OnRecordEnd, this) != n) {
    return Status::InvalidArgument(csv_strerror(csv_error(parser_.get())));
  }
  return Status::Ok();
}

Result<bool> CsvReader::Next(CsvRecord& out) {
  if (next_ready_ == ready_count_) {
    // All parsed records are handed out; a record still being parsed moves to the first slot.
    if (ready_count_ > 0 && ready_count_ < ready_.size()) std::swap(ready_[0], ready_[ready_count_]);
    next_ready_ = ready_count_ = 0;
    while (ready_count_ == 0 && !eof_) {
      MUSTER_RETURN_IF_ERROR(Fill());
    }
    if (ready_count_ == 0) return false;
  }
  // Swapping hands the caller this record and takes back its previous strings for reuse.
  std::swap(out, ready_[next_ready_++]);
  return true;
}

}  // namespace muster
