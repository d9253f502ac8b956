// Password hashing and random tokens (libsodium). Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.hpp"

namespace muster::auth {

// Argon2id (crypto_pwhash_str, interactive limits: ~64 MiB and ~0.1 s per hash).
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);
// Burns the time a verification takes, so that an unknown login answers as slowly as a known one.
void VerifyDummyPassword(std::string_view password);

// `bytes` random bytes as lowercase hex.
std::string RandomHex(size_t bytes);
// A one-time code of `length` characters from an alphabet without look-alikes (no 0/O, 1/I/L).
std::string RandomCode(size_t length);
// BLAKE2b-256 of `secret` under `domain` (keyed), as lowercase hex: how tokens are stored.
std::string DigestHex(std::string_view domain, std::string_view secret);

// Ok, or InvalidArgument naming `field`: 10 to 256 bytes, not all one character.
Status CheckPasswordStrength(std::string_view password, std::string_view field = "password");

}  // namespace muster::auth
