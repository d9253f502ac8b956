#include "auth/secrets.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <mutex>

namespace muster::auth {
namespace {

void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();
  });
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  InitSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  InitSodium();
  std::string h(hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  if (h.empty() || h.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

void VerifyDummyPassword(std::string_view password) {
  static const std::string dummy = [] {
    auto h = HashPassword("muster-dummy-password");
    return h.ok() ? *h : std::string();
  }();
  (void)VerifyPassword(dummy, password);
}

std::string RandomHex(size_t bytes) {
  InitSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  sodium_memzero(raw.data(), raw.size());
  return hex;
}

std::string RandomCode(size_t length) {
  InitSodium();
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  std::string out;
  for (size_t i = 0; i < length; ++i) {
    out.push_back(kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))]);
  }
  return out;
}

std::string DigestHex(std::string_view domain, std::string_view secret) {
  InitSodium();
  unsigned char key[crypto_generichash_KEYBYTES] = {};
  std::copy_n(domain.data(), std::min(domain.size(), sizeof key), key);
  unsigned char digest[32];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), key,
                     sizeof key);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex, 64);
}

Status CheckPasswordStrength(std::string_view password, std::string_view field) {
  if (password.size() < 10) return Status::InvalidArgument(field, "must be at least 10 characters");
  if (password.size() > 256) return Status::InvalidArgument(field, "must be at most 256 bytes");
  if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password.front(); })) {
    return Status::InvalidArgument(field, "must not repeat one character");
  }
  return Status::Ok();
}

}  // namespace muster::auth
