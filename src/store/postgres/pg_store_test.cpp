#include "store/postgres/pg_store.hpp"

#include <gtest/gtest.h>

namespace muster::postgres {
namespace {

TEST(PostgresUrlTest, NamesTheDatabaseDecoded) {
  struct Case {
    const char* url;
    const char* name;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"postgresql://host/muster", "muster"},
           {"postgresql://u:p@host:5432/muster?sslmode=require", "muster"},
           {"postgres://host/my%20db", "my db"},
           {"postgresql://host/caf%C3%A9#frag", "caf\xC3\xA9"},
           {"postgresql://host/bad%zzname", "bad%zzname"},
           {"postgresql://host", ""},
       }) {
    EXPECT_EQ(PostgresDatabaseName(c.url), c.name) << c.url;
  }
}

TEST(PostgresUrlTest, MasksThePassword) {
  struct Case {
    const char* url;
    const char* shown;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"postgresql://muster:s3cret@db1:5432/muster", "postgresql://muster:***@db1:5432/muster"},
           {"postgresql://muster:p%40ss@db1/muster", "postgresql://muster:***@db1/muster"},
           {"postgresql://muster@db1/muster", "postgresql://muster@db1/muster"},
           {"postgresql://db1/muster?user=m&password=s3cret&sslmode=require",
            "postgresql://db1/muster?user=m&password=***&sslmode=require"},
           {"postgresql://db1/muster?password=s3cret", "postgresql://db1/muster?password=***"},
           {"/var/lib/muster/muster.db", "/var/lib/muster/muster.db"},
       }) {
    EXPECT_EQ(RedactUrl(c.url), c.shown) << c.url;
  }
}

}  // namespace
}  // namespace muster::postgres
