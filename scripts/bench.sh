#!/usr/bin/env bash
# Runs every benchmark of benches/ against real SQLite, PostgreSQL and MariaDB
# (started the way scripts/test.sh starts them) and prints the figures that
# benches/RESULTS.md records. Each part compares against its baseline in the
# same run. Expect ~25 minutes on 2 cores, most of it release builds.
#
#   bash scripts/bench.sh                 # all parts
#   bash scripts/bench.sh criterion       # query overhead, insert_many, verify, push (criterion)
#   bash scripts/bench.sh ab              # overhead and insert_many, forms interleaved (load-robust)
#   bash scripts/bench.sh push            # wall time of `invect-cli migrate --push`, 11 runs
#   bash scripts/bench.sh memory          # peak RSS: stream 1M rows, insert_many 100k, push
#   bash scripts/bench.sh macro           # cargo build time of 100 #[invect_table]s
#
# Knobs: INVECT_BENCH_FILTER (criterion filter, e.g. `insert_many/postgres`),
# INVECT_STREAM_ROWS (default 1000000), INVECT_INSERT_ROWS (default 100000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=$ROOT/target/bench
mkdir -p "$OUT"
PARTS=("$@")
((${#PARTS[@]} > 0)) || PARTS=(criterion ab push memory macro)

banner() { printf '\n==== %s ====\n' "$*"; }

banner "services: PostgreSQL + MariaDB"
# shellcheck source=scripts/services.sh
source scripts/services.sh

banner "release builds: invect-cli, the benches' helper binaries"
cargo build --release -p invect-cli
cargo build --release -p invect-benches --bins
CLI=$ROOT/target/release/invect-cli
RSS=$ROOT/target/release/invect-rss

PG_BENCH_URL=postgres://invect:invect@127.0.0.1:5432/invect_bench
MYSQL_BENCH_URL=mysql://invect:invect@127.0.0.1:3306/invect_bench
SQLITE_BENCH_URL="sqlite://$OUT/bench.db?mode=rwc"
URLS=("$SQLITE_BENCH_URL" "$PG_BENCH_URL" "$MYSQL_BENCH_URL")
name_of() {
    case $1 in
        sqlite*) echo sqlite ;; postgres*) echo postgres ;; *) echo mysql ;;
    esac
}

# Fresh, empty bench databases, then the core schema through a first push.
fresh_databases() {
    rm -f "$OUT"/bench.db*
    PGOPTIONS='--client-min-messages=warning' psql -X -q "$INVECT_TEST_PG_ADMIN_URL" -c 'DROP DATABASE IF EXISTS invect_bench' \
        -c 'CREATE DATABASE invect_bench'
    mysql --protocol=tcp -h127.0.0.1 -P3306 -uinvect -pinvect \
        -e 'DROP DATABASE IF EXISTS invect_bench; CREATE DATABASE invect_bench'
    local url
    for url in "${URLS[@]}"; do
        "$CLI" migrate --push --yes --database-url "$url" >/dev/null
    done
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Peak RSS in MB of one command (its output goes to $OUT/last.log).
peak_rss() {
    /usr/bin/time -v "$@" >"$OUT/last.log" 2>"$OUT/time.log" || {
        cat "$OUT/last.log" "$OUT/time.log" >&2
        return 1
    }
    awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$OUT/time.log"
}

part_criterion() {
    banner "criterion: cargo bench -p invect-benches ${INVECT_BENCH_FILTER:-}"
    INVECT_CLI=$CLI cargo bench -p invect-benches -- ${INVECT_BENCH_FILTER:+"$INVECT_BENCH_FILTER"}
    banner "criterion medians"
    "$ROOT/target/release/invect-bench-report" "$ROOT/target/criterion"
}

part_ab() {
    # Without TLS: sqlx 0.9.0 never sets TCP_NODELAY, so over TLS every
    # statement of a few kB waits ~40 ms for a delayed ACK (benches/RESULTS.md
    # §2), which would time the stall, not the code, on both sides alike.
    local INVECT_TEST_PG_URL="$INVECT_TEST_PG_URL?sslmode=disable"
    local INVECT_TEST_MYSQL_URL="$INVECT_TEST_MYSQL_URL?ssl-mode=disabled"
    export INVECT_TEST_PG_URL INVECT_TEST_MYSQL_URL
    banner "interleaved A/B: query overhead (41 rounds x 300 calls; ratios per round, median and min-max)"
    "$ROOT/target/release/invect-overhead-ab" 41 300
    banner "interleaved A/B: insert_many of 20,000 rows vs hand-written and the server floor (13 rounds; ratios per round, median and min-max; PostgreSQL's pg_copy_prebuilt: a COPY of data the server encoded, no client work)"
    # The sqlx_gensql forms (generated SQL bound by hand) are a diagnostic,
    # left out here to spend the time on rounds; run the binary alone for them.
    local d
    for d in sqlite postgres mysql; do
        INVECT_AB_FORMS=invect,sqlx_values,sqlx_unnest,server_floor,pg_copy \
            "$ROOT/target/release/invect-insert-ab" "$d" 20000 13 100,500,1000,2000
    done
}

# Median wall time (ms) of 11 runs of `$@`, printed as `push_noop <label> <ms>`.
time_runs() {
    local label=$1 i start
    shift
    for i in $(seq 11); do
        start=$(date +%s%N)
        "$@" >/dev/null
        echo $((($(date +%s%N) - start) / 1000))
    done | median | awk -v n="$label" '{printf "push_noop %-22s %.1f ms\n", n, $1/1000}'
}

part_push() {
    banner "push with nothing to do: wall time of the invect-cli process (11 runs, median)"
    fresh_databases
    time_runs "process start" "$CLI" --version
    local url
    for url in "${URLS[@]}"; do
        time_runs "$(name_of "$url")" "$CLI" migrate --push --yes --database-url "$url"
    done
    # The servers again without TLS: sqlx 0.9.0 never sets TCP_NODELAY, so
    # each TLS handshake waits ~40 ms for a delayed ACK (benches/RESULTS.md §4).
    time_runs "postgres (no TLS)" "$CLI" migrate --push --yes --database-url "$PG_BENCH_URL?sslmode=disable"
    time_runs "mysql (no TLS)" "$CLI" migrate --push --yes --database-url "$MYSQL_BENCH_URL?ssl-mode=disabled"
}

part_memory() {
    banner "peak RSS (/usr/bin/time -v)"
    if [[ ! -x /usr/bin/time ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q time </dev/null >&2
    fi
    fresh_databases
    local url n stream_rows=${INVECT_STREAM_ROWS:-1000000} insert_rows=${INVECT_INSERT_ROWS:-100000}
    for url in "${URLS[@]}"; do
        n=$(name_of "$url")
        "$RSS" seed "$url" "$stream_rows" >/dev/null
        echo "rss $n stream $stream_rows rows: $(peak_rss "$RSS" stream "$url") MB ($(cat "$OUT/last.log"))"
        echo "rss $n build $insert_rows rows only (baseline): $(peak_rss "$RSS" build "$url" "$insert_rows") MB"
        echo "rss $n insert_many $insert_rows rows: $(peak_rss "$RSS" insert "$url" "$insert_rows") MB"
        echo "rss $n insert_many $insert_rows rows from an iterator: $(peak_rss "$RSS" insert-iter "$url" "$insert_rows") MB"
        echo "rss $n invect-cli migrate --push (nothing to do): $(peak_rss "$CLI" migrate --push --yes --database-url "$url") MB"
    done
}

part_macro() {
    banner "macro cost: cargo build of 100 tables, #[invect_table] vs serde derives only vs plain structs"
    bash benches/macro-cost.sh
}

for part in "${PARTS[@]}"; do
    "part_$part"
done
