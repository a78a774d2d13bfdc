#!/usr/bin/env bash
# Builds the images in docker/ (cinechain-node, cinechain-projector, cinechain-indexer, tagged
# $CINECHAIN_IMAGE_TAG, default `local`) from the binaries the normal build makes, and prints
# their sizes.
#
# The base image is $CINECHAIN_DOCKER_BASE if set, else debian:bookworm-slim (pulled by the
# build if need be), except on machines that reach only the package registries (those where
# scripts/setup.sh linked Debian's Rust, as rustup could not download): there no image can be
# pulled, and `cinechain/debian:bookworm-minbase` is made once from Debian packages with
# debootstrap.
# Needs a running Docker daemon (scripts/dockerd.sh starts one where none runs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh

tag="${CINECHAIN_IMAGE_TAG:-local}"
docker info > /dev/null 2>&1 || { echo "[docker] no Docker daemon: start one (scripts/dockerd.sh)" >&2; exit 1; }

base="${CINECHAIN_DOCKER_BASE:-}"
if [ -z "$base" ]; then
  if docker image inspect debian:bookworm-slim > /dev/null 2>&1 || [ ! -f "$HOME/.cache/cinechain/toolchain" ]; then
    base=debian:bookworm-slim
  else
    base=cinechain/debian:bookworm-minbase
    if ! docker image inspect "$base" > /dev/null 2>&1; then
      echo "[docker] no image can be pulled: making $base from Debian packages (debootstrap)"
      command -v debootstrap > /dev/null || apt-get install -y --no-install-recommends debootstrap
      root="$(mktemp -d)"
      trap 'rm -rf "$root"' EXIT
      debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian > "$root.log" 2>&1 ||
        { tail -20 "$root.log" >&2; exit 1; }
      # Apt's lists and caches are of no use in an image.
      rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
      tar -C "$root" -c . | docker import - "$base" > /dev/null
      rm -f "$root.log"
    fi
  fi
fi
echo "[docker] base image: $base"

# The binaries, built as usual (nothing compiles twice), handed to the builder stage.
cinechain_build
mkdir -p docker/prebuilt
for binary in cinechain-node cinechain-projector cinechain-indexer; do
  cp "$CARGO_TARGET_DIR/$CARGO_PROFILE/$binary" docker/prebuilt/
done

for target in node projector indexer; do
  started=$(date +%s)
  # Host networking for the build: a builder that compiles fetches crates; nothing else runs.
  docker build --quiet --network host --build-arg "BASE=$base" --target "$target" \
    -t "cinechain-$target:$tag" -f docker/Dockerfile . > /dev/null
  echo "[docker] cinechain-$target:$tag built in $(( $(date +%s) - started )) s"
done
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E "^(cinechain-(node|projector|indexer):$tag|$base) " | sed 's/^/[docker] size /'
