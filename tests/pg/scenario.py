"""Helpers of the PostgreSQL-only scenarios (tests/pg/*_test.py): psql, a registry to load, a
policy that bars from delivery, bounded waits. Standard library only."""
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "http"))
import harness  # noqa: E402
from harness import PASSWORD, load_registry, person  # noqa: E402,F401  (PASSWORD: for the scenarios)

HARNESS = os.environ.get("PG_HARNESS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "pg-harness")
WAIT_SECONDS = 30  # what has not happened by then never will


def psql(url, sql):
    return subprocess.run(["psql", url, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL).stdout.strip()


def pg_harness(*args):
    """Runs tests/pg/pg-harness; the last line it printed (a URL or a path), or ""."""
    out = subprocess.run(["bash", HARNESS, *args], check=True, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL).stdout.strip()
    return out.splitlines()[-1] if out else ""


def wait_until(probe):
    """Calls `probe` until it returns something true, for WAIT_SECONDS at most; its last answer."""
    deadline = time.monotonic() + WAIT_SECONDS
    got = probe()
    while not got and time.monotonic() < deadline:
        time.sleep(0.05)
        got = probe()
    return got


def prepare(tmp, db, people):
    """Initialises `db` with office D01, `people` registered there and officer olga (password
    PASSWORD); writes tmp/policy.toml, the default policy barring from delivery (so that issuing
    alone changes the exit check). Returns the policy's path."""
    policy = os.path.join(tmp, "policy.toml")
    with open(os.path.join(os.environ["SOURCE_DIR"], "policies", "default.toml")) as f:
        text = f.read().replace('exit_ban_from = "no_show"', 'exit_ban_from = "delivery"')
    with open(policy, "w") as f:
        f.write(text)
    with open(os.path.join(tmp, "offices.csv"), "w") as f:
        f.write("code,name,region,timezone,daily_capacity\nD01,Central,Moscow,Europe/Moscow,50\n")
    load_registry(db, tmp, [person(nid, "D01", "Volkov", "Ilya", 23) for nid in people], [("olga", "officer", ["D01"])])
    return policy


@contextlib.contextmanager
def scratch_database(test_name):
    """A new database on the test server (MUSTER_TEST_PG or MUSTER_TEST_PG_FILE), and a temporary
    folder that is the working directory meanwhile (the ledger keys default to
    <database>.ledger.* there). Yields (temporary folder, database URL); drops both afterwards.
    Without a test server, says so and exits with 2."""
    server = harness.pg_server()
    if not server:
        print(f"{test_name}: needs MUSTER_TEST_PG or MUSTER_TEST_PG_FILE (tests/pg/pg-harness)", file=sys.stderr)
        sys.exit(2)
    tmp = tempfile.mkdtemp(prefix=f"muster-{test_name}.")
    os.chdir(tmp)
    name = f"muster_{test_name}_{os.getpid()}"
    psql(server, f"CREATE DATABASE {name}")
    try:
        yield tmp, server.rsplit("/", 1)[0] + "/" + name
    finally:
        psql(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        os.chdir("/")
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def primary_and_replica(prefix, people):
    """A primary with database `muster` prepared as `prepare` does, and a streaming replica of it,
    in a temporary folder that is the working directory meanwhile (the ledger keys go there).
    Yields (primary database URL, replica database URL, policy path, primary's harness folder);
    stops both servers and removes the folder afterwards."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.chdir(tmp)
    primary_dir, replica_dir = os.path.join(tmp, "primary"), os.path.join(tmp, "replica")
    try:
        primary = pg_harness("start", primary_dir)
        psql(primary, "CREATE DATABASE muster")
        db = primary.rsplit("/", 1)[0] + "/muster"
        policy = prepare(tmp, db, people)
        replica = pg_harness("replica", replica_dir, primary_dir).rsplit("/", 1)[0] + "/muster"
        harness.check(psql(replica, "SELECT pg_is_in_recovery()") == "t", "the replica is a standby")
        yield db, replica, policy, primary_dir
    finally:
        for d in (replica_dir, primary_dir):
            subprocess.run(["bash", HARNESS, "stop", d], stdin=subprocess.DEVNULL)
        os.chdir("/")
        shutil.rmtree(tmp, ignore_errors=True)


finish = harness.finish
