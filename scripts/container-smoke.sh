#!/usr/bin/env bash
# Container smoke test, run by .ci/run: no Docker engine and no registry here, so
#   1. build stand-in base images locally: a minimal Debian (debootstrap, cached as a tarball) plus this
#      machine's .NET runtime (runtime image) or whole SDK (SDK image), with the official images' UID 1654 user;
#   2. build the real Dockerfile with `buildah bud --isolation chroot --build-arg SDK_IMAGE=… RUNTIME_IMAGE=…`,
#      restoring from this machine's NuGet package folder (mounted, and the only restore source, so a package whose
#      dependency asks for a version not served — SentenceTransformers → OnnxRuntime 1.30 — never reaches for a registry);
#   3. run the image over a mounted /data holding the seed article in its inbox and check: the score lands in
#      the mounted SQLite file, the worker ran as UID 1654, the logs are JSON with run and article ids, the
#      HEALTHCHECK command exits 0 and /metrics answers; then SIGTERM stops it.
# Stand-in images and the rootfs are cached (THREATSCORER_CI_CACHE, default /var/cache/threatscorer-ci; buildah's
# own storage keeps the images) and rebuilt when the machine's .NET version changes. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
say() { printf '[container-smoke +%ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
# Any other command that stops the script (set -e) names itself.
trap 'say "FAILED: line $LINENO exited $?: $BASH_COMMAND"' ERR

cache=${THREATSCORER_CI_CACHE:-/var/cache/threatscorer-ci}
mkdir -p "$cache"
export BUILDAH_ISOLATION=chroot DEBIAN_FRONTEND=noninteractive

missing=()
for tool in buildah debootstrap sqlite3 curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
# Fills the package folder the image build restores from (a no-op when the solution was restored already).
dotnet restore ThreatScorer.sln --verbosity quiet >/dev/null || fail "dotnet restore"
# What the official runtime images add to Debian that .NET loads: OpenSSL, CA certificates, time zones.
base_packages=libssl3,ca-certificates,tzdata
rootfs=$cache/debian-bookworm-minbase-$(printf '%s' "$base_packages" | sha256sum | cut -c1-8).tar
stamp=$( { echo "$rootfs"; dotnet --version; ls "$dotnet_root/shared/Microsoft.AspNetCore.App" "$dotnet_root/shared/Microsoft.NETCore.App"; } | sha256sum | cut -c1-12)
runtime_image=localhost/threatscorer-ci/aspnet:$stamp
sdk_image=localhost/threatscorer-ci/sdk:$stamp
app_image=localhost/threatscorer:smoke

# 1. Stand-in base images.
if [ ! -f "$rootfs" ]; then
    say "debootstrap a minimal Debian 12 (cached in $rootfs)"
    tmp=$(mktemp -d "$cache/rootfs.XXXXXX")
    # The Debian mirror this machine's apt uses; a second try rides out a dropped connection.
    mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -1 | tr -d ' ' || true)
    for attempt in 1 2; do
        rm -rf "$tmp/root"
        debootstrap --variant=minbase --include="$base_packages" bookworm "$tmp/root" "${mirror:-http://deb.debian.org/debian}" >"$tmp/debootstrap.log" 2>&1 && break
        tail -20 "$tmp/debootstrap.log"
        [ "$attempt" -eq 2 ] && fail "debootstrap from ${mirror:-http://deb.debian.org/debian}"
        say "debootstrap failed (above); trying once more"
    done
    rm -rf "$tmp/root/var/cache/apt/archives/"*.deb "$tmp/root/var/lib/apt/lists/"*
    tar -C "$tmp/root" -cf "$rootfs.part" . && mv "$rootfs.part" "$rootfs"
    rm -rf "$tmp"
fi

if ! buildah inspect --type image "$runtime_image" >/dev/null 2>&1; then
    say "building stand-in runtime image $runtime_image"
    ctr=$(buildah from scratch)
    buildah add --quiet "$ctr" "$rootfs" / >/dev/null
    mnt=$(buildah mount "$ctr")
    mkdir -p "$mnt/usr/share/dotnet/shared"
    cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$mnt/usr/share/dotnet/"
    cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$mnt/usr/share/dotnet/shared/"
    ln -sf /usr/share/dotnet/dotnet "$mnt/usr/bin/dotnet"
    # The official images' non-root user.
    echo 'app:x:1654:1654:app:/home/app:/usr/sbin/nologin' >>"$mnt/etc/passwd"
    echo 'app:x:1654:' >>"$mnt/etc/group"
    mkdir -p "$mnt/home/app" && chown 1654:1654 "$mnt/home/app"
    buildah umount "$ctr" >/dev/null
    # No ICU in the stand-in; the app is built with InvariantGlobalization anyway.
    buildah config --env DOTNET_ROOT=/usr/share/dotnet --env DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 --env APP_UID=1654 \
        --cmd '["/bin/bash"]' "$ctr"
    buildah commit --quiet --rm "$ctr" "$runtime_image" >/dev/null
fi

if ! buildah inspect --type image "$sdk_image" >/dev/null 2>&1; then
    say "building stand-in SDK image $sdk_image"
    ctr=$(buildah from "$runtime_image")
    mnt=$(buildah mount "$ctr")
    cp -a "$dotnet_root/sdk" "$dotnet_root/packs" "$dotnet_root/sdk-manifests" "$mnt/usr/share/dotnet/"
    buildah umount "$ctr" >/dev/null
    buildah commit --quiet --rm "$ctr" "$sdk_image" >/dev/null
fi
# Stand-ins of an earlier .NET or package set are not needed any more.
for old in $(buildah images --format '{{.Name}}:{{.Tag}}' | grep '^localhost/threatscorer-ci/' | grep -v ":$stamp\$" || true); do
    buildah rmi "$old" >/dev/null 2>&1 || true
done
say "stand-in base images ready"

# 2. The real Dockerfile.
build_started=$(date +%s)
bud() {
    buildah bud --isolation chroot --format docker \
        --build-arg "SDK_IMAGE=$sdk_image" --build-arg "RUNTIME_IMAGE=$runtime_image" \
        --build-arg "PUBLISH_ARGS=-p:NuGetAudit=false $1" --volume "$packages:/root/.nuget/packages" "${@:2}" \
        -t "$app_image" . >"$cache/bud.log" 2>&1
}
if ! bud "-p:RestoreSources=/root/.nuget/packages"; then
    # A package the host's restore did not fetch (say one only a linux-x64 restore asks for): let the registry
    # serve it as well, after the mounted folder. The registry is reached through this machine's TLS set-up, so
    # the build borrows the host's CA certificates (read-only) — the stand-in images only carry Debian's.
    grep -E 'error|NU1[0-9]{3}' "$cache/bud.log" | sort -u | tail -15
    say "the build from the mounted package folder alone failed (above); again with the registry as a second source"
    bud "-p:RestoreAdditionalProjectSources=/root/.nuget/packages" --volume /etc/ssl/certs:/etc/ssl/certs:ro \
        || { tail -40 "$cache/bud.log"; fail "buildah bud"; }
fi
say "image built in $(( $(date +%s) - build_started ))s ($(buildah images --format '{{.Size}}' "$app_image"))"
# buildah 1.28 prints lists as [a b c]; none of these arguments contain spaces.
words() { buildah inspect --type image --format "$1" "$app_image" | tr -d '[]'; }
[ "$(buildah inspect --type image --format '{{.Docker.Config.User}}' "$app_image")" = "1654" ] || fail "image USER is not 1654"
read -r -a health_cmd <<<"$(words '{{.Docker.Config.Healthcheck.Test}}')"
[ "${health_cmd[0]:-}" = "CMD" ] || fail "no HEALTHCHECK CMD in the image"
health_cmd=("${health_cmd[@]:1}")
read -r -a entrypoint <<<"$(words '{{.Docker.Config.Entrypoint}}')"

# 3. Run it over a mounted /data with the seed article in the inbox.
work=$(mktemp -d)
ctr=
worker=
descendants() { local child; for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done; }
cleanup() {
    # buildah run's chroot child outlives a killed buildah, so stop the whole tree this script started.
    if [ -n "$worker" ] && kill -0 "$worker" 2>/dev/null; then
        local tree; tree="$worker $(descendants "$worker")"
        kill -TERM $tree 2>/dev/null || true
        sleep 5
        kill -KILL $tree 2>/dev/null || true
    fi
    [ -n "$ctr" ] && buildah rm "$ctr" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/data/inbox"
cp seeds/000_1635b998671e721d.txt "$work/data/inbox/"
chown -R 1654:1654 "$work/data"
port=18080
while ss -ltnH "sport = :$port" | grep -q .; do port=$((port + 1)); done

ctr=$(buildah from "$app_image")
# buildah run (a build tool's run) lays a fresh copy of the image over a declared VOLUME and ignores a bind
# mount there, so this working container forgets the declaration; the image keeps it (docker/podman honour -v).
buildah config --volume /data- "$ctr"
# chroot isolation shares the host's network, so the endpoint gets a free host port.
buildah config --env "THREATSCORER__OPERATIONS__PORT=$port" "$ctr"
uid=$(buildah run --isolation chroot "$ctr" -- id -u)
[ "$uid" = "1654" ] || fail "the container runs as UID $uid, not 1654"
run_started=$(date +%s)
buildah run --isolation chroot --volume "$work/data:/data" "$ctr" -- "${entrypoint[@]}" >"$work/worker.log" 2>&1 &
worker=$!

db=$work/data/threatscorer.db
scored=0
score_wait_s=240
for _ in $(seq 1 $((score_wait_s * 2))); do
    if [ -f "$db" ]; then
        scored=$(sqlite3 "file:$db?mode=ro" "select count(*) from assessments" 2>/dev/null || echo 0)
        [ "$scored" -ge 1 ] && break
    fi
    kill -0 "$worker" 2>/dev/null || { cat "$work/worker.log"; fail "the worker exited before scoring"; }
    sleep 0.5
done
[ "$scored" -ge 1 ] || { tail -30 "$work/worker.log"; fail "no score in the mounted database after ${score_wait_s} s"; }
say "seed article scored $(( $(date +%s) - run_started ))s after start: $(sqlite3 "file:$db?mode=ro" "select article_id, threat_level, round(threat_score, 2) from assessments")"
owner=$(stat -c %u "$db")
[ "$owner" = "1654" ] || fail "the database was written by UID $owner, not 1654"
grep -q '"RunId"' "$work/worker.log" && grep -q '"ArticleId"' "$work/worker.log" || { head -5 "$work/worker.log"; fail "no JSON logs with RunId/ArticleId scopes"; }

health=""
for _ in $(seq 1 40); do
    if health=$(buildah run --isolation chroot "$ctr" -- "${health_cmd[@]}" 2>&1); then break; fi
    health=FAIL:$health
    sleep 0.5
done
case "$health" in FAIL:*) fail "HEALTHCHECK command failed: $health" ;; esac
say "HEALTHCHECK: $health"
curl -fsS "http://127.0.0.1:$port/metrics" | grep -q '^threatscorer_articles_scored_total' || fail "/metrics has no threatscorer_articles_scored_total"

# A container runtime sends SIGTERM to the container's main process. buildah run does not forward signals (it
# kills its child), so the signal goes straight to the worker's dotnet process, found below buildah's.
dotnet_pid=$(for p in $(descendants "$worker"); do [ "$(cat /proc/"$p"/comm 2>/dev/null)" = dotnet ] && echo "$p"; done | head -1)
[ -n "$dotnet_pid" ] || fail "cannot find the worker's dotnet process"
[ "$(awk '/^Uid:/ {print $2}' /proc/"$dotnet_pid"/status)" = "1654" ] || fail "the worker process does not run as UID 1654"
kill -TERM "$dotnet_pid"
for _ in $(seq 1 60); do kill -0 "$worker" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$worker" 2>/dev/null; then fail "the worker did not stop within 30 s of SIGTERM"; fi
wait "$worker" || true # buildah itself reports the signal as exit 1
grep -q 'Application is shutting down' "$work/worker.log" || { tail -5 "$work/worker.log"; fail "the worker did not shut down on SIGTERM"; }
say "stopped cleanly on SIGTERM; $(sqlite3 "file:$db?mode=ro" "select count(*) from articles where status='scored'") article(s) scored in the mounted database"
say "container smoke passed in $(( $(date +%s) - started ))s"
