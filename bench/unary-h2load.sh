#!/usr/bin/env bash
# Unary QPS, latency and allocations per call of grpc.testing.TestService/UnaryCall: the project's gRPC runtime
# against a minimal hand-written Kestrel HTTP/2 endpoint answering the same bytes (the ceiling), and the runtime with
# a trivial service. The three servers run side by side, warm, and take short timed runs in turn, round after round:
# each round compares the servers over the same few seconds, so a burst of outside load spoils one round, not a
# whole server's figure. See bench/README.md.
#
#   bash bench/unary-h2load.sh            # defaults below; override with environment variables:
#   ROUNDS=15 REQUESTS=150000 WARMUP_SECONDS=20 CLIENTS=16 STREAMS=10 SERVER_CPU=1 CLIENT_CPU=0 NICE=0 bash bench/unary-h2load.sh
#
# Needs: the .NET SDK, h2load and nghttp (Debian nghttp2-client), /usr/bin/python3 with grpcio (python3-grpcio);
# scripts/install-test-deps.sh installs the Debian packages.
set -euo pipefail

ROUNDS="${ROUNDS:-15}"
REQUESTS="${REQUESTS:-150000}"
# Load by time, not by count: with one core the JIT's tier-up to optimized code competes with the requests and
# takes 10-20 s; allocations per call also drop once tier-1 code (escape analysis) is in place.
WARMUP_SECONDS="${WARMUP_SECONDS:-20}"
CLIENTS="${CLIENTS:-16}"
STREAMS="${STREAMS:-10}"
REQUEST_SIZE="${REQUEST_SIZE:-100}"
RESPONSE_SIZE="${RESPONSE_SIZE:-100}"
SERVER_CPU="${SERVER_CPU:-1}"
CLIENT_CPU="${CLIENT_CPU:-0}"
GRPC_PORT="${GRPC_PORT:-50151}"
CEILING_PORT="${CEILING_PORT:-50152}"
STATIC_PORT="${STATIC_PORT:-50153}"
# grpc: the runtime with the interop service (the figure the target is about); ceiling: Kestrel alone;
# grpc-static: the runtime with a service that only hands back a cached response (splits runtime from service).
MODES=(grpc ceiling grpc-static)
# On a machine shared with other work, NICE=-19 (root only) gives the server and h2load most of their cores; the
# default leaves scheduling alone. The summary says which was used.
NICE="${NICE:-0}"
TARGET_RATIO="0.85"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$repo_root/bench/Krakow.Bench.UnaryServer"
server="$project/bin/Release/net10.0/Krakow.Bench.UnaryServer"
work="$(mktemp -d /tmp/krakow-bench.XXXXXX)"
results="$work/results.tsv"
server_pid=""
declare -A pids=()

log() { echo "unary-h2load: $*" >&2; }

cleanup() {
  for pid in "$server_pid" "${pids[@]}"; do
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
}
trap cleanup EXIT

for tool in h2load nghttp taskset dotnet; do
  command -v "$tool" >/dev/null || { log "$tool not found (bash scripts/install-test-deps.sh installs nghttp2-client)"; exit 1; }
done
/usr/bin/python3 -c 'import grpc' 2>/dev/null || { log "/usr/bin/python3 has no grpc module (apt-get install python3-grpcio)"; exit 1; }

log "building Release"
dotnet build -c Release --nologo -v quiet "$project" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }

"$server" --write-request "$work/request.bin" --request-size "$REQUEST_SIZE" --response-size "$RESPONSE_SIZE"
"$server" --write-response "$work/response.bin" --response-size "$RESPONSE_SIZE"

url() { echo "http://127.0.0.1:$1/grpc.testing.TestService/UnaryCall"; }

port_of() { case "$1" in grpc) echo "$GRPC_PORT" ;; ceiling) echo "$CEILING_PORT" ;; *) echo "$STATIC_PORT" ;; esac; }

run_h2load() { # requests port [extra h2load args...]
  local requests="$1" port="$2"; shift 2
  nice -n "$NICE" taskset -c "$CLIENT_CPU" h2load -n "$requests" -c "$CLIENTS" -m "$STREAMS" -t 1 "$@" \
    -d "$work/request.bin" -H 'content-type: application/grpc' -H 'te: trailers' "$(url "$port")"
}

stats() { # nghttp exits 0 even when it cannot connect: insist on the answer's shape
  local answer
  answer="$(nghttp "http://127.0.0.1:$1/bench/stats" 2>/dev/null)"
  [[ "$answer" == allocated=* ]] || return 1
  echo "$answer"
}

start_server() { # mode port [extra args...]
  local mode="$1" port="$2"; shift 2
  nice -n "$NICE" taskset -c "$SERVER_CPU" "$server" --mode "$mode" --port "$port" --response-size "$RESPONSE_SIZE" "$@" &
  server_pid=$!
  for _ in $(seq 100); do
    if stats "$port" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  log "the $mode server did not start on port $port"; exit 1
}

stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime of the whole process, in clock ticks

field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p"; }

# 1. Correctness under the benchmark's configuration: a real gRPC client (the C-core) gets status OK and the
#    expected bytes from both servers; then the gRPC server, with a middleware reading each call's grpc-status,
#    takes an h2load run like the timed ones, and every call must have ended with grpc-status 0.
log "checking responses"
for mode in "${MODES[@]}"; do
  port="$(port_of "$mode")"
  start_server "$mode" "$port" --count-status
  /usr/bin/python3 "$repo_root/bench/check_unary.py" "127.0.0.1:$port" "$work/request.bin" "$work/response.bin" 500 >&2
  run_h2load 50000 "$port" >"$work/check-$mode.txt"
  after="$(stats "$port")"
  ok="$(field ok <<<"$after")"; failed="$(field failed <<<"$after")"
  if [[ "$ok" != "50500" || "$failed" != "0" ]]; then
    log "$mode: expected 50500 calls with grpc-status 0, got ok=$ok failed=$failed"; exit 1
  fi
  log "$mode: 50500/50500 calls ended with grpc-status 0"
  stop_server
done

# 2. Timed rounds. All three servers run (pinned to the same core; an idle one costs nothing), each warmed up first;
#    then every round gives each server one short timed run, the order rotating from round to round.
for mode in "${MODES[@]}"; do
  start_server "$mode" "$(port_of "$mode")"
  pids[$mode]="$server_pid"
  server_pid=""
done
for mode in "${MODES[@]}"; do
  log "warming up $mode for $WARMUP_SECONDS s"
  run_h2load "$REQUESTS" "$(port_of "$mode")" -D "$WARMUP_SECONDS" >/dev/null
done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before the timed runs: $load_before"
printf 'round\tmode\tqps\tmean_us\tp50_us\tp99_us\tmax_us\tbytes_per_call\tgen0\tserver_cpu\tclient_cpu\tcpu_us_per_call\n' >"$results"
for round in $(seq "$ROUNDS"); do
  shift_by=$(( (round - 1) % ${#MODES[@]} ))
  order=("${MODES[@]:shift_by}" "${MODES[@]:0:shift_by}")
  for mode in "${order[@]}"; do
    port="$(port_of "$mode")"
    pid="${pids[$mode]}"
    before="$(stats "$port")"
    ticks_before="$(cpu_ticks "$pid")"
    client_start="$(date +%s%N)"
    TIMEFORMAT='%U %S'
    { time run_h2load "$REQUESTS" "$port" --log-file "$work/log-$round-$mode.txt" >"$work/h2load-$round-$mode.txt"; } 2>"$work/time-$round-$mode.txt"
    client_end="$(date +%s%N)"
    ticks_after="$(cpu_ticks "$pid")"
    after="$(stats "$port")"

    out="$work/h2load-$round-$mode.txt"
    if ! grep -q "requests: $REQUESTS total, $REQUESTS started, $REQUESTS done, $REQUESTS succeeded, 0 failed" "$out" \
       || ! grep -q "status codes: $REQUESTS 2xx" "$out"; then
      cat "$out" >&2; log "round $round $mode: not every request succeeded"; exit 1
    fi
    qps="$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$out")"
    mean="$(awk '/^time for request:/ { print $6 }' "$out")"
    read -r p50 p99 max < <(cut -f3 "$work/log-$round-$mode.txt" | sort -n | awk '{ v[NR] = $1 } END { print v[int(NR * 0.50)], v[int(NR * 0.99)], v[NR] }')
    allocated=$(( $(field allocated <<<"$after") - $(field allocated <<<"$before") ))
    gen0=$(( $(field gen0 <<<"$after") - $(field gen0 <<<"$before") ))
    elapsed_ns=$((client_end - client_start))
    ticks_per_second="$(getconf CLK_TCK)"
    server_cpu="$(awk -v t=$((ticks_after - ticks_before)) -v hz="$ticks_per_second" -v ns="$elapsed_ns" 'BEGIN { printf "%.0f%%", 100 * t / hz / (ns / 1e9) }')"
    client_cpu="$(awk -v ns="$elapsed_ns" '{ printf "%.0f%%", 100 * ($1 + $2) / (ns / 1e9) }' "$work/time-$round-$mode.txt")"
    bytes_per_call="$(awk -v a="$allocated" -v n="$REQUESTS" 'BEGIN { printf "%.0f", a / n }')"
    cpu_per_call="$(awk -v t=$((ticks_after - ticks_before)) -v hz="$ticks_per_second" -v n="$REQUESTS" 'BEGIN { printf "%.2f", 1e6 * t / hz / n }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$mode" "$qps" "$mean" "$p50" "$p99" "$max" "$bytes_per_call" "$gen0" "$server_cpu" "$client_cpu" "$cpu_per_call" >>"$results"
    log "round $round $mode: $qps req/s"
  done
done

# 3. Summary: every round, the medians per mode and the ratio runtime/ceiling (overall and per round).
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$results" "$TARGET_RATIO" "$load_before" "$load_after" "$(nproc)" "$CLIENTS" "$STREAMS" "$REQUESTS" "$SERVER_CPU" "$CLIENT_CPU" "$NICE" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
target = float(sys.argv[2])
print()
print(f"{sys.argv[5]} CPUs; server on CPU {sys.argv[9]}, h2load on CPU {sys.argv[10]}, nice {sys.argv[11]}; h2load -c {sys.argv[6]} -m {sys.argv[7]} -n {sys.argv[8]}; "
      f"load average before {sys.argv[3]}, after {sys.argv[4]}")
print("round  mode         req/s     mean(ms)  p50(ms)  p99(ms)  max(ms)  B/call  gen0  server CPU  us CPU/call  h2load CPU")
for r in rows:
    ms = lambda v: f"{float(v.rstrip('ums')) / (1000 if v.endswith('us') or v.isdigit() else 1):.2f}"
    print(f"{r['round']:>5}  {r['mode']:<11} {float(r['qps']):>9.0f}  {ms(r['mean_us']):>8}  {ms(r['p50_us']):>7}  {ms(r['p99_us']):>7}  {ms(r['max_us']):>7}  {r['bytes_per_call']:>6}  {r['gen0']:>4}  {r['server_cpu']:>10}  {r['cpu_us_per_call']:>11}  {r['client_cpu']:>10}")
modes = ("grpc", "ceiling", "grpc-static")
qps = {m: [float(r["qps"]) for r in rows if r["mode"] == m] for m in modes}
alloc = {m: [float(r["bytes_per_call"]) for r in rows if r["mode"] == m] for m in modes}
p50 = {m: [float(r["p50_us"]) for r in rows if r["mode"] == m] for m in modes}
p99 = {m: [float(r["p99_us"]) for r in rows if r["mode"] == m] for m in modes}
per_round = [g / c for g, c in zip(qps["grpc"], qps["ceiling"])]
ratio = statistics.median(per_round)
static_ratio = statistics.median([s / c for s, c in zip(qps["grpc-static"], qps["ceiling"])])
print()
for m in modes:
    print(f"median {m:<11}: {statistics.median(qps[m]):9.0f} req/s, p50 {statistics.median(p50[m]) / 1000:.2f} ms, "
          f"p99 {statistics.median(p99[m]) / 1000:.2f} ms, {statistics.median(alloc[m]):.0f} B allocated per call")
cpu = {m: [float(r["cpu_us_per_call"]) for r in rows if r["mode"] == m] for m in modes}
print(f"server CPU per call (median): runtime {statistics.median(cpu['grpc']):.2f} us, ceiling {statistics.median(cpu['ceiling']):.2f} us, "
      f"runtime with a trivial service {statistics.median(cpu['grpc-static']):.2f} us; "
      f"ratio ceiling/runtime {statistics.median(cpu['ceiling']) / statistics.median(cpu['grpc']):.3f}")
print(f"allocations the runtime adds per call: {statistics.median(alloc['grpc']) - statistics.median(alloc['ceiling']):.0f} B")
print(f"ratio runtime/ceiling (median of the rounds' ratios): {ratio:.3f}; of the median QPS: "
      f"{statistics.median(qps['grpc']) / statistics.median(qps['ceiling']):.3f}; per round: {', '.join(f'{x:.3f}' for x in per_round)}; "
      f"target >= {target}: {'MET' if ratio >= target else 'NOT MET'}")
print(f"ratio runtime with a trivial service/ceiling (median of the rounds' ratios): {static_ratio:.3f}")
busiest = max(float(r["client_cpu"].rstrip("%")) for r in rows if r["mode"] == "ceiling")
if busiest >= 90:
    print(f"note: h2load used up to {busiest:.0f}% of its core against the ceiling, so the ceiling's QPS is close to what one "
          f"h2load thread can drive: treat it as a lower bound, and the ratio as an upper bound.")
PY
log "raw h2load output and per-request logs: $work"
