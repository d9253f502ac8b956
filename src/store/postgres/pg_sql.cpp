#include "store/postgres/pg_sql.hpp"

namespace muster::postgres {
namespace {

class ResultRow final : public sql::Row {
 public:
  ResultRow(const Rows& rows, int row) : rows_(rows), row_(row) {}
  bool IsNull(int column) const override { return rows_.IsNull(row_, column); }
  int64_t Int(int column) const override { return rows_.Int(row_, column); }
  std::string Text(int column) const override { return rows_.Text(row_, column); }
  std::string_view View(int column) const override { return rows_.View(row_, column); }
  void Seek(int row) { row_ = row; }

 private:
  const Rows& rows_;
  int row_;
};

}  // namespace

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
