# Shared by the benchmarks that run daemons and print one line per figure (bench/network.sh, bench/drive.sh,
# bench/drive-files.sh).
# The caller sets $bench (the first word of every line, e.g. "network"), $root (the clone), $failed=0 and, before the
# bitdust helpers, BITDUST_HOME (this run's own node home).

# rate["IMPL OP"]: each figure's rate (MB/s or per second) as reported, for ratio lines.
declare -A rate=()

# build_bitdust: builds the CLI (Release) quietly and sets $bitdust; on a failed build shows why and exits.
build_bitdust() {
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  local build_log
  if ! build_log=$(dotnet build "$root/src/BitDust.Mount" -c Release -nologo -v:q 2>&1); then
    echo "$build_log" >&2
    echo "error: building bitdust failed" >&2
    exit 1
  fi
  bitdust="$(build_output src/BitDust.Mount)/bitdust"
}

# use_free_ports: this run's node takes free ports, so it runs beside any other node on the machine.
use_free_ports() {
  "$bitdust" set interface/api/rest-http-port 0 >/dev/null
  "$bitdust" set services/entangled-dht/udp-port 0 >/dev/null
  "$bitdust" set services/tcp-connections/tcp-port 0 >/dev/null
}

# stop_bitdust_nodes: stops this run's localnet and node, then kills what is left by the pids its daemons wrote (never by
# name), and only a process whose BITDUST_HOME is this run's: never another process that reused the pid.
stop_bitdust_nodes() {
  [ -n "${bitdust:-}" ] || return 0
  "$bitdust" localnet down >/dev/null 2>&1
  "$bitdust" stop >/dev/null 2>&1
  local pidfile pid
  for pidfile in "$BITDUST_HOME/bitdust.pid" "$BITDUST_HOME"/localnet/*/bitdust.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -q "^BITDUST_HOME=$BITDUST_HOME"; then
      kill -9 "$pid" 2>/dev/null
    fi
  done
  return 0
}

now() { date +%s.%N; }

# report IMPL OP BYTES START END [extra]: one line, e.g.  network impl=bitdust op=upload bytes=1073741824 seconds=12.340 MBps=87.0
report() {
  local seconds mbps
  read -r seconds mbps < <(awk -v bytes="$3" -v start="$4" -v end="$5" 'BEGIN {
    s = end - start; if (s <= 0) s = 1e-9; printf "%.3f %.1f\n", s, bytes / 1e6 / s }')
  echo "$bench impl=$1 op=$2 bytes=$3 seconds=$seconds MBps=$mbps${6:-}"
  rate["$1 $2"]=$mbps
}

# report_files IMPL OP FILES START END [extra]: one line, e.g.  drive impl=rclone op=create files=2000 seconds=0.456 per_s=4386
report_files() {
  local seconds per_s
  read -r seconds per_s < <(awk -v n="$3" -v start="$4" -v end="$5" 'BEGIN {
    s = end - start; if (s <= 0) s = 1e-9; printf "%.3f %.0f\n", s, n / s }')
  echo "$bench impl=$1 op=$2 files=$3 seconds=$seconds per_s=$per_s${6:-}"
  rate["$1 $2"]=$per_s
}

# fail IMPL OP LOG CODE: says what failed and shows the end of its output.
fail() {
  echo "$bench impl=$1 op=$2 failed (exit $4); the end of its output ($3):"
  tail -n 15 "$3" | sed 's/^/    /'
  failed=1
}

# verify IMPL FILE: FILE holds the original's bytes ($sha is their SHA-256); sets $verified for the report line.
verify() {
  local got
  got=$(sha256sum "$2" 2>/dev/null | cut -d' ' -f1)
  if [ "$got" = "$sha" ]; then
    verified=" verified=yes"
  else
    verified=" verified=NO"
    echo "$bench impl=$1: $2 differs from the original (sha256 ${got:-none}, expected $sha)" >&2
    failed=1
  fi
}

# write_rclone_crypt_config FILE STORE: an rclone.conf whose remote `benchcrypt` is a crypt remote over the folder STORE.
write_rclone_crypt_config() {
  cat >"$1" <<CONF
[benchcrypt]
type = crypt
remote = $2
password = $(rclone obscure "bench passphrase")
CONF
}
