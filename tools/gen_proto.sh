#!/usr/bin/env bash
# tinytb: regenerate the nanopb code for src/format/proto/tensorboard_event.proto.
#
# Usage: gen_proto.sh OUT_DIR
# Uses Debian's nanopb generator (package nanopb, with protobuf-compiler). The output
# is committed; tests/format/check_proto_regen.sh proves that regenerating changes nothing.
set -euo pipefail
out=${1:?usage: gen_proto.sh OUT_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
gen=$(command -v nanopb_generator.py || command -v nanopb_generator || true)
if [ -z "$gen" ]; then
  echo "gen_proto: nanopb's generator is missing (Debian: apt-get install nanopb protobuf-compiler)" >&2
  exit 1
fi
mkdir -p "$out"
cd "$here/src/format/proto"
"$gen" --quiet -f tensorboard_event.options -D "$(cd "$OLDPWD" && cd "$out" && pwd)" tensorboard_event.proto
