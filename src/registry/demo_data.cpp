#include "registry/demo_data.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>

namespace muster {
namespace {

struct Region {
  const char* name;
  const char* city;
  const char* timezone;
};

constexpr std::array<Region, 12> kRegions = {{
    {"Moscow", "Москва", "Europe/Moscow"},
    {"Saint Petersburg", "Санкт-Петербург", "Europe/Moscow"},
    {"Novosibirsk", "Новосибирск", "Asia/Novosibirsk"},
    {"Sverdlovsk", "Екатеринбург", "Asia/Yekaterinburg"},
    {"Tatarstan", "Казань", "Europe/Moscow"},
    {"Samara", "Самара", "Europe/Samara"},
    {"Kaliningrad", "Калининград", "Europe/Kaliningrad"},
    {"Omsk", "Омск", "Asia/Omsk"},
    {"Krasnoyarsk", "Красноярск", "Asia/Krasnoyarsk"},
    {"Irkutsk", "Иркутск", "Asia/Irkutsk"},
    {"Primorsky", "Владивосток", "Asia/Vladivostok"},
    {"Kamchatka", "Петропавловск-Камчатский", "Asia/Kamchatka"},
}};

// Surname (male form), its Latin transliteration; the female form adds "а".
constexpr std::array<std::pair<const char*, const char*>, 40> kSurnames = {{
    {"Иванов", "ivanov"},     {"Смирнов", "smirnov"},     {"Кузнецов", "kuznetsov"}, {"Попов", "popov"},
    {"Васильев", "vasiliev"}, {"Петров", "petrov"},       {"Соколов", "sokolov"},    {"Михайлов", "mikhailov"},
    {"Новиков", "novikov"},   {"Фёдоров", "fedorov"},     {"Морозов", "morozov"},    {"Волков", "volkov"},
    {"Алексеев", "alekseev"}, {"Лебедев", "lebedev"},     {"Семёнов", "semenov"},    {"Егоров", "egorov"},
    {"Павлов", "pavlov"},     {"Козлов", "kozlov"},       {"Степанов", "stepanov"},  {"Николаев", "nikolaev"},
    {"Орлов", "orlov"},       {"Андреев", "andreev"},     {"Макаров", "makarov"},    {"Никитин", "nikitin"},
    {"Захаров", "zakharov"},  {"Зайцев", "zaitsev"},      {"Соловьёв", "solovyov"},  {"Борисов", "borisov"},
    {"Яковлев", "yakovlev"},  {"Григорьев", "grigoriev"}, {"Романов", "romanov"},    {"Воробьёв", "vorobyov"},
    {"Сергеев", "sergeev"},   {"Кузьмин", "kuzmin"},      {"Фролов", "frolov"},      {"Александров", "aleksandrov"},
    {"Дмитриев", "dmitriev"}, {"Королёв", "korolev"},     {"Гусев", "gusev"},        {"Киселёв", "kiselev"},
}};

constexpr std::array<const char*, 30> kMaleNames = {
    "Александр", "Дмитрий", "Максим", "Сергей", "Андрей",  "Алексей",    "Артём", "Илья",    "Кирилл",   "Михаил",
    "Никита",    "Матвей",  "Роман",  "Егор",   "Арсений", "Иван",       "Денис", "Евгений", "Тимофей",  "Владимир",
    "Павел",     "Николай", "Олег",   "Юрий",   "Виктор",  "Константин", "Игорь", "Антон",   "Григорий", "Фёдор"};

constexpr std::array<const char*, 12> kFemaleNames = {"Анна",  "Мария",     "Елена",    "Ольга", "Наталья", "Татьяна",
                                                      "Ирина", "Екатерина", "Светлана", "Юлия",  "Дарья",   "Ксения"};

// Father's name -> patronymic (male, female).
constexpr std::array<std::pair<const char*, const char*>, 16> kPatronymics = {{
    {"Александрович", "Александровна"},
    {"Дмитриевич", "Дмитриевна"},
    {"Сергеевич", "Сергеевна"},
    {"Андреевич", "Андреевна"},
    {"Алексеевич", "Алексеевна"},
    {"Михайлович", "Михайловна"},
    {"Иванович", "Ивановна"},
    {"Владимирович", "Владимировна"},
    {"Николаевич", "Николаевна"},
    {"Юрьевич", "Юрьевна"},
    {"Викторович", "Викторовна"},
    {"Игоревич", "Игоревна"},
    {"Олегович", "Олеговна"},
    {"Павлович", "Павловна"},
    {"Евгеньевич", "Евгеньевна"},
    {"Петрович", "Петровна"},
}};

constexpr std::array<const char*, 10> kStreets = {
    "ул. Ленина",  "ул. Гагарина",   "пр. Мира",      "ул. Советская", "ул. Садовая", "ул. \"Красный Октябрь\"",
    "наб. Речная", "ул. Молодёжная", "пер. Школьный", "ул. Лесная"};

// Draws from a 64-bit Mersenne Twister with plain modulo, so files are identical on every
// platform and standard library for a given seed.
class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  uint64_t Below(uint64_t n) { return rng_() % n; }
  bool Percent(unsigned p) { return Below(100) < p; }

 private:
  std::mt19937_64 rng_;
};

std::string CsvQuote(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + '"';
}

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

}  // namespace

Status WriteDemoData(const DemoDataOptions& o, const Policy& policy, const std::string& out_dir) {
  if (o.offices == 0) return Status::InvalidArgument("--offices must be at least 1");
  if (o.offices > 999) return Status::InvalidArgument("--offices must be at most 999");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IoError(fmt::format("cannot create '{}': {}", out_dir, ec.message()));

  Draw draw(o.seed);
  std::unique_ptr<FILE, FileCloser> offices(std::fopen((out_dir + "/offices.csv").c_str(), "wb"));
  if (!offices) return Status::IoError(fmt::format("cannot write '{}/offices.csv'", out_dir));
  fmt::print(offices.get(), "code,name,region,timezone,daily_capacity\n");
  std::vector<const Region*> office_region;
  for (size_t i = 0; i < o.offices; ++i) {
    const Region& region = kRegions[i % kRegions.size()];
    office_region.push_back(&region);
    int capacity = 300 + static_cast<int>(draw.Below(5)) * 100;
    fmt::print(offices.get(), "D{:03},{} district office {},{},{},{}\n", i + 1, region.name, i / kRegions.size() + 1,
               region.name, region.timezone, capacity);
  }
  if (std::fflush(offices.get()) != 0) return Status::IoError("write failed: offices.csv");

  std::unique_ptr<FILE, FileCloser> persons(std::fopen((out_dir + "/persons.csv").c_str(), "wb"));
  if (!persons) return Status::IoError(fmt::format("cannot write '{}/persons.csv'", out_dir));
  std::vector<char> buffer(1 << 20);
  std::setvbuf(persons.get(), buffer.data(), _IOFBF, buffer.size());
  fmt::print(
      persons.get(),
      "national_id,surname,given_name,patronymic,birth_date,sex,district,category,fitness,address,email,phone\n");
  const uint64_t id_offset = draw.Below(1000000);
  for (size_t i = 0; i < o.persons; ++i) {
    bool female = draw.Percent(5);
    bool conscript = draw.Percent(40);
    int age_years = conscript ? 18 + static_cast<int>(draw.Below(10)) : 20 + static_cast<int>(draw.Below(36));
    CivilDate birth = AddDays(o.today, -(age_years * 365 + static_cast<int>(draw.Below(365))));
    size_t office = draw.Below(o.offices);
    const auto& [surname, latin] = kSurnames[draw.Below(kSurnames.size())];
    std::string given =
        female ? kFemaleNames[draw.Below(kFemaleNames.size())] : kMaleNames[draw.Below(kMaleNames.size())];
    const auto& patronymic = kPatronymics[draw.Below(kPatronymics.size())];
    uint64_t f = draw.Below(100);
    const char* fitness = f < 45 ? "A" : f < 80 ? "B" : f < 92 ? "C" : f < 97 ? "D" : "E";
    if (!policy.IsFitnessCategory(fitness)) fitness = policy.fitness_categories.front().c_str();
    std::string address = fmt::format("г. {}, {}, д. {}, кв. {}", office_region[office]->city,
                                      kStreets[draw.Below(kStreets.size())], 1 + draw.Below(120), 1 + draw.Below(300));
    std::string email = draw.Percent(80) ? fmt::format("{}{}.{}@mail.example", latin, female ? "a" : "", i + 1) : "";
    std::string phone = draw.Percent(90) ? fmt::format("+79{:09}", draw.Below(1000000000)) : "";
    // A bijection on [0, 9e8): 1000003 is prime and does not divide 9e8, so IDs never repeat.
    uint64_t id_seed = (i * 1000003 + id_offset) % 900000000;
    fmt::print(persons.get(), "{},{}{},{},{},{},{},D{:03},{},{},{},{},{}\n", policy.national_id.Generate(id_seed),
               surname, female ? "а" : "", given, female ? patronymic.second : patronymic.first, FormatCivilDate(birth),
               female ? 'F' : 'M', office + 1, conscript ? "conscript" : "reservist", fitness, CsvQuote(address), email,
               phone);
  }
  if (std::fflush(persons.get()) != 0) return Status::IoError("write failed: persons.csv");
  return Status::Ok();
}

}  // namespace muster
