#!/usr/bin/env python3
"""Start and stop a throwaway PostgreSQL 15 server for the PostgreSQL sink tests.

The server lives in a new temporary directory and listens only on 127.0.0.1 (on a free port)
and on a Unix socket in that directory. It trusts every loopback connection except those of the
role AUTH_CHECK_ROLE, which must give its password so that tests can check the wrong-password
error. fsync and synchronous_commit stay on, because commits are what the write benchmarks
measure. initdb refuses to run as root, so as root the server runs as the `postgres` user that
Debian's postgresql-15 package creates.

    postgres_server.py start --state-dir DIR   start a server, write its DSN to DIR/dsn
    postgres_server.py stop --state-dir DIR    stop that server and delete its directory
    postgres_server.py run -- COMMAND [ARG...] start a server, run COMMAND with PAYBENCH_PG_DSN
                                               set, then stop it (also on failure and Ctrl-C)

`start` and `stop` are the setup and cleanup of the CTest fixture `postgres_server`. When the
server binary is missing, `start` prints why and succeeds without writing a DSN, so that the
tests skip, unless the environment variable CI is "true" or "1": then it fails.
"""

import argparse
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

# Debian's postgresql-15 package. tests/CMakeLists.txt names the same directory.
PG_BIN_DIR = Path("/usr/lib/postgresql/15/bin")
SUPERUSER = "paybench"
DATABASE = "postgres"
# A role that must authenticate with a password (SCRAM), so that tests can provoke
# "password authentication failed". Its password is not a secret: the server is throwaway.
AUTH_CHECK_ROLE = "paybench_auth_check"
AUTH_CHECK_PASSWORD = "paybench-auth-check"
# Unix socket paths are limited to 107 bytes, so the directory comes from a short temp path.
TEMP_PREFIX = "paybench-pg-"
START_TIMEOUT_S = 60
PORT_ATTEMPTS = 5


def is_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def log(message: str) -> None:
    print(f"postgres_server: {message}", file=sys.stderr, flush=True)


class ServerError(Exception):
    pass


def server_user_prefix() -> list[str]:
    """Return the command prefix that runs a PostgreSQL program as a non-root user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise ServerError("user 'postgres' not found: as root, the server runs as that user; "
                          "apt-get install postgresql-15 creates it") from None
    return ["runuser", "-u", "postgres", "--"]


def run_as_server_user(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    command = server_user_prefix() + args
    # The output goes to a pipe, never to ctest's: a server started by pg_ctl would otherwise
    # keep ctest's pipe open and ctest would wait for it.
    return subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def write_config(data_dir: Path, socket_dir: Path, port: int) -> None:
    """Write the settings file that postgresql.conf includes, and pg_hba.conf."""
    settings = {
        "listen_addresses": "'127.0.0.1'",
        "port": str(port),
        "unix_socket_directories": f"'{socket_dir}'",
        "fsync": "on",
        "synchronous_commit": "on",
        "password_encryption": "'scram-sha-256'",
    }
    (data_dir / "paybench.conf").write_text(
        "".join(f"{name} = {value}\n" for name, value in settings.items()), encoding="utf-8")

    # The first matching line wins: the check role needs its password, everyone else is trusted.
    (data_dir / "pg_hba.conf").write_text(
        f"host  all {AUTH_CHECK_ROLE} 127.0.0.1/32 scram-sha-256\n"
        f"local all {AUTH_CHECK_ROLE} scram-sha-256\n"
        "local all all trust\n"
        "host  all all 127.0.0.1/32 trust\n",
        encoding="utf-8")


def start_server(base_dir: Path) -> dict:
    """Create a cluster in base_dir, start it and return its state (port, paths, DSN)."""
    data_dir = base_dir / "data"
    log_path = base_dir / "server.log"
    initdb = run_as_server_user(
        [str(PG_BIN_DIR / "initdb"), "--pgdata", str(data_dir), "--username", SUPERUSER,
         "--auth", "trust", "--encoding", "UTF8", "--locale", "C", "--no-sync",
         "--no-instructions"], cwd=base_dir)
    if initdb.returncode != 0:
        raise ServerError(f"initdb failed with exit code {initdb.returncode}:\n{initdb.stdout}")
    with open(data_dir / "postgresql.conf", "a", encoding="utf-8") as config:
        config.write("\n# Settings of the paybench test server\ninclude 'paybench.conf'\n")

    for attempt in range(1, PORT_ATTEMPTS + 1):
        port = free_loopback_port()
        write_config(data_dir, base_dir, port)
        started = run_as_server_user(
            [str(PG_BIN_DIR / "pg_ctl"), "start", "--pgdata", str(data_dir), "--log",
             str(log_path), "--wait", "--timeout", str(START_TIMEOUT_S)], cwd=base_dir)
        if started.returncode == 0:
            break
        # Another process may have taken the port between the probe and the start.
        port_taken = "could not bind" in tail(log_path, 50)
        if not port_taken or attempt == PORT_ATTEMPTS:
            raise ServerError(f"pg_ctl start failed with exit code {started.returncode}:\n"
                              f"{started.stdout}\nserver log {log_path}:\n{tail(log_path)}")
        log(f"port {port} was taken, trying another")

    ready = subprocess.run(
        [str(PG_BIN_DIR / "pg_isready"), "--host", "127.0.0.1", "--port", str(port),
         "--timeout", str(START_TIMEOUT_S)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if ready.returncode != 0:
        raise ServerError(f"pg_isready reports the server on port {port} as not ready: "
                          f"{ready.stdout.strip()}\nserver log:\n{tail(log_path)}")

    dsn = f"host=127.0.0.1 port={port} user={SUPERUSER} dbname={DATABASE}"
    create_role = subprocess.run(
        [str(PG_BIN_DIR / "psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1",
         "--dbname", dsn, "--command",
         f"CREATE ROLE {AUTH_CHECK_ROLE} LOGIN PASSWORD '{AUTH_CHECK_PASSWORD}'"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if create_role.returncode != 0:
        raise ServerError(f"creating role {AUTH_CHECK_ROLE} failed: {create_role.stderr.strip()}")

    log(f"started PostgreSQL on 127.0.0.1:{port}, data in {data_dir}")
    return {"base_dir": str(base_dir), "data_dir": str(data_dir), "port": port, "dsn": dsn}


def stop_server(state: dict) -> None:
    """Stop the server that `state` describes, if it runs, and delete its directory."""
    base_dir = Path(state["base_dir"])
    data_dir = Path(state["data_dir"])
    if (data_dir / "postmaster.pid").exists():
        stopped = run_as_server_user(
            [str(PG_BIN_DIR / "pg_ctl"), "stop", "--pgdata", str(data_dir), "--mode", "fast",
             "--wait", "--timeout", str(START_TIMEOUT_S)], cwd=Path("/"))
        if stopped.returncode != 0:
            log(f"pg_ctl stop failed with exit code {stopped.returncode}: {stopped.stdout}")
        else:
            log(f"stopped PostgreSQL, data was in {data_dir}")
    shutil.rmtree(base_dir, ignore_errors=True)


def create_base_dir() -> Path:
    base_dir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(base_dir, entry.pw_uid, entry.pw_gid)
    return base_dir


def start_in_new_dir() -> dict:
    base_dir = create_base_dir()
    try:
        return start_server(base_dir)
    except BaseException:
        stop_server({"base_dir": str(base_dir), "data_dir": str(base_dir / "data")})
        raise


def missing_binary_message() -> str:
    return (f"{PG_BIN_DIR / 'postgres'} not found: the PostgreSQL sink tests need PostgreSQL 15. "
            "apt-get install postgresql-15 (scripts/setup installs it) enables them.")


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def command_start(state_dir: Path) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    state_path = state_dir / "server.json"
    dsn_path = state_dir / "dsn"

    # A server from an earlier run that was interrupted before its cleanup.
    if state_path.exists():
        log(f"stopping the server left by an earlier run ({state_path})")
        stop_server(json.loads(state_path.read_text(encoding="utf-8")))
        state_path.unlink()
    dsn_path.unlink(missing_ok=True)

    if not (PG_BIN_DIR / "postgres").exists():
        if is_ci():
            log(f"error: {missing_binary_message()} CI is set, so this fails instead of "
                "skipping the tests.")
            return 1
        log(f"{missing_binary_message()} The tests skip.")
        return 0

    state = start_in_new_dir()
    write_atomically(state_path, json.dumps(state, indent=2) + "\n")
    write_atomically(dsn_path, state["dsn"] + "\n")
    print(state["dsn"])
    return 0


def command_stop(state_dir: Path) -> int:
    state_path = state_dir / "server.json"
    (state_dir / "dsn").unlink(missing_ok=True)
    if not state_path.exists():
        return 0
    stop_server(json.loads(state_path.read_text(encoding="utf-8")))
    state_path.unlink()
    return 0


def command_run(command: list[str]) -> int:
    if not command:
        raise ServerError("run needs a command after '--', such as: run -- ctest -R Postgres")
    if not (PG_BIN_DIR / "postgres").exists():
        raise ServerError(missing_binary_message())

    # SIGTERM unwinds like Ctrl-C, so that the finally block stops the server.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    state = start_in_new_dir()
    try:
        log(f"PAYBENCH_PG_DSN={state['dsn']}")
        environment = dict(os.environ, PAYBENCH_PG_DSN=state["dsn"])
        return subprocess.run(command, env=environment, check=False).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        stop_server(state)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    subcommands = parser.add_subparsers(dest="subcommand", required=True)
    for name in ("start", "stop"):
        subcommand = subcommands.add_parser(name)
        subcommand.add_argument("--state-dir", type=Path, required=True,
                                help="directory for the DSN file and the server's state")
    run = subcommands.add_parser("run")
    run.add_argument("command", nargs=argparse.REMAINDER, help="command to run, after '--'")
    args = parser.parse_args()

    try:
        if args.subcommand == "start":
            return command_start(args.state_dir)
        if args.subcommand == "stop":
            return command_stop(args.state_dir)
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        return command_run(command)
    except ServerError as error:
        log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
