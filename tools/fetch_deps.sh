#!/usr/bin/env bash
# fetch_deps.sh - fetch tinytb's pinned third-party sources (nanopb, lodepng, FatFs).
#
# Usage: tools/fetch_deps.sh [--no-apt] [DEST]      (DEST defaults to third_party/)
#
# Puts the files listed in tools/deps.lock into DEST/<name>/ and checks every
# one against its SHA-256 in the lock.  For each dependency that is not
# already present and verified, the first source that works is used:
#
#   1. $NANOPB_DIR / $LODEPNG_DIR / $FATFS_DIR: an existing source tree of
#      your own; the listed files are copied from it (no network).  If set, it
#      must verify.  (FATFS_DIR: a folder holding ff.c, ff.h, ...)
#   Then, for a dependency with an `sdist` record (FatFs), the PyPI source archive
#   (and nothing else; 2 and 3 are for the others):
#      downloaded from its `url` (curl, or python3 if there is no curl), else
#      by `pip download --no-deps --no-binary :all:`; the archive is checked
#      against its SHA-256 before it is unpacked, and the files are taken from
#      its `subdir`.  No code from the archive is run on the url route (pip
#      prepares the package's metadata, so it runs its setup.py: last resort).
#   2. Debian source packages (`apt-get source`).  deb-src entries are derived
#      at run time from this machine's own apt sources, and apt runs with a
#      private state under DEST, so the system apt configuration is untouched.
#      The upstream .orig.tar.gz is checked against the lock and used as is
#      (Debian's patches are not applied).  Skipped with --no-apt or without apt.
#   3. git: the upstream repositories at the tag / commit given in the lock.
#
# Files are staged in a temporary folder under DEST and only moved into place
# once verified, so a failure never leaves a half-populated DEST/<name>/.
# Exit status: 0 when everything is in place and verified, 1 otherwise.

set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOCK="$SCRIPT_DIR/deps.lock"
DEST=""          # absolute destination folder
STAGE=""         # temporary staging folder under DEST (removed on exit)
CREATED_DEST=0   # 1 if this run created DEST (removed again if left empty)
USE_APT=1
APT_STATE=""     # "" = not tried yet, "ok", "failed"
APT_ERR=""       # why apt_prepare failed
APT_OPTS=()
ERR=""           # reason of the last failed check, for messages

say()  { printf 'fetch_deps: %s\n' "$*"; }
warn() { printf 'fetch_deps: %s\n' "$*" >&2; }
die()  { printf 'fetch_deps: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^$/{s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}"
}

cleanup() {
    if [[ -n $STAGE ]]; then rm -rf -- "$STAGE"; fi
    if (( CREATED_DEST )) && [[ -n $DEST ]]; then rmdir -- "$DEST" 2>/dev/null || true; fi
}

# --- lock file -------------------------------------------------------------

# lock_rows KIND NAME: print the remaining fields of every matching record.
lock_rows() {
    local kind name rest
    while read -r kind name rest; do
        [[ $kind == "$1" && $name == "$2" ]] && printf '%s\n' "$rest"
    done < <(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$LOCK")
    return 0
}

# lock_deps: print the dependency names, in lock order.
lock_deps() {
    local kind name rest
    while read -r kind name rest; do
        [[ $kind == dep ]] && printf '%s\n' "$name"
    done < <(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$LOCK")
    return 0
}

# lock_check: reject a malformed lock before doing anything.
lock_check() {
    local n=0 kind name a b c extra
    [[ -r $LOCK ]] || die "lock file not readable: $LOCK"
    while read -r kind name a b c extra; do
        n=$((n + 1))
        [[ -z $kind || $kind == \#* ]] && continue
        case $kind in
            dep|debian|url|subdir)
                        [[ -n $a && -z $b ]] || die "deps.lock:$n: expected '$kind NAME VALUE'" ;;
            git)        [[ -n $b && -z $c ]] || die "deps.lock:$n: expected 'git NAME URL REF'" ;;
            orig|file)  [[ -z $c && $b =~ ^[0-9a-f]{64}$ ]] ||
                            die "deps.lock:$n: expected '$kind NAME PATH SHA256' (64 lower-case hex)" ;;
            sdist)      [[ -z $extra && -n $b && $c =~ ^[0-9a-f]{64}$ ]] ||
                            die "deps.lock:$n: expected 'sdist NAME PIP-SPEC ARCHIVE SHA256' (64 lower-case hex)" ;;
            licence)    [[ -z $extra && -n $b && $c =~ ^[1-9][0-9]*$ ]] ||
                            die "deps.lock:$n: expected 'licence NAME PATH FROM LINES'" ;;
            *)          die "deps.lock:$n: unknown record kind '$kind'" ;;
        esac
    done < "$LOCK"
    [[ -n $(lock_deps) ]] || die "deps.lock: no 'dep' records"
    for name in $(lock_deps); do
        [[ -n $(lock_rows file "$name") ]] || die "deps.lock: no 'file' records for $name"
    done
}

# --- checksums and staging -------------------------------------------------

sha256_of() {
    local out
    if command -v sha256sum >/dev/null; then out=$(sha256sum -- "$1")
    else out=$(shasum -a 256 -- "$1"); fi
    printf '%s\n' "${out%% *}"
}

# verify_tree NAME DIR: all files of NAME present in DIR with locked sums.
verify_tree() {
    local name=$1 dir=$2 path want got
    [[ -d $dir ]] || { ERR="$dir does not exist"; return 1; }
    while read -r path want; do
        [[ -f $dir/$path ]] || { ERR="$path missing in $dir"; return 1; }
        got=$(sha256_of "$dir/$path")
        [[ $got == "$want" ]] ||
            { ERR="$path: sha256 mismatch (lock $want, got $got)"; return 1; }
    done < <(lock_rows file "$name")
}

# licence_source NAME PATH: "FROM LINES" if PATH is cut from a source header.
licence_source() {
    local path from lines
    while read -r path from lines; do
        [[ $path == "$2" ]] && { printf '%s %s\n' "$from" "$lines"; return 0; }
    done < <(lock_rows licence "$1")
    return 1
}

# stage_from_tree NAME SRCDIR: copy NAME's files to the staging area, verify.
# A file the tree lacks but a `licence` record describes is cut from its header.
stage_from_tree() {
    local name=$1 src=$2 out="$STAGE/out/$1" path _sum from lines
    rm -rf -- "$out"
    while read -r path _sum; do
        mkdir -p -- "$(dirname -- "$out/$path")" || return 1
        if [[ ! -f $src/$path ]] && read -r from lines < <(licence_source "$name" "$path"); then
            [[ -f $src/$from ]] || { ERR="$from missing in $src"; return 1; }
            head -n "$lines" -- "$src/$from" > "$out/$path" || { ERR="cannot cut $path from $from"; return 1; }
            continue
        fi
        [[ -f $src/$path ]] || { ERR="$path missing in $src"; return 1; }
        cp -- "$src/$path" "$out/$path" || { ERR="cannot copy $path"; return 1; }
    done < <(lock_rows file "$name")
    verify_tree "$name" "$out"
}

# install_staged NAME: replace DEST/NAME by the verified staged copy.
install_staged() {
    local name=$1 old="$STAGE/old-$1"
    if [[ -e $DEST/$name ]]; then mv -- "$DEST/$name" "$old"; fi
    [[ ! -e $DEST/$name ]] || die "$DEST/$name reappeared (concurrent run?)"
    mv -- "$STAGE/out/$name" "$DEST/$name"
}

# --- source 1: a local tree ------------------------------------------------

# env_dir_var NAME: name of the environment variable for NAME, e.g. NANOPB_DIR.
env_dir_var() {
    printf '%s_DIR\n' "$(printf '%s' "$1" | tr '[:lower:]-' '[:upper:]_')"
}

from_env() {
    local name=$1 var dir
    var=$(env_dir_var "$name")
    dir=${!var}
    say "$name: copying from $var=$dir"
    [[ -d $dir ]] || { ERR="$var=$dir is not a directory"; return 1; }
    stage_from_tree "$name" "$dir" || { ERR="$var: $ERR"; return 1; }
}

# --- source 2: Debian source packages --------------------------------------

# The helpers below turn each `deb` entry into a `deb-src` entry with the same
# options.  Existing deb-src entries are dropped rather than copied: they
# normally duplicate a deb entry, and duplicates whose options differ (e.g.
# Signed-By) make apt refuse the whole source list.

# to_deb_src_lines: one-line sources.list format -> deb-src lines.
to_deb_src_lines() {
    sed -n -E 's/^[[:space:]]*deb([[:space:]]+)/deb-src\1/p'
}

# to_deb_src_stanzas: deb822 .sources format -> stanzas with Types: deb-src.
to_deb_src_stanzas() {
    awk 'BEGIN { RS = ""; ORS = "\n" }
    {
        n = split($0, line, "\n"); keep = 0; out = ""
        for (i = 1; i <= n; i++) {
            if (tolower(line[i]) ~ /^types:/) {
                v = line[i]; sub(/^[^:]*:/, " ", v)
                if ((v " ") ~ /[ \t]deb[ \t]/) keep = 1
                line[i] = "Types: deb-src"
            }
            out = out line[i] "\n"
        }
        if (keep) print out
    }'
}

# derive_sources DIR: write deb-src twins of the host's apt sources into DIR.
derive_sources() {
    local dir=$1 sl=/etc/apt/sources.list sp=/etc/apt/sources.list.d f
    eval "$(apt-config shell sl Dir::Etc::SourceList/f sp Dir::Etc::SourceParts/d 2>/dev/null)" || true
    mkdir -p "$dir/sources.list.d"
    {
        if [[ -f $sl ]]; then to_deb_src_lines < "$sl"; fi
        for f in "$sp"/*.list; do
            if [[ -f $f ]]; then to_deb_src_lines < "$f"; fi
        done
    } | sort -u > "$dir/sources.list"
    for f in "$sp"/*.sources; do
        if [[ -f $f ]]; then to_deb_src_stanzas < "$f" > "$dir/sources.list.d/${f##*/}"; fi
    done
    grep -qs -e '^deb-src' -e 'deb-src$' "$dir/sources.list" "$dir"/sources.list.d/*.sources ||
        { ERR="no apt sources found in $sl or $sp"; return 1; }
}

# apt_prepare: private apt state + `apt-get update` (once per run).
apt_prepare() {
    local st="$STAGE/apt"
    case $APT_STATE in ok) return 0 ;; failed) ERR=$APT_ERR; return 1 ;; esac
    APT_STATE=failed
    APT_ERR="apt-get not available"
    command -v apt-get >/dev/null || { ERR=$APT_ERR; return 1; }
    derive_sources "$st/etc" || { APT_ERR=$ERR; return 1; }
    mkdir -p "$st/lists/partial" "$st/cache/archives/partial"
    APT_OPTS=(-q
        -o "Dir::Etc::SourceList=$st/etc/sources.list"
        -o "Dir::Etc::SourceParts=$st/etc/sources.list.d"
        -o "Dir::State::Lists=$st/lists"
        -o "Dir::State::status=/dev/null"
        -o "Dir::Cache=$st/cache")
    # As root, apt drops to the _apt user for downloads; _apt cannot write to
    # our mode-0700 staging folder, so apt would warn and run unsandboxed anyway.
    if (( EUID == 0 )); then APT_OPTS+=(-o "APT::Sandbox::User=root"); fi
    say "apt: updating a private source index (deb-src twins of this machine's apt sources)"
    if ! apt-get "${APT_OPTS[@]}" update >> "$STAGE/apt.log" 2>&1; then
        warn "apt: 'apt-get update' reported errors (some repositories may lack sources); trying anyway"
    fi
    APT_STATE=ok
}

from_apt() {
    local name=$1 spec orig want got dl="$STAGE/dl/$1" src="$STAGE/src/$1" top
    spec=$(lock_rows debian "$name")
    read -r orig want <<< "$(lock_rows orig "$name")"
    [[ -n $spec && -n $orig ]] || { ERR="no debian/orig record in lock"; return 1; }
    apt_prepare || return 1
    say "$name: apt-get source $spec"
    mkdir -p "$dl" "$src"
    if ! (cd "$dl" && apt-get "${APT_OPTS[@]}" source --download-only --tar-only --only-source \
            "$spec") >> "$STAGE/apt.log" 2>&1; then
        tail -n 3 "$STAGE/apt.log" | sed 's/^/  | /' >&2
        ERR="apt-get source $spec failed"; return 1
    fi
    [[ -f $dl/$orig ]] || { ERR="$orig not among the downloaded files"; return 1; }
    got=$(sha256_of "$dl/$orig")
    [[ $got == "$want" ]] || { ERR="$orig: sha256 mismatch (lock $want, got $got)"; return 1; }
    tar -xzf "$dl/$orig" -C "$src" || { ERR="cannot unpack $orig"; return 1; }
    top=("$src"/*)
    if [[ ${#top[@]} -eq 1 && -d ${top[0]} ]]; then src=${top[0]}; fi
    stage_from_tree "$name" "$src"
}

# --- source 3: git ---------------------------------------------------------

from_git() {
    local name=$1 url ref dir="$STAGE/src/$1.git"
    local -a git=(git -c core.autocrlf=false -c core.eol=lf -c advice.detachedHead=false)
    read -r url ref <<< "$(lock_rows git "$name")"
    [[ -n $url && -n $ref ]] || { ERR="no git record in lock"; return 1; }
    command -v git >/dev/null || { ERR="git not available"; return 1; }
    say "$name: git clone $url ($ref)"
    rm -rf -- "$dir"
    if [[ $ref =~ ^[0-9a-f]{7,40}$ ]]; then   # a commit: full clone, then check out
        GIT_TERMINAL_PROMPT=0 "${git[@]}" clone --quiet --no-checkout -- "$url" "$dir" ||
            { ERR="git clone of $url failed"; return 1; }
        "${git[@]}" -C "$dir" checkout --quiet "$ref" ||
            { ERR="commit $ref not found in $url"; return 1; }
    else                                      # a tag or branch: shallow clone
        GIT_TERMINAL_PROMPT=0 "${git[@]}" clone --quiet --depth 1 --branch "$ref" -- "$url" "$dir" ||
            { ERR="git clone of $url at $ref failed"; return 1; }
    fi
    stage_from_tree "$name" "$dir"
}

# --- source 4: a PyPI source distribution ---------------------------------

# download URL FILE: plain HTTPS download, no code from the file is run.
download() {
    if command -v curl >/dev/null; then
        curl -fsSL --retry 2 --max-time 300 -o "$2" -- "$1"
    else
        python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2"
    fi
}

# pip_download SPEC DIR: the sdist by pip (builds metadata, so runs setup.py).
pip_download() {
    local pip=(python3 -m pip)
    if [[ -n ${PIP:-} ]]; then read -r -a pip <<< "$PIP"; fi
    # --no-build-isolation: the metadata step uses the setuptools already installed
    # instead of downloading a build environment first.
    "${pip[@]}" download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
        --no-build-isolation -d "$2" "$1"
}

from_sdist() {
    local name=$1 spec archive want got url sub top dl="$STAGE/dl/$1" src="$STAGE/src/$1"
    read -r spec archive want <<< "$(lock_rows sdist "$name")"
    url=$(lock_rows url "$name")
    sub=$(lock_rows subdir "$name")
    mkdir -p "$dl" "$src"
    if [[ -n $url ]]; then
        say "$name: downloading $archive"
        download "$url" "$dl/$archive" >> "$STAGE/dl.log" 2>&1 ||
            { warn "$name: download of $url failed; trying pip"; rm -f -- "$dl/$archive"; }
    fi
    if [[ ! -f $dl/$archive ]]; then
        say "$name: pip download $spec (sdist)"
        pip_download "$spec" "$dl" >> "$STAGE/dl.log" 2>&1 ||
            { tail -n 3 "$STAGE/dl.log" | sed 's/^/  | /' >&2; ERR="pip download $spec failed"; return 1; }
        [[ -f $dl/$archive ]] || { ERR="$archive not among the downloaded files"; return 1; }
    fi
    got=$(sha256_of "$dl/$archive")
    [[ $got == "$want" ]] || { ERR="$archive: sha256 mismatch (lock $want, got $got)"; return 1; }
    tar -xzf "$dl/$archive" -C "$src" || { ERR="cannot unpack $archive"; return 1; }
    top=("$src"/*)
    if [[ ${#top[@]} -eq 1 && -d ${top[0]} ]]; then src=${top[0]}; fi
    stage_from_tree "$name" "$src${sub:+/$sub}"
}

# --- main ------------------------------------------------------------------

# fetch_one NAME: stage a verified copy of NAME from the first source that works.
fetch_one() {
    local name=$1 var why=""
    var=$(env_dir_var "$name")
    if [[ -n ${!var:-} ]]; then
        from_env "$name" || die "$name: $ERR"
        return
    fi
    if [[ -n $(lock_rows sdist "$name") ]]; then
        from_sdist "$name" || die "$name: no verified copy ($ERR)"
        return
    fi
    if (( USE_APT )); then
        from_apt "$name" && return
        warn "$name: apt route failed: $ERR; falling back to git"
        why="apt: $ERR; "
    fi
    from_git "$name" || die "$name: no verified copy (${why}git: $ERR)"
}

parse_args() {
    local arg
    for arg in "$@"; do
        case $arg in
            -h|--help) usage; exit 0 ;;
            --no-apt)  USE_APT=0 ;;
            -*)        die "unknown option $arg (see --help)" ;;
            *)         [[ -z $DEST ]] || die "only one DEST may be given"; DEST=$arg ;;
        esac
    done
    DEST=${DEST:-$SCRIPT_DIR/../third_party}
}

main() {
    local name todo=()
    parse_args "$@"
    lock_check
    for name in $(lock_deps); do
        verify_tree "$name" "$DEST/$name" 2>/dev/null || todo+=("$name")
    done
    if [[ ${#todo[@]} -eq 0 ]]; then say "up to date ($DEST)"; exit 0; fi

    trap cleanup EXIT
    trap 'exit 130' INT TERM
    if [[ ! -d $DEST ]]; then mkdir -p -- "$DEST"; CREATED_DEST=1; fi
    DEST=$(cd "$DEST" && pwd)
    STAGE=$(mktemp -d "$DEST/.fetch_deps.XXXXXX")

    for name in "${todo[@]}"; do fetch_one "$name"; done
    for name in "${todo[@]}"; do install_staged "$name"; done
    CREATED_DEST=0
    say "installed and verified: ${todo[*]} (in $DEST)"
}

main "$@"
