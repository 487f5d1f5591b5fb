#!/usr/bin/env bash
# `make sdcard`: the Cortex-M4F firmware logs to real FAT images through ChaN's FatFs, and the
# host reads the cards the way a user does (docs/firmware.md, "On a FAT card"). The last card
# holds 640x480 RGB frames streamed through a queue of a few KB (docs/storage.md, "Records
# larger than the queue").
#
# Usage: sdcard_e2e.sh BUILD OUT_DIR PYTHON
#   BUILD    the build folder holding fw/cortex-m4f/sdcard-{lfn,sfn,tiny}/firmware.elf, fw/frames/
#            and tinytb (make sdcard builds them)
#   OUT_DIR  recreated; the first card is OUT_DIR/card.img, the others OUT_DIR/<card>/card.img
#   PYTHON   the test virtualenv's python (TensorBoard)
#
# For each card: mkfs.fat formats a fresh image (--invariant: fixed volume id and dates), either
# whole or, as SD cards come, inside an MBR partition starting at 4 MiB; the firmware runs under
# QEMU (mps2-an386, -icount shift=0) with the image as its SD card, then
#   mounted     the firmware's console names the FAT type and cluster size that were formatted
#   fsck        fsck.fat -n finds nothing to fix
#   mcopy       mtools copies the card's files out; exactly the one expected event file is there
#   pull        tinytb pull copies it into a log directory, clean (exit 0)
#   judge       TensorBoard judges the pulled log against the manifest the semihosting firmware
#               test uses (tests/target/firmware_manifest.py: same values; its checks count here)
#   no-heap     the ELF links no malloc/free/new/delete (tests/target/check_no_heap.sh)
#   repeatable  a second run on a second fresh image writes the same image and console, byte for byte
# Prints one PASS/FAIL line per check and "N passed, M failed" last; exit status 0 only if none failed.
set -uo pipefail
[ $# -eq 3 ] || { sed -n '5,9p' "$0" >&2; exit 2; }
build=$1 out=$2 py=$3
root=$(cd "$(dirname "$0")/../../.." && pwd)
export MTOOLS_SKIP_CHECK=1  # an image has no disk geometry for mtools to check
passed=0
failed=0

check() {  # name command...: one check, its output in the card's log
  local name=$1
  shift
  if "$@" >>"$log" 2>&1; then
    echo "PASS $card_name.$name"
    passed=$((passed + 1))
  else
    echo "FAIL $card_name.$name (see $log)"
    failed=$((failed + 1))
  fi
}

format() {  # image fat cluster_kib size_mib layout(whole|mbr)
  rm -f "$1"
  if [ "$5" = whole ]; then
    mkfs.fat -C -F "$2" -S 512 -s $(($3 * 2)) --invariant -n TINYTB "$1" $(($4 * 1024))
    return
  fi
  # One primary partition from sector 8192 (4 MiB) to the end, type 0x0C (FAT32, LBA) or 0x0E
  # (FAT16, LBA), as the SD Association's formatter lays out a card; the volume's hidden-sector
  # count says where it starts.
  local sectors=$(($4 * 2048)) type
  type=$([ "$2" = 32 ] && echo 0x0c || echo 0x0e)
  truncate -s $(($4 * 1024 * 1024)) "$1" &&
    python3 -c 'import struct, sys
entry = struct.pack("<B3sB3sII", 0, b"\xfe\xff\xff", int(sys.argv[2], 16), b"\xfe\xff\xff", 8192, int(sys.argv[3]) - 8192)
with open(sys.argv[1], "r+b") as f:
    f.seek(446)
    f.write(entry)
    f.seek(510)
    f.write(b"\x55\xaa")' "$1" "$type" "$sectors" &&
    mkfs.fat -F "$2" -S 512 -s $(($3 * 2)) --offset=8192 -h 8192 --invariant -n TINYTB "$1" $(((sectors - 8192) / 2))
}

volume() {  # image layout: what mtools opens ("image@@offset" inside a partition)
  if [ "$2" = whole ]; then echo "$1"; else echo "$1@@4194304"; fi
}

fsck_card() {  # image layout: fsck.fat -n on the volume (fsck.fat takes no offset: a sparse copy of it)
  if [ "$2" = whole ]; then
    fsck.fat -n "$1"
    return
  fi
  local status=0
  dd if="$1" of="$1.volume" bs=1M skip=4 conv=sparse status=none && fsck.fat -n "$1.volume" || status=1
  rm -f "$1.volume"
  return $status
}

boot() {  # dir elf: the firmware with dir/card.img as its card
  (cd "$1" && timeout 120 qemu-system-arm -M mps2-an386 -icount shift=0,sleep=off -display none -serial none \
    -monitor none -chardev file,id=console,path=console.txt \
    -semihosting-config enable=on,target=native,chardev=console -kernel "$2")
}

one_event_file() {  # dir expected_path: the copied card holds that file and nothing else
  local files
  files=$(cd "$1" && find . -type f | sed 's|^\./||')
  echo "files on the card: $files"
  [ "$files" = "$2" ]
}

judge() {  # logdir manifest: TensorBoard's checks, counted one by one
  local line p f
  "$py" "$root/tests/tensorboard/tb_judge.py" --logdir "$1" --manifest "$2" >"$dir/judge.txt" 2>&1
  cat "$dir/judge.txt" >>"$log"
  grep -E '^(PASS|FAIL) ' "$dir/judge.txt" | sed "s/^\(PASS\|FAIL\) /\1 $card_name.judge./"
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$dir/judge.txt" | tail -n 1)
  p=$(sed -nE 's/^([0-9]+) passed.*/\1/p' <<<"$line")
  f=$(sed -nE 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/p' <<<"$line")
  if [ -z "$line" ]; then
    echo "FAIL $card_name.judge (no summary; see $log)"
    f=1 p=0
  fi
  passed=$((passed + p))
  failed=$((failed + f))
}

rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")
# card name | firmware build | FAT | cluster KiB | size MiB | layout | run directory | the event file on the card
# | the firmware configuration it logs (firmware_manifest.py)
long=logs/cortex-m4f/events.out.tfevents.0000000001.mps2-an386.0000.v2
cards=(
  ".|lfn|32|4|512|whole|cortex-m4f|$long|stored-rgb160"
  "fat16-sfn|sfn|16|32|256|whole|M4F|LOGS/M4F/00000001.000|stored-rgb160"
  "fat32-tiny|tiny|32|16|1536|whole|cortex-m4f|$long|stored-rgb160"
  "fat32-mbr|lfn|32|4|512|mbr|cortex-m4f|$long|stored-rgb160"
  "fat32-vga|vga|32|4|512|whole|cortex-m4f|$long|compressed-rgb640"
)
for spec in "${cards[@]}"; do
  IFS='|' read -r sub variant fat kib mib layout run event config <<<"$spec"
  card_name=$([ "$sub" = . ] && echo "fat$fat-$variant" || echo "$sub")
  dir=$out/$sub
  mkdir -p "$dir"
  dir=$(realpath "$dir")
  log=$dir/e2e.log
  elf=$(realpath "$build/fw/cortex-m4f/sdcard-$variant/firmware.elf")
  echo "== $card_name: FAT$fat, $kib KiB clusters, $mib MiB ($layout), $elf" | tee -a "$log"

  check format format "$dir/card.img" "$fat" "$kib" "$mib" "$layout"
  check run boot "$dir" "$elf"
  cat "$dir/console.txt" >>"$log" 2>/dev/null
  check mounted grep -q "^sd card: card.img, FAT$fat, $((kib * 1024))-byte clusters" "$dir/console.txt"
  check fsck fsck_card "$dir/card.img" "$layout"
  check mcopy mcopy -s -n -i "$(volume "$dir/card.img" "$layout")" ::/ "$dir/files"
  check one-event-file one_event_file "$dir/files" "$event"
  check pull "$build/tinytb" pull "$dir/files" "$dir/pulled"
  check manifest "$py" "$root/tests/target/firmware_manifest.py" --core "$run" --machine mps2-an386 \
    --config "$config" --frames-dir "$build/fw/frames" --console "$dir/console.txt" --out "$dir"
  pulled_event=$(cd "$dir/pulled" && find . -type f -name '*tfevents*' | head -n 1)
  judge "$dir/pulled/$(dirname "$(dirname "$pulled_event")")" "$dir/manifest.json"
  check no-heap bash "$root/tests/target/check_no_heap.sh" "$elf"

  mkdir -p "$dir/again"
  check repeatable bash -c "$(declare -f format boot); format '$dir/again/card.img' $fat $kib $mib $layout && boot '$dir/again' '$elf' \
    && cmp '$dir/console.txt' '$dir/again/console.txt' && cmp '$dir/card.img' '$dir/again/card.img'"
  rm -rf "$dir/again"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
