#!/usr/bin/env bash
# scripts/bench drive-files [--files N] [--size BYTES] [--nofile N] [--keep]
#
# Many small files into the drive, the way a new user copies a folder in, with the node held to few descriptors:
#   a tree of N files (--files, 100000) of BYTES each (--size, 1024), 1000 to a folder, made on local disk; a localnet of 7
#   supplier daemons; the drive mounted; the node's descriptor limit lowered to --nofile (1024, what most systems give a
#   process; prlimit on its pid) before anything is copied; then
#   create       cp -r of the tree into the drive (every create, write and close through FUSE, at local-disk speed);
#                the reference (impl=local): the same cp -r into a folder on the same disk, before the localnet starts
#   durable      from the start of the copy until `bitdust mount --unmount` returns: every file durable, the drive gone
#   list-fresh   a new machine (a fresh home that recovers the identity backup, once the catalog in the network holds every
#                file) mounts the drive; the tree is listed there (find) and must name every file of the source
#   node         the node's peak descriptor count (sampled from /proc/PID/fd every 0.2 s during create and durable) and its
#                peak RSS (VmHWM)
# Prints one line per figure:
#   drive-files impl=local op=create files=100000 seconds=3.210 per_s=31153
#   drive-files impl=bitdust op=create files=100000 seconds=95.123 per_s=1051 nofile=1024
#   drive-files impl=bitdust op=durable files=100000 seconds=1500.321 per_s=67
#   drive-files impl=bitdust op=list-fresh files=100000 seconds=12.345 per_s=8101 listed=100000
#   drive-files impl=bitdust node peak_fds=371 nofile=1024 peak_rss_mib=512
# Exits 1 when a step failed or the new machine does not list every file. --keep keeps the work folder (logs, the trees,
# the localnet). Installs fuse3, gcc and util-linux (prlimit) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bench=drive-files
source scripts/lib/deps.sh
source scripts/lib/bench.sh

usage() { sed -n '2,/^set -euo/p' "$root/bench/drive-files.sh" | sed '$d; s/^# \{0,1\}//'; }

files=100000
size=1024
nofile=1024
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --nofile) nofile="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --help | -h) usage; exit 0 ;;
    *) echo "usage: scripts/bench drive-files [--files N] [--size BYTES] [--nofile N] [--keep] (--help says what each figure is)" >&2
       exit 2 ;;
  esac
done
if ! [[ "$files" =~ ^[1-9][0-9]*$ && "$size" =~ ^[0-9]+$ && "$nofile" =~ ^[1-9][0-9]*$ ]]; then
  echo "error: --files and --nofile take a whole number above 0, --size a whole number" >&2
  exit 2
fi

require_dotnet
install_debian_packages libzstd1 fuse3 libfuse3-3 gcc util-linux coreutils findutils
build_bitdust

work=$(mktemp -d /tmp/bitdust-bench-files-XXXXXX)
export BITDUST_HOME="$work/home"
fresh="$work/fresh"
failed=0
sampler=

# Stops what this run started: the sampler, the mounts under the work folder (lazily), the new machine's node, then the
# localnet and the first node (scripts/lib/bench.sh), and removes the work folder.
cleanup() {
  set +e
  local point
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null && wait "$sampler" 2>/dev/null
  for point in $(awk -v work="$work/" 'index($5, work) == 1 { print $5 }' /proc/self/mountinfo); do
    fusermount3 -u -z "$point"
  done
  if [ -d "$fresh" ]; then
    BITDUST_HOME="$fresh" stop_bitdust_nodes
  fi
  stop_bitdust_nodes
  if [ "$keep" -eq 1 ]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# sample_descriptors PID FILE: every 0.2 s while PID lives, the most descriptors it had so far, into FILE.
sample_descriptors() {
  local peak=0 count
  while [ -d "/proc/$1" ]; do
    count=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    if [ "$count" -gt "$peak" ]; then
      peak=$count
      echo "$peak" >"$2"
    fi
    sleep 0.2
  done
}

# catalog_backups: the catalog backups the node has logged. No command reports them; the integration tests wait on the
# same line (LocalnetFixture.WaitBackedUpAsync).
catalog_backups() { grep -c "catalog backed up as version" "$BITDUST_HOME/logs/bitdust.log" || true; }

# wait_catalog_backed_up: one more change (a marker file), then until a backup made after it has settled (none for 6 s):
# the catalog in the network then holds every file before the marker.
wait_catalog_backed_up() {
  local before count since deadline
  before=$(catalog_backups)
  echo "the last change before the move" >"$work/marker.txt"
  "$bitdust" file upload "$work/marker.txt" moved.txt >"$work/marker.log" 2>&1 || return 1
  count=$before
  since=$SECONDS
  deadline=$((SECONDS + 900))
  while [ "$count" -eq "$before" ] || [ $((SECONDS - since)) -lt 6 ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    if [ "$(catalog_backups)" -ne "$count" ]; then
      count=$(catalog_backups)
      since=$SECONDS
    fi
    sleep 0.5
  done
}

echo "building the small-file tool; making $files files of $size bytes in $work/source" >&2
gcc -O2 -Wall -o "$work/smallfiles" bench/drive/smallfiles.c
for ((first = 0; first < files; first += 1000)); do
  mkdir -p "$work/source/d$((first / 1000))"
  "$work/smallfiles" create "$work/source/d$((first / 1000))" $((files - first < 1000 ? files - first : 1000)) "$size" >/dev/null
done

start=$(now)
if cp -r "$work/source" "$work/local-copy" 2>"$work/local-cp.log"; then
  report_files local create "$files" "$start" "$(now)"
else
  fail local create "$work/local-cp.log" $?
fi
rm -rf "$work/local-copy"

use_free_ports
echo "starting a localnet of 7 suppliers" >&2
if ! "$bitdust" localnet up --suppliers 7 >"$work/localnet.log" 2>&1; then
  fail bitdust localnet-up "$work/localnet.log" $?
  exit 1
fi
mnt="$work/mnt"
if ! "$bitdust" mount "$mnt" >"$work/mount.log" 2>&1; then
  fail bitdust mount "$work/mount.log" $?
  exit 1
fi
pid=$(cat "$BITDUST_HOME/bitdust.pid")
prlimit --pid "$pid" --nofile="$nofile:$nofile"
sample_descriptors "$pid" "$work/peak-fds" &
sampler=$!

echo "copying into the drive (cp -r), then bitdust mount --unmount" >&2
start=$(now)
if cp -r "$work/source" "$mnt/tree" 2>"$work/cp.log"; then
  report_files bitdust create "$files" "$start" "$(now)" " nofile=$nofile"
else
  fail bitdust create "$work/cp.log" $?
fi
if "$bitdust" mount --unmount "$mnt" >"$work/unmount.log" 2>&1; then
  report_files bitdust durable "$files" "$start" "$(now)"
else
  fail bitdust durable "$work/unmount.log" $?
fi
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null || true
sampler=
rss_kib=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$pid/status")
echo "$bench impl=bitdust node peak_fds=$(cat "$work/peak-fds") nofile=$nofile peak_rss_mib=$((rss_kib / 1024))"

echo "moving to a new machine: the catalog backed up, the identity backup recovered in a fresh home" >&2
if ! wait_catalog_backed_up; then
  fail bitdust catalog-backup "$BITDUST_HOME/logs/bitdust.log" 1
  exit 1
fi
echo "bench passphrase" >"$work/passphrase"
"$bitdust" identity backup "$work/identity.backup" --passphrase-file "$work/passphrase" >/dev/null
known_nodes=$("$bitdust" get services/entangled-dht/known-nodes)
known_servers=$("$bitdust" get services/identity-propagate/known-servers)
"$bitdust" stop >/dev/null
(
  export BITDUST_HOME="$fresh"
  use_free_ports
  "$bitdust" set services/entangled-dht/known-nodes "$known_nodes" >/dev/null
  "$bitdust" set services/identity-propagate/known-servers "$known_servers" >/dev/null
  "$bitdust" set services/customer/enabled true >/dev/null
  "$bitdust" set services/customer/suppliers-number 7 >/dev/null
  "$bitdust" daemon >/dev/null
  "$bitdust" identity recover "$work/identity.backup" --passphrase-file "$work/passphrase" >/dev/null
) >"$work/fresh.log" 2>&1 || { fail bitdust new-machine "$work/fresh.log" $?; exit 1; }
again="$work/mnt-again"
if ! BITDUST_HOME="$fresh" "$bitdust" mount "$again" >"$work/mount-again.log" 2>&1; then
  fail bitdust mount-again "$work/mount-again.log" $?
  exit 1
fi
start=$(now)
(cd "$again/tree" && find . -type f | sort) >"$work/listed.txt"
end=$(now)
(cd "$work/source" && find . -type f | sort) >"$work/source.txt"
listed=$(wc -l <"$work/listed.txt")
report_files bitdust list-fresh "$files" "$start" "$end" " listed=$listed"
if ! diff -q "$work/source.txt" "$work/listed.txt" >/dev/null; then
  echo "$bench: the new machine lists $listed files, not the $files of the source; the first differences:"
  diff "$work/source.txt" "$work/listed.txt" | head -n 10 | sed 's/^/    /'
  failed=1
fi
BITDUST_HOME="$fresh" "$bitdust" mount --unmount --force "$again" >/dev/null 2>&1 || true

exit "$failed"
