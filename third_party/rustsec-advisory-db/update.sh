#!/usr/bin/env bash
# Replaces this snapshot with the advisory database's current crates/ tree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone --depth 1 https://github.com/rustsec/advisory-db "$tmp/db"
rm -rf "$here/crates"
cp -r "$tmp/db/crates" "$tmp/db/LICENSE.txt" "$here/"
commit=$(git -C "$tmp/db" log -1 --format='%H (%cs)')
echo "snapshot now at $commit: update NOTE.md"
