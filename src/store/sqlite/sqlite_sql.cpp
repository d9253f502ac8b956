#include "store/sqlite/sqlite_sql.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

namespace muster::sqlite {
namespace {

class StatementRow final : public sql::Row {
 public:
  explicit StatementRow(const Statement& s) : s_(s) {}
  bool IsNull(int column) const override { return s_.IsNull(column); }
  int64_t Int(int column) const override { return s_.Int(column); }
  std::string Text(int column) const override { return s_.Text(column); }
  std::string_view View(int column) const override { return s_.Blob(column); }

 private:
  const Statement& s_;
};

// `items` as a JSON array of strings.
template <typename Strings>
std::string JsonTextArray(const Strings& items) {
  std::string out = "[";
  for (std::string_view item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      } else {
        out += c;
      }
    }
    out += '"';
  }
  return out + ']';
}

}  // namespace

std::string SqliteConnection::InList(int n, sql::ListOf) const {
  return fmt::format("IN (SELECT value FROM json_each(${}))", n);
}

std::string SqliteConnection::EncodeList(std::span<const std::string> items) const { return JsonTextArray(items); }

std::string SqliteConnection::EncodeList(std::span<const std::string_view> items) const { return JsonTextArray(items); }

std::string SqliteConnection::EncodeList(std::span<const int64_t> ids) const {
  std::string out = "[";
  for (int64_t id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  return out + ']';
}

Result<int64_t> SqliteConnection::Run(std::string_view sql, const sql::Args& args,
                                      const std::function<Status(const sql::Row&)>& each) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(sql));
  const auto& values = args.values();
  for (size_t i = 0; i < values.size(); ++i) {
    std::array<char, 16> name{};
    fmt::format_to_n(name.data(), name.size() - 1, "${}", i + 1);
    // SQLite numbers parameters in the order they first appear: $n is usually the n-th, which
    // saves a search of every name per value in bulk writes.
    const int n = static_cast<int>(i) + 1;
    const char* nth = s->ParameterName(n);
    int index = nth != nullptr && std::strcmp(nth, name.data()) == 0 ? n : s->ParameterIndex(name.data());
    if (index == 0) return Status::Internal(fmt::format("SQL has no parameter {}: {}", name.data(), sql.substr(0, 60)));
    const sql::Args::Value& v = values[i];
    switch (v.kind) {
      case sql::Args::Value::kNull:
        s->BindNull(index);
        break;
      case sql::Args::Value::kInt:
        s->Bind(index, v.number);
        break;
      case sql::Args::Value::kText:
        s->BindStatic(index, v.text);
        break;
    }
  }
  StatementRow row(*s);
  while (true) {
    auto stepped = s->Step();
    if (!stepped.ok()) {
      s->Reset();
      return stepped.status();
    }
    if (!*stepped) break;
    if (each) {
      Status st = each(row);
      if (!st.ok()) {
        s->Reset();
        return st;
      }
    }
  }
  s->Reset();
  return int64_t{db_.Changes()};
}

}  // namespace muster::sqlite
