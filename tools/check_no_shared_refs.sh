#!/usr/bin/env bash
# tinytb: the repository stands on its own. Fails, naming file and line, if a file of the work tree
# (tracked, or new and not ignored) points at the engineers' notes folder kept beside the checkout:
# a relative path up into it, its data folder, or one of its notes by name. What such a file needs
# belongs in docs/ or examples/data/.
#
#   bash tools/check_no_shared_refs.sh [ROOT]    ROOT: a git work tree (default: this checkout)
#
# Run by tests/run_all.sh, once here and once on a scratch repository holding one planted reference.
set -uo pipefail

root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
# Each pattern is spelled so that it does not match its own text: this file needs no exception.
patterns=(-e '[.][.]/shared' -e 'shared[/]data' -e 'shared/(DESIGN|FORMAT|STYLE|README)[.]md')

if ! git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check_no_shared_refs: $root is not a git work tree" >&2
  exit 2
fi
git -C "$root" grep -n -I -E --untracked "${patterns[@]}"
case $? in
  0) echo "check_no_shared_refs: the lines above refer to files outside the repository"; exit 1 ;;
  1) echo "check_no_shared_refs: no file refers outside the repository"; exit 0 ;;
  *) echo "check_no_shared_refs: git grep failed" >&2; exit 2 ;;
esac
