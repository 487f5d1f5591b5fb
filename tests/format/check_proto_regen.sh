#!/usr/bin/env bash
# tinytb: regenerating the committed nanopb code must change nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bash "$here/tools/gen_proto.sh" "$tmp"
for f in tensorboard_event.pb.h tensorboard_event.pb.c; do
  if ! diff -u "$here/src/format/proto/$f" "$tmp/$f"; then
    echo "FAIL: src/format/proto/$f differs from what 'make proto' generates"
    exit 1
  fi
done
echo "ok: src/format/proto/*.pb.{c,h} are exactly what nanopb's generator makes from the .proto"
