#!/usr/bin/env bash
# Simulator performance benchmark: `smsp simulate` beside a minimal hyper server measured in the
# same run (simulator/examples/baseline_hyper.rs). See bench/README.md for the method and the
# figures.
#
#   bash bench/simulator.sh
#
# Needs wrk (Debian: apt-get install -y wrk) for plain HTTP and oha (cargo install oha --locked)
# for mutual TLS; without oha the TLS rows are reported as not measured. Also needs curl and
# python3 (only to time start-up to the millisecond; never as a load generator).
#
# Environment: DURATION (seconds per load run, default 6), CONNECTIONS (default "1 16 64"),
# SEED (default 1), BIG (patients of the large scenario, default 1000000; 0 skips it),
# TRANSPORTS (default "plain tls"), OHA_PLAIN=0 skips oha on plain HTTP, STARTUP=0 skips the
# start-up timing, ROUNDS (default 1: how many times each baseline and simulator pair of runs is
# repeated, by turns, each round a row of its own), SIM_ARGS (extra `smsp simulate` arguments,
# for example "--journal-capacity 1000"), KEEP=1 keeps the work
# folder, CARGO_TARGET_DIR (honoured, default target/). About 12 minutes on the 2-core project
# machine.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-6}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
SEED=${SEED:-1}
BIG=${BIG:-1000000}
TRANSPORTS=${TRANSPORTS:-"plain tls"}
STARTUP=${STARTUP:-1}
OHA_PLAIN=${OHA_PLAIN:-1}
ROUNDS=${ROUNDS:-1}
read -r -a SIM_ARGS <<<"${SIM_ARGS:-}"
SMALL=10000
BODIES=64 # distinct requests (patients) each wrk run cycles through

WORK=$(mktemp -d /tmp/smsp-bench.XXXXXX)
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        # Children of this shell can be waited for; the one python started is polled.
        wait "$pid" 2>/dev/null || while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
    if [[ "${KEEP:-0}" == 1 ]]; then
        echo "work folder kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '%s\n' "$*" >&2; }
die() {
    log "bench/simulator.sh: $*"
    exit 1
}

for tool in wrk curl python3 cargo; do
    command -v "$tool" >/dev/null || die "$tool is not installed (wrk: apt-get install -y wrk)"
done
OHA=$(command -v oha || true)
[[ -z "$OHA" && -x "$HOME/.cargo/bin/oha" ]] && OHA="$HOME/.cargo/bin/oha"
[[ -n "$OHA" ]] || log "oha not found (cargo install oha --locked): mutual TLS will not be measured"

# ---------------------------------------------------------------------------------------------
# Build and generate
# ---------------------------------------------------------------------------------------------
log "building (release)…"
cargo build --release --quiet --bin smsp
cargo build --release --quiet -p smsp-simulator --examples
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SMSP="$TARGET/release/smsp"
BASELINE="$TARGET/release/examples/baseline_hyper"
GENERATE="$TARGET/release/examples/generate_scenario"
PKI="$WORK/pki"
"$SMSP" certs --out "$PKI" >/dev/null

log "generating $SMALL and $BIG patients…"
"$GENERATE" "$SMALL" "$SEED" "$WORK/small.yaml" "$WORK/small.tsv" "$BODIES"
if ((BIG > 0)); then
    "$GENERATE" "$BIG" "$SEED" "$WORK/big" "$WORK/big.tsv" "$BODIES"
fi

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------

# start NAME COMMAND…: starts a server in the background and waits for its
# "listening on URL" line; sets PID and URL.
start() {
    local name=$1
    shift
    "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    PID=$!
    PIDS+=("$PID")
    URL=""
    local i
    for ((i = 0; i < 6000; i++)); do
        URL=$(grep -o -m1 'listening on https\?://[^ ]*' "$WORK/$name.out" | sed 's/^listening on //' || true)
        [[ -n "$URL" ]] && return 0
        kill -0 "$PID" 2>/dev/null || die "$name exited: $(cat "$WORK/$name.err")"
        sleep 0.05
    done
    die "$name did not start within 300 s"
}

stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

service_of() { echo "urn:nhs-itk:services:201005:$1-v1-0"; }

# bodies OPERATION QUERIES URL COUNT DIR: writes COUNT fresh requests (timestamps valid for
# 300 s) for the first COUNT patients listed in QUERIES, and their paths to DIR/list.
bodies() {
    local op=$1 queries=$2 url=$3 count=$4 dir=$5
    rm -rf "$dir"
    mkdir -p "$dir"
    local n=0 nhs surname gender dob
    while IFS=$'\t' read -r nhs surname gender dob && ((n < count)); do
        n=$((n + 1))
        case "$op" in
            getPatientDetailsBySearch)
                "$SMSP" request "$op" --surname "$surname" --gender "$gender" --birth-date "$dob" \
                    --to "$url" >"$dir/$n.xml"
                ;;
            *)
                "$SMSP" request "$op" --nhs-number "$nhs" --birth-date "$dob" --to "$url" >"$dir/$n.xml"
                ;;
        esac
        echo "$dir/$n.xml" >>"$dir/list"
    done <"$queries"
}

# curl_check OPERATION BODY URL [TLS]: sends one request by hand and prints "STATUS CODE".
curl_check() {
    local op=$1 body=$2 url=$3
    local tls=()
    [[ "${4:-}" == tls ]] && tls=(--cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client-key.pem")
    local status
    status=$(curl -s "${tls[@]}" -o "$WORK/check.xml" -w '%{http_code}' \
        -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: $(service_of "$op")" \
        --data-binary @"$body" "$url")
    local code
    code=$(grep -o -m1 'code="\(SMSP\|DEMOG\)-[0-9]*"' "$WORK/check.xml" | head -n1 | sed 's/code="//; s/"//' || true)
    echo "$status ${code:-none}"
}

cat >"$WORK/post.lua" <<'LUA'
-- Cycles through prepared POST requests; prints one machine-readable line at the end.
local requests = {}
local i = 0
function init(args)
  local list = assert(io.open(args[1]))
  for path in list:lines() do
    local f = assert(io.open(path, "rb"))
    local body = f:read("*a")
    f:close()
    table.insert(requests, wrk.format("POST", nil,
      { ["Content-Type"] = "text/xml; charset=utf-8", ["SOAPAction"] = args[2] }, body))
  end
  list:close()
end
function request()
  i = i % #requests + 1
  return requests[i]
end
function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
LUA

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# load SERVER TRANSPORT OPERATION CONNECTIONS URL QUERIES PID [LABEL]: one measured run against
# the server process PID; appends SERVER TRANSPORT OPERATION CONNECTIONS RPS P50_MS P99_MS
# STATUSES SERVER_CPU_US CLIENT_CPU_US (CPU time per request, user + system) OTHER_CPU (the share
# of the machine's CPU time that neither took: other processes, the kernel's own work) to the
# results.
load() {
    local server=$1 transport=$2 op=$3 conns=$4 url=$5 queries=$6 pid=$7 label=${8:-$1}
    local dir="$WORK/bodies"
    local count=$BODIES
    [[ "$transport" == plain ]] || count=1
    bodies "$op" "$queries" "$url" "$count" "$dir"
    local line ticks_before ticks_after machine_before machine_after
    ticks_before=$(cpu_ticks "$pid")
    machine_before=$(machine_ticks)
    if [[ "$transport" == plain ]]; then
        line=$(/usr/bin/time -f 'CLIENT_CPU %U %S' -o "$WORK/client.cpu" \
            wrk -t1 -c"$conns" -d"${DURATION}s" --timeout 5s -s "$WORK/post.lua" "$url" \
            -- "$dir/list" "$(service_of "$op")" | grep '^RESULT')
        local requests duration p50 p99 non2xx sockerr
        requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
        duration=$(sed 's/.*duration_us=\([0-9]*\).*/\1/' <<<"$line")
        p50=$(sed 's/.*p50_us=\([0-9]*\).*/\1/' <<<"$line")
        p99=$(sed 's/.*p99_us=\([0-9]*\).*/\1/' <<<"$line")
        non2xx=$(sed 's/.*non2xx=\([0-9]*\).*/\1/' <<<"$line")
        sockerr=$(sed 's/.*socket_errors=\([0-9]*\).*/\1/' <<<"$line")
        local ok=$((requests - non2xx))
        local statuses="200:$ok"
        ((non2xx > 0)) && statuses+=",non-2xx:$non2xx"
        ((sockerr > 0)) && statuses+=",socket-errors:$sockerr"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$transport" "$op" "$conns" \
            "$(python3 -c "print(round($requests / ($duration / 1e6)))")" \
            "$(python3 -c "print(f'{$p50 / 1000:.2f}')")" \
            "$(python3 -c "print(f'{$p99 / 1000:.2f}')")" "$statuses" "$requests" >>"$RESULTS"
    else
        # oha: "tls" (mutual TLS) or "oha-plain" (plain HTTP, to compare the two generators).
        [[ -n "$OHA" ]] || return 0
        local tls=()
        [[ "$transport" == tls ]] && tls=(--cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client-key.pem")
        /usr/bin/time -f 'CLIENT_CPU %U %S' -o "$WORK/client.cpu" \
            "$OHA" -z "${DURATION}s" -c "$conns" --worker-threads 1 --no-tui --output-format json -m POST \
            -H 'Content-Type: text/xml; charset=utf-8' -H "SOAPAction: $(service_of "$op")" \
            -D "$dir/1.xml" "${tls[@]}" "$url" >"$WORK/oha.json"
        python3 - "$WORK/oha.json" "$label" "$transport" "$op" "$conns" >>"$RESULTS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
p = r.get("latencyPercentiles", {})
codes = r.get("statusCodeDistribution", {})
# Requests still in flight when the run ends are cut off by oha, not refused by the server.
errors = {k: v for k, v in r.get("errorDistribution", {}).items() if k != "aborted due to deadline"}
statuses = ",".join([f"{k}:{v}" for k, v in sorted(codes.items())] +
                    [f"error({k}):{v}" for k, v in errors.items()]) or "none"
print("\t".join(sys.argv[2:6] + [str(round(s["requestsPerSec"])),
      f'{p.get("p50", 0) * 1000:.2f}', f'{p.get("p99", 0) * 1000:.2f}', statuses,
      str(sum(codes.values()))]))
PY
    fi
    ticks_after=$(cpu_ticks "$pid")
    machine_after=$(machine_ticks)
    # Replace the request count (last column) by the CPU time per request of server and client,
    # and the share of all CPU time (of all cores, over the run) that neither used.
    python3 - "$RESULTS" "$((ticks_after - ticks_before))" "$(getconf CLK_TCK)" "$WORK/client.cpu" \
        "$((machine_after - machine_before))" "$DURATION" "$(nproc)" <<'PY'
import sys
path, ticks, hz, client = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
machine, duration, cores = int(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
lines = open(path).read().splitlines()
row = lines[-1].split("\t")
n = max(int(row[-1]), 1)
user, system = next(l for l in open(client) if l.startswith("CLIENT_CPU")).split()[1:3]
client_s = float(user) + float(system)
other = max(machine / hz - ticks / hz - client_s, 0) / (duration * cores)
row[-1:] = [f"{ticks / hz / n * 1e6:.0f}", f"{client_s / n * 1e6:.0f}", f"{other * 100:.0f}%"]
lines[-1] = "\t".join(row)
open(path, "w").write("\n".join(lines) + "\n")
PY
    tail -n1 "$RESULTS" | awk -F'\t' '{printf "  %-9s %-9s %-29s c=%-3s %6s req/s  p50 %5s ms  p99 %5s ms  cpu/req server %4s us client %4s us  other %4s  %s\n", $1, $2, $3, $4, $5, $6, $7, $9, $10, $11, $8}' >&2
}

# warm URL TRANSPORT QUERIES PID: a short unrecorded run so that caches and pools are warm.
warm() {
    local saved=$DURATION
    DURATION=2
    load warmup "$2" getPatientDetailsByNHSNumber 16 "$1" "$3" "$4"
    DURATION=$saved
    sed -i '$d' "$RESULTS"
}

memory() { # PID: resident and peak resident memory in MiB
    awk '/^VmRSS/ {rss = $2} /^VmHWM/ {hwm = $2} END {printf "resident %.1f MiB (peak %.1f MiB)", rss / 1024, hwm / 1024}' "/proc/$1/status"
}

cpu_ticks() { # PID: user + system CPU time so far, in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat"
}

machine_ticks() { # busy CPU time of all cores so far (user, nice, system, irq, softirq, steal)
    awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat
}

# first_answer OUT CA_DIR|- BODY PORT COMMAND…: starts COMMAND (a server on PORT) from python,
# polls it every millisecond with BODY, and prints "PID MS STATUS" once it answers HTTP 200.
cat >"$WORK/first_answer.py" <<'PY'
import socket, ssl, subprocess, sys, time
out, ca_dir, body_path, port = sys.argv[1:5]
cmd = sys.argv[5:]
body = open(body_path, "rb").read()
head = (f"POST /smsp/pds HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: text/xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
context = None
if ca_dir != "-":
    context = ssl.create_default_context(cafile=f"{ca_dir}/ca.pem")
    context.load_cert_chain(f"{ca_dir}/client.pem", f"{ca_dir}/client-key.pem")
started = time.monotonic()
child = subprocess.Popen(cmd, stdout=open(out, "w"), stderr=subprocess.STDOUT)
while True:
    if child.poll() is not None:
        sys.exit(f"server exited with {child.returncode}")
    if time.monotonic() - started > 300:
        sys.exit("no answer within 300 s")
    try:
        s = socket.create_connection(("127.0.0.1", int(port)), timeout=60)
    except OSError:
        time.sleep(0.001)
        continue
    try:
        if context:
            s = context.wrap_socket(s, server_hostname="127.0.0.1")
        s.sendall(head + body)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    except OSError:
        time.sleep(0.001)
        continue
    finally:
        s.close()
    status = reply.split(b" ", 2)[1].decode() if reply.startswith(b"HTTP/") else "none"
    if status == "200":
        elapsed = (time.monotonic() - started) * 1000
        print(child.pid, f"{elapsed:.0f}", status)
        break
    time.sleep(0.001)
PY

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---------------------------------------------------------------------------------------------
# Throughput and latency, 10,000 patients
# ---------------------------------------------------------------------------------------------
OPERATIONS="getPatientDetailsBySearch getPatientDetailsByNHSNumber"
declare -A RSS
for transport in $TRANSPORTS; do
    if [[ "$transport" == tls && -z "$OHA" ]]; then
        continue
    fi
    if [[ "$transport" == plain ]]; then
        start simulator "$SMSP" simulate --scenario "$WORK/small.yaml" --listen 127.0.0.1:0 --plain-http --no-admin "${SIM_ARGS[@]}"
    else
        start simulator "$SMSP" simulate --scenario "$WORK/small.yaml" --listen 127.0.0.1:0 --dev-tls "$PKI" --no-admin "${SIM_ARGS[@]}"
    fi
    SIM_PID=$PID
    SIM_URL=$URL
    # One answer by hand first: it must be HTTP 200 with SMSP-0000, and the baseline answers
    # with the same bytes.
    bodies getPatientDetailsBySearch "$WORK/small.tsv" "$SIM_URL" 1 "$WORK/check"
    read -r status code < <(curl_check getPatientDetailsBySearch "$WORK/check/1.xml" "$SIM_URL" "$transport")
    [[ "$status $code" == "200 SMSP-0000" ]] || die "simulator answered $status $code by hand ($transport)"
    cp "$WORK/check.xml" "$WORK/response.xml"
    log "$transport: by hand: $status $code ($(wc -c <"$WORK/response.xml") bytes)"

    if [[ "$transport" == plain ]]; then
        start baseline "$BASELINE" --listen 127.0.0.1:0 --body "$WORK/response.xml"
    else
        start baseline "$BASELINE" --listen 127.0.0.1:0 --body "$WORK/response.xml" --dev-tls "$PKI"
    fi
    BASE_PID=$PID
    BASE_URL="${URL%/}/smsp/pds"

    warm "$BASE_URL" "$transport" "$WORK/small.tsv" "$BASE_PID"
    warm "$SIM_URL" "$transport" "$WORK/small.tsv" "$SIM_PID"
    for op in $OPERATIONS; do
        for conns in $CONNECTIONS; do
            for ((round = 1; round <= ROUNDS; round++)); do
                load baseline "$transport" "$op" "$conns" "$BASE_URL" "$WORK/small.tsv" "$BASE_PID"
                load simulator "$transport" "$op" "$conns" "$SIM_URL" "$WORK/small.tsv" "$SIM_PID"
            done
        done
        if [[ "$transport" == plain && -n "$OHA" && "$OHA_PLAIN" == 1 ]]; then
            load baseline oha-plain "$op" 64 "$BASE_URL" "$WORK/small.tsv" "$BASE_PID"
            load simulator oha-plain "$op" 64 "$SIM_URL" "$WORK/small.tsv" "$SIM_PID"
        fi
        # The requests are still fresh: the last one must still be answered SMSP-0000.
        read -r status code < <(curl_check "$op" "$WORK/bodies/1.xml" "$SIM_URL" "$transport")
        [[ "$status $code" == "200 SMSP-0000" ]] || die "after the $op runs the simulator answered $status $code"
    done
    RSS[$transport]=$(memory "$SIM_PID")
    stop "$BASE_PID"
    stop "$SIM_PID"
done

# ---------------------------------------------------------------------------------------------
# The large scenario: load time, throughput, memory
# ---------------------------------------------------------------------------------------------
BIG_LOAD_MS=""
if ((BIG > 0)); then
    port=$(free_port)
    bodies getPatientDetailsByNHSNumber "$WORK/big.tsv" "http://127.0.0.1:$port/smsp/pds" 1 "$WORK/first"
    log "loading $BIG patients…"
    read -r pid BIG_LOAD_MS _ < <(python3 "$WORK/first_answer.py" "$WORK/big.out" - "$WORK/first/1.xml" "$port" \
        "$SMSP" simulate --scenario "$WORK/big" --listen "127.0.0.1:$port" --plain-http --no-admin "${SIM_ARGS[@]}")
    PIDS+=("$pid")
    BIG_URL="http://127.0.0.1:$port/smsp/pds"
    read -r status code < <(curl_check getPatientDetailsByNHSNumber "$WORK/first/1.xml" "$BIG_URL")
    [[ "$status $code" == "200 SMSP-0000" ]] || die "with $BIG patients the simulator answered $status $code"
    log "  first answer after $BIG_LOAD_MS ms"
    # The 10,000-patient simulator again, run by turns with the large one, so that the two are
    # compared under the same conditions.
    start simulator-again "$SMSP" simulate --scenario "$WORK/small.yaml" --listen 127.0.0.1:0 --plain-http --no-admin "${SIM_ARGS[@]}"
    AGAIN_PID=$PID
    AGAIN_URL=$URL
    warm "$BIG_URL" plain "$WORK/big.tsv" "$pid"
    warm "$AGAIN_URL" plain "$WORK/small.tsv" "$AGAIN_PID"
    for op in $OPERATIONS; do
        load simulator plain "$op" 64 "$AGAIN_URL" "$WORK/small.tsv" "$AGAIN_PID" "sim-small"
        load simulator plain "$op" 64 "$BIG_URL" "$WORK/big.tsv" "$pid" "sim-big"
    done
    stop "$AGAIN_PID"
    RSS[big]=$(memory "$pid")
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
fi

# ---------------------------------------------------------------------------------------------
# Start-up to first answer with the default scenario (median of 5)
# ---------------------------------------------------------------------------------------------
startup() { # plain|tls: prints the median of 5 start-ups in ms
    local transport=$1 times=() i
    for i in 1 2 3 4 5; do
        local port
        port=$(free_port)
        local scheme=http tls=(--plain-http) ca=-
        if [[ "$transport" == tls ]]; then
            scheme=https tls=(--dev-tls "$PKI") ca=$PKI
        fi
        "$SMSP" request verifyNHSNumber --nhs-number 9990000018 --birth-date 19800131 \
            --to "$scheme://127.0.0.1:$port/smsp/pds" >"$WORK/startup.xml"
        local pid ms
        read -r pid ms _ < <(python3 "$WORK/first_answer.py" "$WORK/startup.out" "$ca" "$WORK/startup.xml" "$port" \
            "$SMSP" simulate --listen "127.0.0.1:$port" "${tls[@]}" --admin 127.0.0.1:0)
        PIDS+=("$pid")
        times+=("$ms")
        kill "$pid"
        while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
STARTUP_PLAIN=n/a
STARTUP_TLS=n/a
if [[ "$STARTUP" == 1 ]]; then
    STARTUP_PLAIN=$(startup plain)
    STARTUP_TLS=$(startup tls)
fi

# ---------------------------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------------------------
echo
echo "Simulator benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg), ${DURATION} s per run, wrk -t1 (plain), oha --worker-threads 1 (mTLS, and plain at 64 for comparison)${SIM_ARGS[*]+, smsp simulate ${SIM_ARGS[*]}}"
echo
echo "| transport | operation | conns | simulator req/s | baseline req/s | ratio | sim p50 ms | sim p99 ms | base p99 ms | CPU/req sim / base / client µs | other CPU sim / base | simulator statuses |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
python3 - "$RESULTS" "$BIG" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {(r[0], r[1], r[2], r[3]): r for r in rows}
# Each simulator row is set beside the baseline run just before it (ROUNDS pairs them by turns).
last = {}
for r in rows:
    server, transport, op, conns = r[:4]
    if server == "baseline":
        last[(transport, op, conns)] = r
    if server != "simulator":
        continue
    b = last.get((transport, op, conns))
    name = {"tls": "mTLS (oha)", "plain": "plain (wrk)", "oha-plain": "plain (oha)"}[transport]
    ratio = f"{int(r[4]) / int(b[4]):.2f}" if b else "-"
    cpu = f"{r[8]} / {b[8] if b else '-'} / {r[9]}"
    other = f"{r[10]} / {b[10] if b else '-'}"
    print(f"| {name} | {op} | {conns} | {r[4]} | {b[4] if b else '-'} | {ratio} | {r[5]} | {r[6]} | {b[6] if b else '-'} | {cpu} | {other} | {r[7]} |")
for r in rows:
    if r[0] == "sim-big":
        small = by.get(("sim-small", "plain", r[2], r[3]))
        print(f"| plain (wrk), 10000 patients, by turns with {sys.argv[2]} | {r[2]} | {r[3]} | {small[4]} | - | - | {small[5]} | {small[6]} | - | {small[8]} / - / {small[9]} | {small[10]} | {small[7]} |")
        ratio = f"{int(r[4]) / int(small[4]):.2f} of 10k"
        print(f"| plain (wrk), {sys.argv[2]} patients | {r[2]} | {r[3]} | {r[4]} | - | {ratio} | {r[5]} | {r[6]} | - | {r[8]} / - / {r[9]} | {r[10]} | {r[7]} |")
PY
echo
echo "simulator memory after the $SMALL-patient runs: plain ${RSS[plain]:-n/a}; mTLS ${RSS[tls]:-n/a}"
if ((BIG > 0)); then
    echo "$BIG patients: first answer ${BIG_LOAD_MS} ms after start; ${RSS[big]:-n/a}"
fi
echo "start-up to first answer, default scenario (median of 5): plain ${STARTUP_PLAIN} ms, mTLS ${STARTUP_TLS} ms"
cp "$RESULTS" "${RESULTS_OUT:-/dev/null}" 2>/dev/null || true
