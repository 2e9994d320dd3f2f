#!/usr/bin/env bash
# The fine-tuning environment (docs/fine-tuning.md). TorchSharp 0.107's native library needs GLIBCXX_3.4.32, which
# Debian 12's libstdc++ lacks, so on such a host the tool runs on a cached Debian 13 (trixie) root filesystem's
# loader and libraries (the app host's ELF interpreter is patched; no chroot, so every path means what it means on
# the host). Where the host's libstdc++ is recent enough (e.g. Ubuntu 24.04) the tool runs directly.
#
#   bash scripts/training-env.sh rootfs          # build (or reuse) the trixie root filesystem; prints its path
#   bash scripts/training-env.sh publish         # publish the tool self-contained; prints the app's path
#   bash scripts/training-env.sh run ARGS...     # both as needed, then: threatscorer-finetune ARGS...
#   bash scripts/training-env.sh check           # exit 0 if `run` can work here, else 3 and the reason (no network used)
#
# Settings (environment):
#   THREATSCORER_TRIXIE_DIR     the root filesystem (default /var/cache/threatscorer/trixie); reused once finished
#   THREATSCORER_FINETUNE_APP   the published tool (default artifacts/finetune-app in the repository)
#   THREATSCORER_DEBIAN_MIRROR  the Debian mirror (default: the one apt uses, from /etc/apt/sources.list[.d])
#   THREATSCORER_FINETUNE_NO_PUBLISH=1  run the app already published (e.g. when only arguments change)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rootfs="${THREATSCORER_TRIXIE_DIR:-/var/cache/threatscorer/trixie}"
app_dir="${THREATSCORER_FINETUNE_APP:-$repo/artifacts/finetune-app}"
app="$app_dir/threatscorer-finetune"
stamp="$rootfs/.threatscorer-ready"
needed_glibcxx="GLIBCXX_3.4.32"
trixie_packages="libicu76 ca-certificates libssl3t64 libgomp1"

die() { echo "training-env: $*" >&2; exit 2; }
log() { echo "training-env: $*" >&2; }

host_libstdcxx() {
    local candidate
    for candidate in /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6 /lib/x86_64-linux-gnu/libstdc++.so.6; do
        [ -e "$candidate" ] && { echo "$candidate"; return 0; }
    done
    return 1
}

# True when the host's libstdc++ exports the symbol version libLibTorchSharp.so needs.
host_is_recent() {
    local lib
    lib="$(host_libstdcxx)" || return 1
    grep -qa "$needed_glibcxx" "$lib"
}

# The Debian archive URI apt uses for the host's own release (not -security, not third-party repositories).
debian_mirror() {
    if [ -n "${THREATSCORER_DEBIAN_MIRROR:-}" ]; then
        echo "$THREATSCORER_DEBIAN_MIRROR"
        return 0
    fi
    local codename=""
    [ -r /etc/os-release ] && codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
    [ -n "$codename" ] || return 1
    local files=() f
    shopt -s nullglob
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] && files+=("$f")
    done
    shopt -u nullglob
    [ "${#files[@]}" -gt 0 ] || return 1
    # One-line format: "deb [opts] URI SUITE COMPONENTS"; deb822: a stanza with URIs: and Suites: lines.
    awk -v suite="$codename" '
        /^[[:space:]]*deb[[:space:]]/ {
            n = 0; for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) f[++n] = $i
            if (f[2] == suite && f[1] ~ /^https?:/) { print f[1]; exit }
            next
        }
        /^URIs:/ { uris = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite && uris ~ /^https?:/) { print uris; exit } }
        /^[[:space:]]*$/ { uris = "" }
    ' "${files[@]}" | head -1 | grep . || return 1
}

build_rootfs() {
    if [ -f "$stamp" ]; then
        echo "$rootfs"
        return 0
    fi
    [ "$(id -u)" -eq 0 ] || die "building the Debian 13 root filesystem at $rootfs needs root (debootstrap); run as root once, or set THREATSCORER_TRIXIE_DIR to a finished one."
    if ! command -v debootstrap >/dev/null; then
        command -v apt-get >/dev/null || die "debootstrap is missing and there is no apt-get to install it."
        log "installing debootstrap..."
        { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }; } >/dev/null 2>&1 \
            || die "debootstrap is missing and apt-get could not install it."
    fi
    local mirror
    mirror="$(debian_mirror)" || die "no Debian mirror found in /etc/apt/sources.list[.d] for this release; set THREATSCORER_DEBIAN_MIRROR (e.g. http://deb.debian.org/debian)."
    local partial="$rootfs.partial"
    rm -rf "$partial"
    mkdir -p "$(dirname "$rootfs")"
    log "debootstrap trixie from $mirror into $partial (about a minute)..."
    debootstrap --variant=minbase trixie "$partial" "$mirror" >"$partial.log" 2>&1 \
        || { tail -20 "$partial.log" >&2; die "debootstrap failed (log above, full log $partial.log)."; }
    log "installing $trixie_packages in the root filesystem..."
    {
        chroot "$partial" apt-get update -qq \
            && chroot "$partial" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $trixie_packages \
            && chroot "$partial" apt-get clean
    } >>"$partial.log" 2>&1 || { tail -20 "$partial.log" >&2; die "apt-get inside the root filesystem failed (full log $partial.log)."; }
    rm -rf "$rootfs" "$partial.log"
    mv "$partial" "$rootfs"
    date -u +%FT%TZ >"$stamp"
    echo "$rootfs"
}

publish_app() {
    if [ "${THREATSCORER_FINETUNE_NO_PUBLISH:-0}" = 1 ] && [ -x "$app" ]; then
        echo "$app"
        return 0
    fi
    command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is needed to publish the tool."
    log "publishing src/ThreatScorer.FineTune (self-contained, linux-x64) to $app_dir..."
    dotnet publish "$repo/src/ThreatScorer.FineTune/ThreatScorer.FineTune.csproj" -c Release -r linux-x64 --self-contained \
        -o "$app_dir" -nologo -v quiet >&2 || die "dotnet publish failed (output above)."
    echo "$app"
}

run_app() {
    publish_app >/dev/null
    if host_is_recent; then
        exec "$app" "$@"
    fi
    build_rootfs >/dev/null
    local libs="$rootfs/usr/lib/x86_64-linux-gnu"
    local loader="$libs/ld-linux-x86-64.so.2"
    [ -e "$loader" ] || die "$loader missing: $rootfs is not a finished trixie root filesystem (remove it to rebuild)."
    if [ "$(patchelf --print-interpreter "$app" 2>/dev/null || true)" != "$loader" ]; then
        if ! command -v patchelf >/dev/null; then
            [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null || die "patchelf is missing (apt-get install patchelf)."
            { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf \
                || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf; }; } >/dev/null 2>&1 \
                || die "patchelf is missing and apt-get could not install it."
        fi
        patchelf --set-interpreter "$loader" "$app"
    fi
    LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$app" "$@"
}

# Whether `run` can work here, judged without building anything (the tests skip on exit 3 with the reason).
check_env() {
    [ "$(uname -m)" = x86_64 ] || { echo "libtorch-cpu-linux-x64 needs an x86_64 machine, not $(uname -m)"; return 3; }
    local how
    if host_is_recent; then
        how="this host's libstdc++ has $needed_glibcxx; the tool runs directly"
    else
        local can_apt=0
        [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null && can_apt=1
        command -v patchelf >/dev/null || [ "$can_apt" -eq 1 ] || { echo "patchelf is missing and cannot be installed (not root or no apt-get)"; return 3; }
        if [ -f "$stamp" ]; then
            how="Debian 13 root filesystem ready at $rootfs"
        else
            [ "$(id -u)" -eq 0 ] || { echo "no Debian 13 root filesystem at $rootfs and building one needs root (debootstrap)"; return 3; }
            command -v debootstrap >/dev/null || [ "$can_apt" -eq 1 ] || { echo "debootstrap is missing and there is no apt-get to install it"; return 3; }
            local mirror
            mirror="$(debian_mirror)" || { echo "no Debian mirror in /etc/apt/sources.list[.d] for this release (set THREATSCORER_DEBIAN_MIRROR)"; return 3; }
            how="will build a Debian 13 root filesystem at $rootfs from $mirror"
        fi
    fi
    command -v dotnet >/dev/null || { echo "the .NET SDK (dotnet) is not on PATH (needed to publish the tool)"; return 3; }
    echo "ok: $how"
}

case "${1:-}" in
    check) check_env ;;
    rootfs) if host_is_recent; then log "this host's libstdc++ has $needed_glibcxx: no root filesystem needed."; else build_rootfs; fi ;;
    publish) publish_app ;;
    run) shift; run_app "$@" ;;
    *) echo "usage: $0 check | rootfs | publish | run ARGS..." >&2; exit 2 ;;
esac
