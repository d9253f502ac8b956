// Store on PostgreSQL through libpq, for several `muster` processes on one database.
//
// Correctness never relies on in-process locks: every Write runs in one transaction that
// first takes a transaction-level advisory lock (pg_advisory_xact_lock), so writes are
// serialised across all processes exactly as SQLite's single writer serialises them (ids from
// summonses().MaxId() + 1, event seq order = commit order, gap-free ledger appends). Each Read is a
// REPEATABLE READ, READ ONLY snapshot and takes no lock; ReadReplica runs it on the replica
// given by StoreOptions::replica_url, if any. A transaction that fails on a lost connection, a
// serialization failure or a recovery conflict before its COMMIT is sent runs once more on a
// fresh connection (never one lost during COMMIT: that write may have committed). Thread-safe:
// a small pool of connections per server, each with its own prepared statements, serves one
// transaction at a time. WatchExitBanChanges LISTENs on a connection of its own.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/open.hpp"

namespace muster::postgres {

// True for postgresql:// and postgres:// URLs.
bool IsPostgresUrl(std::string_view url);

// The database named by a PostgreSQL URL ("muster" in postgresql://host/muster?sslmode=require),
// percent-decoded as libpq decodes it, or "" when it names none.
std::string PostgresDatabaseName(std::string_view url);

// `url` fit to print: the password of a PostgreSQL URL (user:PASSWORD@ or password=) replaced
// with ***; anything else unchanged.
std::string RedactUrl(std::string_view url);

// Connects to the database of `url`, which must exist (createdb); ReadReplica reads from
// `options.replica_url` when given. Applies pending migrations
// when the schema is there or `options.create`; otherwise NotFound, naming `muster init`.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, const StoreOptions& options);

}  // namespace muster::postgres
