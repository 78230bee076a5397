#!/usr/bin/env bash
# scripts/bench network [--mib N] [--suppliers N] [--quick] [--keep]
#
# Storage over a real network on loopback, beside two tools people use for encrypted copies, in the same run on the same disk:
#   bitdust       `bitdust localnet up --suppliers N` (separate daemons), `bitdust file upload` and `bitdust file download`
#   rclone-crypt  `rclone copy` into a local crypt remote and back
#   restic        `restic backup` into a local repository and `restic restore`
# A random file (1 GiB; --quick 64 MiB) goes in and comes back; each copy back is checked byte for byte with sha256sum.
# Prints one line per operation:  network impl=bitdust op=upload bytes=1073741824 seconds=12.34 MBps=87.0
# Exits 1 when an operation failed or a copy came back different (the other figures are still printed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/lib/deps.sh

mib=1024
suppliers=7
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) mib="$2"; shift 2 ;;
    --suppliers) suppliers="$2"; shift 2 ;;
    --quick) mib=64; shift ;;
    --keep) keep=1; shift ;;
    *) echo "usage: scripts/bench network [--mib N] [--suppliers 2|4|7|13|18|26|64] [--quick] [--keep]" >&2; exit 2 ;;
  esac
done

require_dotnet
install_debian_packages libzstd1 rclone restic coreutils
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! build_log=$(dotnet build src/BitDust.Mount -c Release -nologo -v:q 2>&1); then
  echo "$build_log" >&2
  echo "error: building bitdust failed" >&2
  exit 1
fi
bitdust="$root/src/BitDust.Mount/bin/Release/net10.0/bitdust"

work=$(mktemp -d /tmp/bitdust-bench-network-XXXXXX)
export BITDUST_HOME="$work/home"
failed=0

# Stops what this run started, by the pids its daemons wrote (never by name), then removes the work folder.
cleanup() {
  set +e
  "$bitdust" localnet down >/dev/null 2>&1
  "$bitdust" stop >/dev/null 2>&1
  for pidfile in "$BITDUST_HOME/bitdust.pid" "$BITDUST_HOME"/localnet/*/bitdust.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # Only a process whose BITDUST_HOME is under this run's home: never another process that reused the pid.
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -q "^BITDUST_HOME=$BITDUST_HOME"; then
      kill -9 "$pid" 2>/dev/null
    fi
  done
  if [ "$keep" -eq 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }

# report IMPL OP BYTES START END [extra]
report() {
  awk -v impl="$1" -v op="$2" -v bytes="$3" -v start="$4" -v end="$5" -v extra="${6:-}" 'BEGIN {
    s = end - start; if (s <= 0) s = 1e-9;
    printf "network impl=%s op=%s bytes=%d seconds=%.2f MBps=%.1f%s\n", impl, op, bytes, s, bytes / 1e6 / s, extra }'
}

# fail IMPL OP LOG CODE: says what failed and shows the end of its output.
fail() {
  echo "network impl=$1 op=$2 failed (exit $4); the end of its output ($3):"
  tail -n 15 "$3" | sed 's/^/    /'
  failed=1
}

# verify IMPL FILE: the copy that came back is the original, byte for byte; sets $verified for the report line.
verify() {
  local got
  got=$(sha256sum "$2" 2>/dev/null | cut -d' ' -f1)
  if [ "$got" = "$sha" ]; then
    verified=" verified=yes"
  else
    verified=" verified=NO"
    echo "network impl=$1: $2 differs from the original (sha256 ${got:-none}, expected $sha)" >&2
    failed=1
  fi
}

bytes=$((mib * 1024 * 1024))
echo "writing $mib MiB of random data to $work/data.bin" >&2
head -c "$bytes" /dev/urandom >"$work/data.bin"
sha=$(sha256sum "$work/data.bin" | cut -d' ' -f1)

# --- bitdust: a real localnet of separate daemons, this run's own home as their customer.
"$bitdust" set interface/api/rest-http-port 0 >/dev/null
"$bitdust" set services/entangled-dht/udp-port 0 >/dev/null
"$bitdust" set services/tcp-connections/tcp-port 0 >/dev/null
echo "starting a localnet of $suppliers suppliers" >&2
if "$bitdust" localnet up --suppliers "$suppliers" >"$work/localnet.log" 2>&1; then
  start=$(now)
  if "$bitdust" file upload "$work/data.bin" bench/data.bin >"$work/upload.log" 2>&1; then
    end=$(now)
    report bitdust upload "$bytes" "$start" "$end"
    start=$(now)
    if "$bitdust" file download bench/data.bin "$work/bitdust-out.bin" >"$work/download.log" 2>&1; then
      end=$(now)
      verify bitdust "$work/bitdust-out.bin"
      report bitdust download "$bytes" "$start" "$end" "$verified"
    else
      fail bitdust download "$work/download.log" $?
    fi
  else
    code=$?
    fail bitdust upload "$work/upload.log" "$code"
  fi
  rm -f "$work/bitdust-out.bin"
  "$bitdust" localnet down >/dev/null 2>&1 || true
else
  fail bitdust localnet-up "$work/localnet.log" $?
fi

# --- rclone: copy into a crypt remote over a local folder, and back.
cat >"$work/rclone.conf" <<CONF
[benchcrypt]
type = crypt
remote = $work/rclone-store
password = $(rclone obscure "bench passphrase")
CONF
mkdir -p "$work/rclone-out"
start=$(now)
if rclone --config "$work/rclone.conf" copy "$work/data.bin" benchcrypt:bench >"$work/rclone-up.log" 2>&1; then
  end=$(now)
  report rclone-crypt upload "$bytes" "$start" "$end"
  start=$(now)
  if rclone --config "$work/rclone.conf" copy benchcrypt:bench/data.bin "$work/rclone-out" >"$work/rclone-down.log" 2>&1; then
    end=$(now)
    verify rclone-crypt "$work/rclone-out/data.bin"
    report rclone-crypt download "$bytes" "$start" "$end" "$verified"
  else
    fail rclone-crypt download "$work/rclone-down.log" $?
  fi
else
  fail rclone-crypt upload "$work/rclone-up.log" $?
fi
rm -rf "$work/rclone-store" "$work/rclone-out"

# --- restic: back up into a local repository, and restore.
export RESTIC_PASSWORD="bench passphrase" RESTIC_REPOSITORY="$work/restic-repo" RESTIC_CACHE_DIR="$work/restic-cache"
restic init --quiet >"$work/restic-init.log" 2>&1 || fail restic init "$work/restic-init.log" $?
start=$(now)
if restic backup --quiet "$work/data.bin" >"$work/restic-up.log" 2>&1; then
  end=$(now)
  report restic upload "$bytes" "$start" "$end"
  start=$(now)
  if restic restore latest --target "$work/restic-out" >"$work/restic-down.log" 2>&1; then
    end=$(now)
    verify restic "$work/restic-out$work/data.bin"
    report restic download "$bytes" "$start" "$end" "$verified"
  else
    fail restic download "$work/restic-down.log" $?
  fi
else
  fail restic upload "$work/restic-up.log" $?
fi

exit "$failed"
