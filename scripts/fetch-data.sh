#!/usr/bin/env bash
# Fetches the third-party datasets listed in data/datasets.tsv into data/<dataset>/… and checks every file's SHA-256.
# Usage: scripts/fetch-data.sh [--from DIR] [--dest DIR] [--manifest FILE] [DATASET…]
#   (no --from)     download each entry whose source is an https URL (curl, else wget). Entries marked "mirror" or
#                   "derived" have no public URL: they are listed at the end; copy them from a mirror with --from.
#   --from DIR      copy every entry from a local mirror laid out like the manifest's paths (e.g. --from ../shared/data).
#   --dest DIR      where the files go (default: data/ in the repository).
#   --manifest FILE the manifest to read (default: data/datasets.tsv in the repository).
#   DATASET…        only these datasets (the manifest's first column), e.g. newsmtsc petrarch2.
# A file already there with the right SHA-256 is left alone. A fetched file with another SHA-256 is deleted and the
# script exits 1 naming it; so does a failed download or a file missing from the mirror.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
manifest="$root/data/datasets.tsv"
dest="$root/data"
from=""
only=()

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
    case "$1" in
        --from | --dest | --manifest)
            if [ $# -lt 2 ]; then echo "error: $1 needs a value" >&2; exit 2; fi
            case "$1" in --from) from="$2" ;; --dest) dest="$2" ;; --manifest) manifest="$2" ;; esac
            shift 2 ;;
        -h | --help) usage; exit 0 ;;
        -*) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
        *) only+=("$1"); shift ;;
    esac
done

if [ ! -f "$manifest" ]; then echo "error: no manifest at $manifest" >&2; exit 2; fi
if [ -n "$from" ] && [ ! -d "$from" ]; then echo "error: --from $from is not a folder" >&2; exit 2; fi
for name in ${only[@]+"${only[@]}"}; do
    if ! cut -f1 "$manifest" | grep -qxF -- "$name"; then
        echo "error: no dataset '$name' in $manifest" >&2; exit 2
    fi
done

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

download() { # URL FILE
    if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 -o "$2" "$1"
    elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
    else
        echo "error: neither curl nor wget is installed" >&2; return 1
    fi
}

wanted() { # DATASET
    [ ${#only[@]} -eq 0 ] && return 0
    local name
    for name in "${only[@]}"; do [ "$name" = "$1" ] && return 0; done
    return 1
}

part=""
trap 'if [ -n "$part" ]; then rm -f "$part"; fi' EXIT

present=0
fetched=0
unavailable=()
wrong=0
# Every field is non-empty: read splits on tabs, and consecutive tabs would count as one.
while IFS=$'\t' read -r -u 3 dataset path source sha256 _rest; do
    case "$dataset" in '' | '#'* | dataset) continue ;; esac
    if ! [[ "$sha256" =~ ^[0-9a-f]{64}$ ]] || [ -z "$path" ] || [[ "$path" == /* || "$path" == *..* ]]; then
        echo "error: malformed manifest line for '$dataset' '$path'" >&2; exit 2
    fi
    wanted "$dataset" || continue
    target="$dest/$path"
    if [ -f "$target" ]; then
        if [ "$(sha256_of "$target")" = "$sha256" ]; then
            present=$((present + 1)); continue
        fi
        echo "$path: present with another SHA-256, fetching it again"
    fi
    if [ -z "$from" ] && [[ "$source" != https://* ]]; then
        if [ -f "$target" ]; then
            wrong=$((wrong + 1)); unavailable+=("$path ($source; the copy in $dest has another SHA-256)")
        else
            unavailable+=("$path ($source)")
        fi
        continue
    fi

    mkdir -p "$(dirname "$target")"
    part="$target.part"
    rm -f "$part"
    if [ -n "$from" ]; then
        if [ ! -f "$from/$path" ]; then echo "error: $path: not in $from" >&2; exit 1; fi
        cp "$from/$path" "$part"
    else
        echo "downloading $path"
        if ! download "$source" "$part"; then
            echo "error: $path: download failed ($source)" >&2; exit 1
        fi
    fi
    actual="$(sha256_of "$part")"
    if [ "$actual" != "$sha256" ]; then
        rm -f "$part" "$target"
        echo "error: $path: SHA-256 is $actual, the manifest says $sha256; file deleted" >&2
        exit 1
    fi
    mv -f "$part" "$target"
    part=""
    fetched=$((fetched + 1))
    echo "ok $path"
done 3< "$manifest"

echo "$fetched fetched, $present already present, ${#unavailable[@]} not fetched (in $dest)"
if [ ${#unavailable[@]} -gt 0 ]; then
    echo "Not fetched (no public URL at a known commit; copy them from a mirror with --from DIR):"
    printf '  %s\n' "${unavailable[@]}"
fi
if [ "$wrong" -gt 0 ]; then exit 1; fi
