#include "store/postgres/pg_sql.hpp"

#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {

std::string ResultRow::Blob(int column) const {
  std::string bytes;
  if (!rows_.Bytes(row_, column, &bytes)) bytes.clear();
  return bytes;
}

namespace {

// `items` as a PostgreSQL array literal, each quoted.
template <typename Strings>
std::string TextArrayOf(const Strings& items) {
  std::string out = "{";
  for (std::string_view item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}

}  // namespace

std::string AnyOfArray(int n, std::string_view type) {
  return fmt::format("ANY (ARRAY(SELECT unnest(${}::text::{}[])))", n, type);
}

std::string TextArray(const std::vector<std::string>& items) { return TextArrayOf(items); }

std::string PgConnection::InList(int n, sql::ListOf kind) const {
  return "= " + AnyOfArray(n, kind == sql::ListOf::kInt ? "bigint" : "text");
}

std::string PgConnection::EncodeList(std::span<const std::string> items) const { return TextArrayOf(items); }

std::string PgConnection::EncodeList(std::span<const std::string_view> items) const { return TextArrayOf(items); }

std::string PgConnection::EncodeList(std::span<const int64_t> ids) const {
  std::string out = "{";
  for (int64_t id : ids) {
    if (out.size() > 1) out += ',';
    out += std::to_string(id);
  }
  return out + '}';
}

Result<int64_t> PgConnection::Run(std::string_view sql, const sql::Args& args,
                                  const std::function<Status(const sql::Row&)>& each) {
  Params params;
  for (const sql::Args::Value& v : args.values()) {
    switch (v.kind) {
      case sql::Args::Value::kNull:
        params.Null();
        break;
      case sql::Args::Value::kInt:
        params.Add(v.number);
        break;
      case sql::Args::Value::kText:
        params.Add(v.text);
        break;
      case sql::Args::Value::kBlob:
        params.Bytes(v.text.data(), v.text.size());
        break;
    }
  }
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(sql, params));
  if (each) {
    ResultRow row(rows, 0);
    for (int i = 0; i < rows.size(); ++i) {
      row.Seek(i);
      MUSTER_RETURN_IF_ERROR(each(row));
    }
  }
  return rows.affected();
}

}  // namespace muster::postgres
