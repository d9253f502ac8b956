#include "registry/csv_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace muster {
namespace {

using Fields = std::vector<std::string>;

struct Expected {
  size_t line;
  Fields fields;
};

// Reads every record of `text`; fails the test on an error.
std::vector<CsvRecord> ReadAll(std::string text) {
  CsvReader reader = CsvReader::FromString(std::move(text));
  std::vector<CsvRecord> out;
  CsvRecord record;
  while (true) {
    auto next = reader.Next(record);
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !*next) break;
    out.push_back(record);
  }
  return out;
}

TEST(CsvReaderTest, RecordsAndLineNumbers) {
  struct Case {
    const char* name;
    std::string text;
    std::vector<Expected> want;
  } cases[] = {
      {"empty file", "", {}},
      {"only blank lines", "\n\r\n\n", {}},
      {"LF", "a,b\nc,d\n", {{1, {"a", "b"}}, {2, {"c", "d"}}}},
      {"CRLF", "a,b\r\nc,d\r\n", {{1, {"a", "b"}}, {2, {"c", "d"}}}},
      {"lone CR", "a,b\rc,d\r", {{1, {"a", "b"}}, {2, {"c", "d"}}}},
      {"no final line break", "a,b\nc,d", {{1, {"a", "b"}}, {2, {"c", "d"}}}},
      {"mixed line ends", "a\r\nb\nc\rd", {{1, {"a"}}, {2, {"b"}}, {3, {"c"}}, {4, {"d"}}}},
      {"blank lines are counted", "a\n\n\nb\n", {{1, {"a"}}, {4, {"b"}}}},
      {"blank CRLF lines are counted", "a\r\n\r\n\r\nb\r\n", {{1, {"a"}}, {4, {"b"}}}},
      {"blank lone-CR lines are counted", "a\r\r\rb\r", {{1, {"a"}}, {4, {"b"}}}},
      {"UTF-8 BOM skipped", "\xEF\xBB\xBFid,name\n1,x\n", {{1, {"id", "name"}}, {2, {"1", "x"}}}},
      {"BOM only in first position",
       "a\n\xEF\xBB\xBF"
       "b\n",
       {{1, {"a"}},
        {2,
         {"\xEF\xBB\xBF"
          "b"}}}},
      {"comma in quotes", "\"a,b\",c\n", {{1, {"a,b", "c"}}}},
      {"doubled quotes", "\"say \"\"hi\"\"\",x\n", {{1, {"say \"hi\"", "x"}}}},
      {"only a doubled quote", "\"\"\"\"\n", {{1, {"\""}}}},
      {"LF in quotes", "\"a\nb\",c\nd\n", {{1, {"a\nb", "c"}}, {3, {"d"}}}},
      {"CRLF in quotes", "\"a\r\nb\",c\r\nd\r\n", {{1, {"a\r\nb", "c"}}, {3, {"d"}}}},
      {"lone CR in quotes", "\"a\rb\"\rd\r", {{1, {"a\rb"}}, {3, {"d"}}}},
      {"several breaks in one record", "\"1\n2\n3\",\"4\n5\"\nx\n", {{1, {"1\n2\n3", "4\n5"}}, {5, {"x"}}}},
      {"blank line after a multi-line record", "\"a\nb\"\n\nc\n", {{1, {"a\nb"}}, {4, {"c"}}}},
      {"spaces preserved", "  a , b  ,\" c \"\n", {{1, {"  a ", " b  ", " c "}}}},
      {"empty fields", ",,\n", {{1, {"", "", ""}}}},
      {"empty quoted field", "\"\",x\n", {{1, {"", "x"}}}},
      {"stray quote inside an unquoted field", "He said \"hi\",x\n", {{1, {"He said \"hi\"", "x"}}}},
      {"tab kept", "a\tb,c\n", {{1, {"a\tb", "c"}}}},
      {"UTF-8 passed through", "Иванов,小龍\n", {{1, {"Иванов", "小龍"}}}},
      {"invalid UTF-8 passed through", "\xFF\xC0\xAF,x\n", {{1, {"\xFF\xC0\xAF", "x"}}}},
      {"NUL byte kept", std::string("a\0b,c\n", 6), {{1, {std::string("a\0b", 3), "c"}}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto records = ReadAll(c.text);
    ASSERT_EQ(records.size(), c.want.size());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(records[i].line, c.want[i].line) << "record " << i;
      EXPECT_EQ(records[i].fields, c.want[i].fields) << "record " << i;
    }
  }
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndIsAnErrorNamingTheRecordStart) {
  struct Case {
    const char* name;
    std::string text;
    size_t records_before;
    size_t line;
  } cases[] = {
      {"first record", "\"abc\n", 0, 1},
      {"after two records", "a\nb\n\"abc,def\nghi\n", 2, 3},
      {"after a multi-line record and a blank line", "\"x\ny\"\n\nz,\"open\n", 1, 4},
      {"quote closed then reopened", "\"a\"\"\n", 0, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    CsvReader reader = CsvReader::FromString(c.text);
    CsvRecord record;
    size_t n = 0;
    Result<bool> next = false;
    while ((next = reader.Next(record)).ok() && *next) ++n;
    EXPECT_EQ(n, c.records_before);
    ASSERT_FALSE(next.ok());
    EXPECT_TRUE(next.status().IsInvalidArgument()) << next.status().ToString();
    EXPECT_NE(next.status().message().find("not closed"), std::string::npos) << next.status().message();
    EXPECT_EQ(reader.line(), c.line);
  }
}

TEST(CsvReaderTest, RecordsSpanningReadChunks) {
  // Larger than the reader's 1 MiB chunk, with quoted line breaks, so that records straddle reads.
  std::string text = "id,note\n";
  std::vector<Expected> want;
  size_t line = 2;
  for (int i = 0; i < 30000; ++i) {
    std::string note = "row " + std::to_string(i) + std::string(static_cast<size_t>(i % 50), 'x');
    if (i % 7 == 0) note += "\nsecond line";
    text += std::to_string(i) + ",\"" + note + "\"\n";
    want.push_back({line, {std::to_string(i), note}});
    line += i % 7 == 0 ? 2 : 1;
  }
  ASSERT_GT(text.size(), size_t{1} << 20);
  auto records = ReadAll(text);
  ASSERT_EQ(records.size(), want.size() + 1);
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(records[i + 1].line, want[i].line) << i;
    ASSERT_EQ(records[i + 1].fields, want[i].fields) << i;
  }
}

TEST(CsvReaderTest, OpenReadsFilesAndReportsMissingOnes) {
  auto dir = std::filesystem::temp_directory_path() / ("muster_csv_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "x.csv").string();
  std::ofstream(path, std::ios::binary) << "\xEF\xBB\xBFh1,h2\r\n1,\"2\r\n3\"\r\n";
  auto reader = CsvReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(reader->total_bytes(), std::filesystem::file_size(path));
  CsvRecord record;
  ASSERT_TRUE(*reader->Next(record));
  EXPECT_EQ(record.fields, (Fields{"h1", "h2"}));
  ASSERT_TRUE(*reader->Next(record));
  EXPECT_EQ(record.fields, (Fields{"1", "2\r\n3"}));
  EXPECT_EQ(record.line, 2u);
  EXPECT_FALSE(*reader->Next(record));
  EXPECT_EQ(reader->bytes_read(), reader->total_bytes());

  auto missing = CsvReader::Open((dir / "none.csv").string());
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  auto directory = CsvReader::Open(dir.string());
  EXPECT_TRUE(directory.status().IsInvalidArgument()) << directory.status().ToString();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace muster
