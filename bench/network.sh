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
bench=network
source scripts/lib/deps.sh
source scripts/lib/bench.sh

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
build_bitdust

work=$(mktemp -d /tmp/bitdust-bench-network-XXXXXX)
export BITDUST_HOME="$work/home"
failed=0

# Stops what this run started, by pid (scripts/lib/bench.sh), then removes the work folder.
cleanup() {
  set +e
  stop_bitdust_nodes
  if [ "$keep" -eq 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

bytes=$((mib * 1024 * 1024))
echo "writing $mib MiB of random data to $work/data.bin" >&2
head -c "$bytes" /dev/urandom >"$work/data.bin"
sha=$(sha256sum "$work/data.bin" | cut -d' ' -f1)

# --- bitdust: a real localnet of separate daemons, this run's own home as their customer.
use_free_ports
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
write_rclone_crypt_config "$work/rclone.conf" "$work/rclone-store"
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
