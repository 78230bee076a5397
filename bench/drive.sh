#!/usr/bin/env bash
# scripts/bench drive [--mib N] [--files N] [--quick] [--keep]
#
# The drive (`bitdust mount`: FUSE in the node, a write-back cache in front of the network) beside two references, in the
# same run, every backing folder and cache in one work folder under /tmp (the same disk):
#   passthrough  bench/drive/passthrough.c, a minimal multi-threaded libfuse3 passthrough over a folder, with the drive's
#                kernel settings: the FUSE ceiling of this machine
#   rclone       `rclone mount` of a crypt remote over a local folder with --vfs-cache-mode full (reads and writes go
#                through a local cache, uploads run in the background: what the drive's cache does) and
#                --vfs-write-back 0s (an upload starts at close, as the drive's does)
#   bitdust      `bitdust mount` on `bitdust localnet up --suppliers 7` (separate supplier daemons on loopback)
# Each with a random file of 1 GiB (--mib N; --quick 64 MiB) and N files of 4 KiB (--files N, 2000; --quick 300):
#   write          dd if=SOURCE of=MNT/data.bin bs=1M (no conv=fsync, no oflag=direct: the drive's point is writing at
#                  local-disk speed); the time of the whole dd, so the close is in it; the source is read beforehand,
#                  so it comes from memory
#   flush          rclone, bitdust: from the close until the file is durable (rclone: its log says "Copied (new)";
#                  bitdust: user.bitdust.state is no longer "pending", which is what `bitdust mount --unmount` waits
#                  for), the mount left alone meanwhile
#   read-cached    dd if=MNT/data.bin of=/dev/null bs=1M then, in the same mount, while the file system's cache (and the
#                  kernel's) hold the file
#   read-uncached  the same read with the file system's cache emptied: passthrough after dropping the page cache (when
#                  /proc/sys/vm/drop_caches is writable; page_cache= says), so the file comes off the disk; rclone
#                  mounted again over an empty VFS cache; bitdust after `bitdust mount --unmount`, the node stopped, started
#                  and mounted again and its cache dropped (`bitdust mount --drop-cache`), so every block comes from the suppliers
#                  (fragments= says how many were fetched). The crypt object and the fragments may still be in the page
#                  cache: dropping it would also evict every daemon's code, and the disk is not what limits those two
#   create         N files made in a fresh folder: open(O_CREAT|O_EXCL), write 4 KiB, close (bench/drive/smallfiles.c:
#                  one process, no shell in the loop)
#   flush-small    rclone, bitdust: from the last close until the N files are durable and the mount is gone (rclone:
#                  N "Copied (new)", then fusermount3 -u; bitdust: `bitdust mount --unmount`)
#   stat           each of the N files lstat()ed in a fresh mount, so each asks the file system
# The timed reads go to /dev/null; each is then checked by hashing the file read through the mount again (sha256sum).
# Prints one line per figure, then one ratio line per operation (bitdust's rate over each reference's: above 1 is faster):
#   drive impl=bitdust op=write bytes=1073741824 seconds=1.234 MBps=870.1
#   drive impl=rclone op=create files=2000 seconds=0.456 per_s=4386
#   drive ratio op=write bitdust_vs_passthrough=0.83 bitdust_vs_rclone=1.40
# Exits 1 when an operation failed or a checksum differed (the other figures are still printed). --keep keeps the work
# folder (logs, backing folders, the localnet). Installs fuse3, libfuse3-dev, gcc, pkg-config, attr and rclone if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bench=drive
source scripts/lib/deps.sh
source scripts/lib/bench.sh

usage() { sed -n '2,/^set -euo/p' "$root/bench/drive.sh" | sed '$d; s/^# \{0,1\}//'; }

mib=1024
files=2000
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) mib="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --quick) mib=64; files=300; shift ;;
    --keep) keep=1; shift ;;
    --help | -h) usage; exit 0 ;;
    *) echo "usage: scripts/bench drive [--mib N] [--files N] [--quick] [--keep] (--help says what each figure is)" >&2; exit 2 ;;
  esac
done
if ! [[ "$mib" =~ ^[1-9][0-9]*$ && "$files" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: --mib and --files take a whole number above 0" >&2
  exit 2
fi

require_dotnet
install_debian_packages libzstd1 fuse3 libfuse3-3 libfuse3-dev gcc pkg-config attr rclone coreutils jq
build_bitdust

work=$(mktemp -d /tmp/bitdust-bench-drive-XXXXXX)
export BITDUST_HOME="$work/home"
failed=0
fuse_pids=()
bytes=$((mib * 1024 * 1024))
# Longest any one step may take before it counts as failed (exit 124, as timeout says): a hung mount must not hang the run.
limit=$((600 + mib * 3))

mounted() { awk -v dir="$1" '$5 == dir { found = 1 } END { exit !found }' /proc/self/mountinfo; }

# Stops what this run started, by pid: detaches every mount under the work folder (lazily: a hung one cannot block),
# ends the FUSE daemons it started, stops its localnet and node (scripts/lib/bench.sh), then removes the work folder.
cleanup() {
  set +e
  local point pid
  for point in $(awk -v work="$work/" 'index($5, work) == 1 { print $5 }' /proc/self/mountinfo); do
    fusermount3 -u -z "$point"
  done
  for pid in "${fuse_pids[@]}"; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  stop_bitdust_nodes
  if [ "$keep" -eq 1 ]; then
    echo "kept $work" >&2
  elif awk -v work="$work/" 'index($5, work) == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; then
    echo "kept $work: something is still mounted in it" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# forget_pid PID: PID has been waited for, so cleanup must not signal it (the number may belong to another process now).
forget_pid() {
  local kept=() pid
  for pid in "${fuse_pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  fuse_pids=("${kept[@]}")
}

# wait_mounted DIR PID: until DIR is a mount point (10 s at most) while the daemon PID that mounts it lives.
wait_mounted() {
  local _
  for _ in $(seq 100); do
    mounted "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# wait_unmounted DIR: until DIR is no longer a mount point ($limit s at most).
wait_unmounted() {
  local deadline=$((SECONDS + limit))
  while mounted "$1"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# unmount_fuse DIR PID: unmounts DIR and reaps the daemon PID that served it.
unmount_fuse() {
  fusermount3 -u "$1" 2>/dev/null || fusermount3 -u -z "$1"
  wait "$2" 2>/dev/null || true
  forget_pid "$2"
}

# drop_page_cache: writes dirty pages back and drops the page cache when allowed; sets $page_cache for the report line.
drop_page_cache() {
  sync
  if echo 3 2>/dev/null >/proc/sys/vm/drop_caches; then page_cache=" page_cache=dropped"; else page_cache=" page_cache=kept"; fi
}

# write_file IMPL MNT: the timed write of the random file into the mount; sets $write_end.
write_file() {
  cat "$work/data.bin" >/dev/null
  local start
  start=$(now)
  if timeout "$limit" dd if="$work/data.bin" of="$2/data.bin" bs=1M status=none 2>"$work/$1-write.log"; then
    write_end=$(now)
    report "$1" write "$bytes" "$start" "$write_end"
  else
    fail "$1" write "$work/$1-write.log" $?
    return 1
  fi
}

# timed_read IMPL MNT OP: the timed read of the file from the mount; sets $read_start and $read_end.
timed_read() {
  read_start=$(now)
  if timeout "$limit" dd if="$2/data.bin" of=/dev/null bs=1M status=none 2>"$work/$1-$3.log"; then
    read_end=$(now)
  else
    fail "$1" "$3" "$work/$1-$3.log" $?
    return 1
  fi
}

# read_file IMPL MNT OP [extra]: the timed read, the check, the line.
read_file() {
  timed_read "$1" "$2" "$3" || return 1
  verify "$1" "$2/data.bin"
  report "$1" "$3" "$bytes" "$read_start" "$read_end" "$verified${4:-}"
}

# durable IMPL MNT NAME: whether the file MNT/NAME is durable: rclone has uploaded it (its log says so), the drive says
# it is no longer pending.
durable() {
  case "$1" in
    rclone) grep -q " : $3: Copied (new)" "$rclone_log" ;;
    bitdust)
      case "$(getfattr -n user.bitdust.state --only-values "$2/$3" 2>/dev/null)" in
        cached | durable) return 0 ;;
        *) return 1 ;;
      esac ;;
  esac
}

# daemon_log IMPL: the log of the daemon that uploads.
daemon_log() {
  case "$1" in
    rclone) echo "$rclone_log" ;;
    bitdust) echo "$BITDUST_HOME/logs/bitdust.log" ;;
  esac
}

# flush_file IMPL MNT: the flush line for the file written at $write_end, once it is durable.
flush_file() {
  local deadline=$((SECONDS + limit))
  until durable "$1" "$2" data.bin; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "$1" flush "$(daemon_log "$1")" 124
      return 1
    fi
    sleep 0.05
  done
  report "$1" flush "$bytes" "$write_end" "$(now)"
}

# small_create IMPL MNT: makes $files files of 4 KiB in MNT/small; sets $create_end.
small_create() {
  local seconds
  if ! mkdir "$2/small" 2>"$work/$1-create.log"; then
    fail "$1" create "$work/$1-create.log" 1
    return 1
  fi
  if seconds=$(timeout "$limit" "$work/smallfiles" create "$2/small" "$files" 4096 2>"$work/$1-create.log"); then
    create_end=$(now)
    report_files "$1" create "$files" 0 "$seconds"
  else
    fail "$1" create "$work/$1-create.log" $?
    return 1
  fi
}

# small_stat IMPL MNT: lstat()s the $files files in MNT/small.
small_stat() {
  local seconds
  if seconds=$(timeout "$limit" "$work/smallfiles" stat "$2/small" "$files" 4096 2>"$work/$1-stat.log"); then
    report_files "$1" stat "$files" 0 "$seconds"
  else
    fail "$1" stat "$work/$1-stat.log" $?
    return 1
  fi
}

echo "building the passthrough file system and the small-file tool" >&2
cflags=$(pkg-config --cflags --libs fuse3)
# shellcheck disable=SC2086 # pkg-config's flags are words
gcc -O2 -Wall -o "$work/passthrough" bench/drive/passthrough.c $cflags
gcc -O2 -Wall -o "$work/smallfiles" bench/drive/smallfiles.c

echo "writing $mib MiB of random data to $work/data.bin" >&2
head -c "$bytes" /dev/urandom >"$work/data.bin"
sha=$(sha256sum "$work/data.bin" | cut -d' ' -f1)

# --- passthrough: the FUSE ceiling, over a plain folder.
# mount_passthrough MNT: sets $passthrough_pid. At most 10 idle threads, as the drive's loop keeps (libfuse 3.14's
# fuse_main otherwise warns of an "invalid max threads value").
mount_passthrough() {
  "$work/passthrough" "$work/passthrough-back" "$1" -f -o fsname=passthrough,subtype=passthrough,default_permissions \
    -o max_idle_threads=10 2>>"$work/passthrough.log" &
  passthrough_pid=$!
  fuse_pids+=("$passthrough_pid")
  wait_mounted "$1" "$passthrough_pid" || { fail passthrough mount "$work/passthrough.log" 1; return 1; }
}

bench_passthrough() {
  local mnt="$work/passthrough-mnt"
  mkdir -p "$work/passthrough-back" "$mnt"
  mount_passthrough "$mnt" || return 1
  if write_file passthrough "$mnt"; then
    read_file passthrough "$mnt" read-cached || true
    drop_page_cache
    read_file passthrough "$mnt" read-uncached "$page_cache" || true
  fi
  if small_create passthrough "$mnt"; then
    unmount_fuse "$mnt" "$passthrough_pid"
    mount_passthrough "$mnt" || return 1
    small_stat passthrough "$mnt" || true
  fi
  unmount_fuse "$mnt" "$passthrough_pid"
  rm -rf "$work/passthrough-back"
}

# --- rclone: a crypt remote over a local folder, mounted with a full VFS cache.
# mount_rclone MNT LOG: sets $rclone_pid and $rclone_log.
mount_rclone() {
  rclone_log="$2"
  rclone mount benchcrypt: "$1" --config "$work/rclone.conf" --cache-dir "$work/rclone-cache" \
    --vfs-cache-mode full --vfs-write-back 0s -v --log-file "$2" &
  rclone_pid=$!
  fuse_pids+=("$rclone_pid")
  wait_mounted "$1" "$rclone_pid" || { fail rclone mount "$2" 1; return 1; }
}

bench_rclone() {
  local mnt="$work/rclone-mnt" deadline
  mkdir -p "$mnt" "$work/rclone-store"
  write_rclone_crypt_config "$work/rclone.conf" "$work/rclone-store"
  mount_rclone "$mnt" "$work/rclone.log" || return 1
  if write_file rclone "$mnt"; then
    if flush_file rclone "$mnt"; then
      read_file rclone "$mnt" read-cached || true
      unmount_fuse "$mnt" "$rclone_pid"
      rm -rf "$work/rclone-cache"
      mount_rclone "$mnt" "$work/rclone-again.log" || return 1
      read_file rclone "$mnt" read-uncached || true
    else
      read_file rclone "$mnt" read-cached || true
    fi
  fi
  if small_create rclone "$mnt"; then
    deadline=$((SECONDS + limit))
    while [ "$(grep -c " : small/f[0-9]*: Copied (new)" "$rclone_log")" -lt "$files" ] && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.05
    done
    if [ "$SECONDS" -lt "$deadline" ]; then
      unmount_fuse "$mnt" "$rclone_pid"
      report_files rclone flush-small "$files" "$create_end" "$(now)"
    else
      fail rclone flush-small "$rclone_log" 124
      unmount_fuse "$mnt" "$rclone_pid"
    fi
    mount_rclone "$mnt" "$work/rclone-stat.log" || return 1
    small_stat rclone "$mnt" || true
  fi
  unmount_fuse "$mnt" "$rclone_pid"
  rm -rf "$work/rclone-store" "$work/rclone-cache"
}

# --- bitdust: the drive on a localnet of 7 supplier daemons, this run's own home as their customer.
# mount_bitdust MNT LOG
mount_bitdust() {
  "$bitdust" mount "$1" >"$2" 2>&1 || { fail bitdust mount "$2" $?; return 1; }
}

# unmount_bitdust MNT LOG: `bitdust mount --unmount`, until the mount is gone (the CLI itself looks only every 2 s when
# its output is not a terminal, so the mount table is watched instead); sets $unmounted_at; then the CLI's answer.
unmount_bitdust() {
  local pid
  "$bitdust" mount --unmount "$1" >"$2" 2>&1 &
  pid=$!
  if ! wait_unmounted "$1"; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "the drive was still mounted after $limit s" >>"$2"
    "$bitdust" mount --unmount --force "$1" >>"$2" 2>&1
    return 1
  fi
  unmounted_at=$(now)
  wait "$pid"
}

bench_bitdust() {
  local mnt="$work/bitdust-mnt" fragments
  use_free_ports
  # Room in the drive for the file twice over and the small files, whatever --mib asks (the default is 4 GB).
  "$bitdust" set services/customer/needed-space "$((mib / 512 + 4)) GB" >/dev/null
  echo "starting a localnet of 7 suppliers" >&2
  if ! "$bitdust" localnet up --suppliers 7 >"$work/localnet.log" 2>&1; then
    fail bitdust localnet-up "$work/localnet.log" $?
    return 1
  fi
  mount_bitdust "$mnt" "$work/bitdust-mount.log" || return 1
  if write_file bitdust "$mnt"; then
    flush_file bitdust "$mnt" || true
    read_file bitdust "$mnt" read-cached || true
    unmount_bitdust "$mnt" "$work/bitdust-unmount.log" || fail bitdust unmount "$work/bitdust-unmount.log" $?
    # Every block from the suppliers: no node process left from the write, and its cache dropped (bitdust mount --drop-cache
    # lets go of every copy complete in the network) once mounted again.
    if ! "$bitdust" stop >"$work/bitdust-stop.log" 2>&1; then
      fail bitdust stop "$work/bitdust-stop.log" $?
      return 1
    fi
    mount_bitdust "$mnt" "$work/bitdust-mount-again.log" || return 1
    # A copy goes once its version is complete (every fragment stored): the upload may still be finishing after the restart.
    local drop_deadline=$((SECONDS + limit))
    until [ "$("$bitdust" mount "$mnt" --drop-cache --json 2>"$work/bitdust-drop-cache.log" | jq -r '.status.cache_used')" = 0 ]; do
      if [ "$SECONDS" -ge "$drop_deadline" ]; then
        fail bitdust drop-cache "$work/bitdust-drop-cache.log" 124
        return 1
      fi
      sleep 0.5
    done
    if timed_read bitdust "$mnt" read-uncached; then
      fragments=$("$bitdust" api GET /drive/status/v1 | jq -r '(.result // .).fragments_requested // "?"' 2>/dev/null || echo "?")
      verify bitdust "$mnt/data.bin"
      report bitdust read-uncached "$bytes" "$read_start" "$read_end" "$verified fragments=$fragments"
    fi
  fi
  if small_create bitdust "$mnt"; then
    if unmount_bitdust "$mnt" "$work/bitdust-flush-small.log"; then
      report_files bitdust flush-small "$files" "$create_end" "$unmounted_at"
    else
      fail bitdust flush-small "$work/bitdust-flush-small.log" $?
    fi
    mount_bitdust "$mnt" "$work/bitdust-mount-stat.log" || return 1
    small_stat bitdust "$mnt" || true
  fi
  unmount_bitdust "$mnt" "$work/bitdust-unmount-last.log" || fail bitdust unmount "$work/bitdust-unmount-last.log" $?
}

bench_passthrough || true
bench_rclone || true
bench_bitdust || true

# ratio OP REFERENCE...: bitdust's rate over each reference's (n/a where a figure is missing).
ratio() {
  local op="$1" line="drive ratio op=$1" reference
  shift
  for reference in "$@"; do
    line+=" bitdust_vs_$reference=$(awk -v ours="${rate["bitdust $op"]:-}" -v theirs="${rate["$reference $op"]:-}" 'BEGIN {
      if (ours == "" || theirs == "" || theirs + 0 == 0) print "n/a"; else { r = ours / theirs; printf (r < 0.1 ? "%.2g" : "%.2f"), r } }')"
  done
  echo "$line"
}
for op in write read-cached read-uncached create stat; do ratio "$op" passthrough rclone; done
ratio flush rclone
ratio flush-small rclone

exit "$failed"
