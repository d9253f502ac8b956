#include "registry/person_import.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "store/open.hpp"

namespace muster {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

constexpr std::string_view kHeader =
    "national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone\n";

// A fresh SQLite database in its own temporary directory, with offices D01 and D02.
class PersonImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("muster_import_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = OpenStore((dir_ / "test.db").string(), StoreOptions{.create = true});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    ASSERT_TRUE(store_
                    ->Write([](Tx& tx) {
                      MUSTER_RETURN_IF_ERROR(tx.offices().Insert({"D01", "Central", "Moscow", "Europe/Moscow", 200}));
                      return tx.offices().Insert({"D02", "North", "Saint Petersburg", "Europe/Moscow", 100});
                    })
                    .ok());
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<ImportSummary> Import(std::string text, size_t batch_size = 10000) {
    CsvReader reader = CsvReader::FromString(std::move(text));
    return ImportPersons(reader, *store_, DefaultPolicy(), clock_, ImportOptions{.batch_size = batch_size});
  }

  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(store_
                    ->Read([&](Tx& tx) {
                      MUSTER_ASSIGN_OR_RETURN(n, tx.persons().Count());
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

  Result<Person> Get(std::string_view national_id) {
    Person p;
    Status st = store_->Read([&](Tx& tx) {
      MUSTER_ASSIGN_OR_RETURN(p, tx.persons().Get(national_id));
      return Status::Ok();
    });
    if (!st.ok()) return st;
    return p;
  }

  // Runs SQL on the database file through a second connection.
  void ExecSql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "test.db").string().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  FixedClock clock_{StartOfDay(year(2026) / month(3) / day(15))};
};

// A valid row for `national_id` with the given surname and address.
std::string Row(std::string_view national_id, std::string_view surname = "Иванов",
                std::string_view address = "г. Москва") {
  return std::string(national_id) + "," + std::string(surname) + ",Иван,Иванович,1990-05-17,M,D01,conscript,A,\"" +
         std::string(address) + "\",ivanov@mail.example,+7 916 123-45-67\n";
}

// Valid SNILS numbers (checked against the rule in national_id_test.cpp).
constexpr const char* kIds[] = {"11223344595", "08765430300", "00100199965", "10001234544",
                                "10002026441", "10002818373", "10003610253", "10004402150"};

TEST_F(PersonImportTest, InsertsThenReportsUnchangedThenUpdates) {
  std::string file = std::string(kHeader) + Row(kIds[0]) + Row(kIds[1]) + Row(kIds[2]);
  auto first = Import(file);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->rows, 3u);
  EXPECT_EQ(first->inserted, 3u);
  EXPECT_EQ(first->updated + first->unchanged + first->rejected, 0u);
  EXPECT_EQ(Count(), 3);

  auto second = Import(file);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->unchanged, 3u);
  EXPECT_EQ(second->inserted + second->updated + second->rejected, 0u);

  auto third = Import(std::string(kHeader) + Row(kIds[0], "Петров") + Row(kIds[1]) + Row(kIds[3]));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->inserted, 1u);
  EXPECT_EQ(third->updated, 1u);
  EXPECT_EQ(third->unchanged, 1u);
  EXPECT_EQ(Count(), 4);
  EXPECT_EQ(Get(kIds[0])->surname, "Петров");

  auto p = Get(kIds[1]);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->given_name, "Иван");
  EXPECT_EQ(FormatCivilDate(p->birth_date), "1990-05-17");
  EXPECT_EQ(p->phone, "+79161234567");  // normalised
  EXPECT_EQ(p->status, PersonStatus::kActive);
}

TEST_F(PersonImportTest, ColumnsInAnyOrderAndUnknownColumnsIgnored) {
  auto summary = Import(
      "note,phone,fitness,category,district,sex,birth_date,given_name,surname,national_id\n"
      "hello,,B,reservist,D02,F,1980-01-31,Анна,Петрова,11223344595\n");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->inserted, 1u);
  EXPECT_EQ(summary->ignored_columns, std::vector<std::string>{"note"});
  auto p = Get("11223344595");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->district, "D02");
  EXPECT_EQ(p->sex, 'F');
  EXPECT_EQ(p->patronymic, "");
}

TEST_F(PersonImportTest, DuplicateRejectedOnSecondOccurrenceNamingTheFirstLine) {
  auto summary = Import(std::string(kHeader) + Row(kIds[0]) + "\n" + Row(kIds[1], "Первый", "кв. 1\nподъезд 2") +
                        Row(kIds[1], "Второй") + Row(kIds[0], "Третий"));
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->inserted, 2u);
  EXPECT_EQ(summary->rejected, 2u);
  ASSERT_EQ(summary->rejections.size(), 2u);
  EXPECT_EQ(summary->rejections[0].line, 6u);  // line 3 is blank, the record on line 4 spans two
  EXPECT_EQ(summary->rejections[0].column, "national_id");
  EXPECT_EQ(summary->rejections[0].reason, std::string(kIds[1]) + " already appeared on line 4");
  EXPECT_EQ(summary->rejections[1].line, 7u);
  EXPECT_EQ(summary->rejections[1].reason, std::string(kIds[0]) + " already appeared on line 2");
  EXPECT_EQ(Get(kIds[1])->surname, "Первый");
  EXPECT_EQ(Get(kIds[0])->surname, "Иванов");
}

TEST_F(PersonImportTest, EachBadRowRejectedAloneWithLineColumnAndReason) {
  std::string file = std::string(kHeader) + Row(kIds[0]) +
                     "11223344594,Иванов,Иван,,1990-05-17,M,D01,conscript,A,,,\n"      // checksum
                     "08765430300,Ivan2,Иван,,2999-01-01,X,D09,soldier,Z,,mail,123\n"  // seven at once
                     "00100199965,Иванов\n"                                            // short row
                     + Row(kIds[3]);
  auto summary = Import(file);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->rows, 5u);
  EXPECT_EQ(summary->inserted, 2u);
  EXPECT_EQ(summary->rejected, 3u);
  struct Want {
    size_t line;
    const char* column;
  } want[] = {{3, "national_id"}, {4, "surname"}, {4, "birth_date"}, {4, "sex"},   {4, "district"},
              {4, "category"},    {4, "fitness"}, {4, "email"},      {4, "phone"}, {5, ""}};
  ASSERT_EQ(summary->rejections.size(), std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    EXPECT_EQ(summary->rejections[i].line, want[i].line) << i;
    EXPECT_EQ(summary->rejections[i].column, want[i].column) << i;
    EXPECT_FALSE(summary->rejections[i].reason.empty()) << i;
  }
  EXPECT_EQ(summary->rejections[9].reason, "row has 2 fields, the header has 12");
  EXPECT_EQ(Count(), 2);
}

TEST_F(PersonImportTest, MissingRequiredColumnsWriteNothing) {
  auto summary = Import("national_id,surname,given_name,birth_date\n" + Row(kIds[0]));
  ASSERT_FALSE(summary.ok());
  EXPECT_TRUE(summary.status().IsInvalidArgument());
  EXPECT_NE(summary.status().message().find("sex, district, category, fitness"), std::string::npos)
      << summary.status().message();
  EXPECT_EQ(Count(), 0);

  auto twice = Import("national_id,national_id,surname,given_name,birth_date,sex,district,category,fitness\n");
  EXPECT_TRUE(twice.status().IsInvalidArgument());
  auto empty = Import("");
  EXPECT_TRUE(empty.status().IsInvalidArgument());
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);
}

TEST_F(PersonImportTest, BinaryFileRefused) {
  std::string elf(
      "\x7F"
      "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0\x10\x10\0\0\0\0\0\0\n",
      33);
  elf += std::string(Row(kIds[0]));
  auto summary = Import(elf);
  ASSERT_FALSE(summary.ok());
  EXPECT_TRUE(summary.status().IsInvalidArgument());
  EXPECT_NE(summary.status().message().find("not a CSV header"), std::string::npos) << summary.status().message();
  auto latin1 = Import("national_id,surname,given_name,birth_date,sex,district,category,fitness,adresse_\xE9\n");
  EXPECT_TRUE(latin1.status().IsInvalidArgument());
  EXPECT_EQ(Count(), 0);
}

TEST_F(PersonImportTest, FreeTextStoredVerbatim) {
  const std::string hostile[] = {
      "'); DROP TABLE persons;--",     "ул. \"Красный Октябрь\", д. 1", "line one\nline two", "  spaces  ",
      "100% _wildcards_ \\ backslash",
  };
  std::string file(kHeader);
  for (size_t i = 0; i < std::size(hostile); ++i) {
    std::string quoted;
    for (char c : hostile[i]) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    file += Row(kIds[i], "Иванов", quoted);
  }
  auto summary = Import(file);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->inserted, std::size(hostile));
  for (size_t i = 0; i < std::size(hostile); ++i) {
    auto p = Get(kIds[i]);
    ASSERT_TRUE(p.ok()) << kIds[i];
    EXPECT_EQ(p->address, hostile[i]);
  }
  EXPECT_EQ(Count(), static_cast<int64_t>(std::size(hostile)));
}

TEST_F(PersonImportTest, BatchesBeforeAFailureSurviveAndARerunCompletes) {
  // The database refuses one national ID (a trigger standing in for a crash or a full disk):
  // the batch holding it rolls back, the batches before it stay committed.
  ExecSql("CREATE TRIGGER refuse BEFORE INSERT ON persons WHEN NEW.national_id = '" + std::string(kIds[4]) +
          "' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;");
  std::string file(kHeader);
  for (int i = 0; i < 8; ++i) file += Row(kIds[i]);
  CsvReader reader = CsvReader::FromString(file);
  size_t batches = 0;
  ImportOptions options{.batch_size = 2, .progress = [&](size_t, size_t) { ++batches; }};
  auto failed = ImportPersons(reader, *store_, DefaultPolicy(), clock_, options);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("disk on fire"), std::string::npos) << failed.status().ToString();
  EXPECT_EQ(batches, 2u);
  EXPECT_EQ(Count(), 4);
  EXPECT_TRUE(Get(kIds[3]).ok());
  EXPECT_TRUE(Get(kIds[5]).status().IsNotFound());  // same batch as the refused row

  ExecSql("DROP TRIGGER refuse;");
  auto rerun = Import(file, 2);
  ASSERT_TRUE(rerun.ok()) << rerun.status().ToString();
  EXPECT_EQ(rerun->inserted, 4u);
  EXPECT_EQ(rerun->unchanged, 4u);
  EXPECT_EQ(Count(), 8);
}

TEST_F(PersonImportTest, UnclosedQuoteAtTheEndRejectsOnlyTheLastRecord) {
  auto summary = Import(std::string(kHeader) + Row(kIds[0]) + "\n" + Row(kIds[1]) + kIds[2] + ",\"Иванов\n");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->inserted, 2u);
  EXPECT_EQ(summary->rejected, 1u);
  ASSERT_EQ(summary->rejections.size(), 1u);
  EXPECT_EQ(summary->rejections[0].line, 5u);
  EXPECT_NE(summary->rejections[0].reason.find("not closed"), std::string::npos);
}

}  // namespace
}  // namespace muster
