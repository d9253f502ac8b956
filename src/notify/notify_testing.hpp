// For the notify tests only: a fresh, migrated SQLite file in the temporary folder, named after
// the running test and removed with the object, holding office D01 ("Central office", Moscow);
// a person of that office, and a summons.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/summons.hpp"
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

// Summons `id`, `number`, of office D01 to `national_id`, issued and delivered at `at`, due on
// 2027-01-15.
inline Summons TestSummons(int64_t id, std::string number, std::string national_id, Timestamp at) {
  Summons s;
  s.id = id;
  s.number = std::move(number);
  s.national_id = std::move(national_id);
  s.office = "D01";
  s.kind = "conscription";
  s.appear_at = *ParseTimestamp("2027-01-15T06:00:00Z");
  s.place = "Room 4";
  s.purpose = "Medical board";
  s.state = SummonsState::kDelivered;
  s.issued_at = at;
  s.issued_by = "officer:olga";
  s.delivered_at = at;
  return s;
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
