// For the notify tests only: a fresh, migrated SQLite file in the temporary folder, named after
// the running test and removed with the object, holding office D01 ("Central office", Moscow);
// and a person of that office.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/open.hpp"
#include "store/write_path.hpp"

namespace muster::notify::testing {

// A conscript of office D01 born in 2004, with no e-mail address or phone number.
inline Person TestPerson(std::string national_id, std::string given_name = "Ivan") {
  Person p;
  p.national_id = std::move(national_id);
  p.surname = "Petrov";
  p.given_name = std::move(given_name);
  p.birth_date = std::chrono::year{2004} / 1 / 15;
  p.district = "D01";
  p.category = "conscript";
  p.fitness = "A";
  return p;
}

class TempStore {
 public:
  TempStore()
      : path_((std::filesystem::temp_directory_path() /
               fmt::format("muster-notify-{}-{}.db", ::getpid(),
                           ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                  .string()) {
    std::filesystem::remove(path_);
    auto store = OpenStore(path_, {.create = true});
    status_ = store.status();
    if (!store.ok()) return;
    store_ = std::move(*store);
    writes_ = std::make_unique<WritePath>(*store_);
    status_ = store_->Write([](Tx& tx) {
      return tx.offices().Insert({"D01", "Central office", "Moscow", "Europe/Moscow", 200});
    });
  }
  ~TempStore() {
    writes_.reset();
    store_.reset();
    std::filesystem::remove(path_);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  // Ok when the store opened and holds the office.
  const Status& status() const { return status_; }
  Store& store() { return *store_; }
  WritePath& writes() { return *writes_; }

 private:
  std::string path_;
  Status status_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<WritePath> writes_;
};

}  // namespace muster::notify::testing
