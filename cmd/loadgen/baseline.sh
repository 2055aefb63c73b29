#!/usr/bin/env bash
# baseline.sh OFFERS REDIS MIX [loadgen flags…]
#
# One figure of docs/BENCHMARKS.md: seeds a fresh embedded MongoDB with
# OFFERS open offers (supplybot seed offers OFFERS), starts supplybot on it
# with REDIS (embedded, or host:port of a real Redis, used under a key
# prefix of its own), runs loadgen with MIX against it alternating with the
# echo server, prints the bot's peak RSS and its CPU for ten seconds after
# the load, and stops it. Everything listens on
# 127.0.0.1 (ports BASELINE_PORT, default 18480, and the two after it).
#
#   cmd/loadgen/baseline.sh 2000 embedded help -workers 16 -duration 10s -runs 3
set -euo pipefail
if [ $# -lt 3 ]; then
	sed -n '2,13p' "$0" >&2
	exit 2
fi
offers=$1 redis=$2 mix=$3
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/supplybot-baseline.XXXXXX)
port=${BASELINE_PORT:-18480}
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
export SUPPLYBOT_DATA_DIR=$work/data SUPPLYBOT_SERVER_ADDR=127.0.0.1:$port \
	SUPPLYBOT_MONGO_EMBEDDED_LISTEN=127.0.0.1:$((port + 1)) SUPPLYBOT_REDIS_EMBEDDED_LISTEN=127.0.0.1:$((port + 2)) \
	SUPPLYBOT_REDIS_ADDR=$redis SUPPLYBOT_REDIS_PREFIX=baseline$$:
cd "$root"
go build -o "$work/supplybot" ./cmd/supplybot
go build -o "$work/loadgen" ./cmd/loadgen
"$work/supplybot" seed offers "$offers" >"$work/seed.log" 2>&1 || { tail -5 "$work/seed.log" >&2; exit 1; }
"$work/supplybot" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 150); do
	curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	sleep 0.2
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { tail -5 "$work/serve.log" >&2; exit 1; }
# The catch-up (every 15 s) re-reads the changes of the minute before its
# last run; the seeding's records are such changes until they are older
# than that. Measure the bot as it runs after that, not its first minute.
settle=${BASELINE_SETTLE:-80}
if [ "$offers" -gt 0 ] && [ "$settle" -gt 0 ]; then
	echo "waiting ${settle}s until the seeded records are out of the catch-up's re-read window (BASELINE_SETTLE)"
	sleep "$settle"
fi
"$work/loadgen" -target "http://127.0.0.1:$port/wechat" -mix "$mix" \
	-label "$offers offers seeded, redis $redis, mongo embedded, $(nproc) cores" "$@"
echo "supplybot peak RSS: $(awk '/VmHWM/ {print $2/1024 " MB"}' "/proc/$pid/status")"
# CPU the bot uses once the load has stopped: each second for ten seconds,
# its share of one core (utime+stime from /proc, in clock ticks).
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
line="supplybot CPU after the load stopped (% of a core, each second):"
prev=$(ticks)
for _ in $(seq 10); do
	sleep 1
	now=$(ticks)
	line="$line $(((now - prev) * 100 / hz))"
	prev=$now
done
echo "$line"
