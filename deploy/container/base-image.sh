#!/bin/sh
# Builds a Node.js base image without pulling from a registry, for machines where Docker cannot
# reach Docker Hub (Souffle's CI): Debian bookworm from Debian's own mirror (debootstrap
# --variant=minbase), plus this machine's Node.js binary and npm. Debian bookworm's own nodejs
# package is 18, older than the 20 Souffle needs, hence the copy. Elsewhere, the Dockerfile's
# default (the official node:20-bookworm-slim) is the better base; this one is its stand-in.
# Usage: deploy/container/base-image.sh [tag]   (needs root, debootstrap, docker and node >= 20)
# Does nothing when the tag exists already, so that repeated runs cost nothing.
set -eu

node_bin=$(readlink -f "$(command -v node)")
major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
tag=${1:-souffle-base:bookworm-node$major}

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag exists"
  exit 0
fi
if [ "$major" -lt 20 ]; then
  echo "base-image: node $("$node_bin" --version) is older than 20, which Souffle needs" >&2
  exit 1
fi
command -v debootstrap >/dev/null || {
  echo "base-image: debootstrap is missing (apt-get install debootstrap)" >&2
  exit 1
}

root=$(mktemp -d /var/tmp/souffle-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "base-image: debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2
  exit 1
}
rm -f "$root.log"

# Node.js where the official images keep it, npm beside it, and the C headers (when this machine
# has them) so that node-gyp compiles native modules without downloading headers from nodejs.org.
install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
headers=$(dirname "$(dirname "$node_bin")")/include/node
nodedir_env=
if [ -f "$headers/node.h" ]; then
  mkdir -p "$root/usr/local/include"
  cp -a "$headers" "$root/usr/local/include/node"
  nodedir_env=npm_config_nodedir=/usr/local
fi
# The binary must run with the image's own libraries (glibc, libstdc++ of bookworm).
chroot "$root" /usr/local/bin/node --version >/dev/null
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

set -- --change 'CMD ["node"]'
[ -n "$nodedir_env" ] && set -- "$@" --change "ENV $nodedir_env"
tar -C "$root" -c . | docker import "$@" - "$tag" >/dev/null
echo "base image $tag built"
