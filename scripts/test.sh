#!/usr/bin/env bash
# Runs every test of the workspace against real SQLite, PostgreSQL and MariaDB.
# Starts (and on a fresh Debian 12 machine, installs) the servers first; see
# scripts/services.sh for the INVECT_TEST_* variables it exports.
#
#   bash scripts/test.sh [extra args for the first `cargo test`]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

banner() { printf '\n==== %s ====\n' "$*"; }

banner "services: PostgreSQL + MariaDB"
# shellcheck source=scripts/services.sh
source scripts/services.sh

banner "cargo test --workspace --all-targets${*:+ $*}"
cargo test --workspace --all-targets "$@"

# --all-targets skips doctests, so they get their own run.
banner "cargo test --workspace --doc"
cargo test --workspace --doc

banner "all tests passed"
