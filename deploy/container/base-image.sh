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
# debootstrap mounts /proc and /sys inside the target while it works: unmount whatever is still
# mounted there before removing it, and never cross into another file system.
cleanup() {
  awk -v r="$root/" 'index($2, r) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l
  rm -rf --one-file-system "$root" "$root.log"
}
trap cleanup EXIT
echo "base-image: debootstrap bookworm into $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2
  exit 1
}

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
# This machine's trust store, so that npm in `docker build` reaches the registry through whatever
# this machine's network requires (here, an egress proxy with its own CA): a base image built on a
# machine trusts what that machine trusts. Certificates are public; no key is copied.
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
fi
bundle=/etc/ssl/certs/ca-certificates.crt
ca_env=
if [ -f "$bundle" ]; then
  install -D -m 0644 "$bundle" "$root$bundle"
  ca_env=NODE_EXTRA_CA_CERTS=$bundle
fi
# The binary must run with the image's own libraries (glibc, libstdc++ of bookworm).
chroot "$root" /usr/local/bin/node --version >/dev/null
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

set -- --change 'CMD ["node"]'
[ -n "$nodedir_env" ] && set -- "$@" --change "ENV $nodedir_env"
[ -n "$ca_env" ] && set -- "$@" --change "ENV $ca_env"
tar -C "$root" -c . | docker import "$@" - "$tag" >/dev/null
echo "base image $tag built"
