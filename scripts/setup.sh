#!/usr/bin/env bash
# Installs what building cinechain needs, idempotently, with no step by hand.
#
# On a machine where rustup can download, rust-toolchain.toml already names everything (stable,
# rust-src, the wasm target); this script only adds protoc, which the networking crate's build
# script needs.
#
# On a machine that reaches package registries but not the Rust distribution servers (the
# project's CI machines), it follows the offline route: Debian's rustc, cargo and library source,
# lld as rust-lld, and a wasm `core`/`alloc` built once from that source into the sysroot.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="$HOME/.cache/cinechain"
mkdir -p "$cache"

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}" >/dev/null
}

have_cmd() { command -v "$1" >/dev/null 2>&1; }

# protoc: required by litep2p's build script on every machine.
if ! have_cmd protoc; then
  if have_cmd apt-get; then apt_install protobuf-compiler
  else log "please install protoc (protobuf-compiler) with your package manager"; exit 1; fi
fi

# PostgreSQL's server: the information server's tests run a real one (tests/src/postgres.rs).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if have_cmd apt-get; then apt_install postgresql
  else log "please install the PostgreSQL server (its tests need initdb and postgres)"; fi
fi

# The console's chart library (pinned in indexer/console/package-lock.json), which the
# indexer's build embeds (indexer/build.rs): npm from the package registry.
if ! have_cmd npm; then
  if have_cmd apt-get; then apt_install nodejs npm
  else log "please install Node.js and npm (the indexer's console takes its chart library from npm)"; exit 1; fi
fi
console="$here/../indexer/console"
pinned=$(cd "$console" && node -p "require('./package.json').dependencies.echarts")
have=$(cd "$console" && node -p "try { require('./node_modules/echarts/package.json').version } catch (e) { '' }")
if [ "$have" != "$pinned" ] || [ ! -f "$console/node_modules/echarts/dist/echarts.min.js" ]; then
  log "installing the console's chart library, echarts $pinned (npm ci)"
  (cd "$console" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Docker, compose and debootstrap: the images and the compose network are tested
# (scripts/test-docker.sh); where no image can be pulled, the base image is made with debootstrap.
# Each only where missing: a machine with Docker's own packages keeps them.
docker_missing=()
have_cmd dockerd || docker_missing+=(docker.io)
have_cmd docker-compose || docker compose version >/dev/null 2>&1 || docker_missing+=(docker-compose)
have_cmd debootstrap || docker_missing+=(debootstrap)
if ((${#docker_missing[@]})); then
  if have_cmd apt-get; then apt_install "${docker_missing[@]}"
  else log "please install ${docker_missing[*]} (the docker test needs them)"; fi
fi

# A headless browser and its WebDriver: the console's tests drive a real Chromium.
# Chinese fonts, so that the Chinese console renders (and its screenshots show) its words.
if ! have_cmd chromium || ! have_cmd chromedriver || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if have_cmd apt-get; then apt_install chromium chromium-driver fonts-noto-cjk
  else log "please install Chromium, chromedriver and a CJK font (the console's tests drive them)"; fi
fi

# Does the toolchain chosen by rust-toolchain.toml already build wasm? (rustup installs the
# listed target and component on first use when it can reach its servers.)
rustup_wasm_ok() {
  have_cmd rustup || return 1
  (cd "$here/.." && rustup target list --installed 2>/dev/null | grep -qx 'wasm32v1-none') || return 1
  (cd "$here/.." && rustup component list --installed 2>/dev/null | grep -q '^rust-src') || return 1
}

if [ -z "${CINECHAIN_FORCE_OFFLINE_TOOLCHAIN:-}" ] && rustup_wasm_ok; then
  log "rustup toolchain has the wasm target and rust-src: nothing more to install"
  rm -f "$cache/toolchain"
  exit 0
fi

if ! have_cmd apt-get; then
  log "rustup could not provide wasm32v1-none + rust-src and this is not a Debian machine."
  log "Run: rustup target add wasm32v1-none && rustup component add rust-src"
  exit 1
fi

log "offline route: Debian's Rust with its library source"
apt_install rustc-web cargo-web rust-web-src lld-22 mold clang

toolchain=cinechain-debian
bin="$cache/bin"
mkdir -p "$bin"
ln -sf /usr/lib/llvm-22/bin/lld "$bin/rust-lld"
# rustc finds rust-lld next to itself in the sysroot's bin dir for wasm targets.
if [ ! -e /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld ]; then
  as_root mkdir -p /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin
  as_root ln -sf /usr/lib/llvm-22/bin/lld /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld
fi
if ! rustup toolchain list | grep -q "^$toolchain"; then
  rustup toolchain link "$toolchain" /usr
fi

# A precompiled wasm `core`/`alloc` in the sysroot: substrate-wasm-builder checks the target is
# "installed" by compiling a no_std crate without build-std. Bitcode is embedded because the
# runtime's wasm build uses thin LTO.
version="$(/usr/bin/rustc --version)"
for target in wasm32v1-none wasm32-unknown-unknown; do
  libdir="/usr/lib/rustlib/$target/lib"
  stamp="$libdir/.cinechain-stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then continue; fi
  log "building the $target standard library from Debian's rust-src (once)"
  work="$(mktemp -d)"
  mkdir -p "$work/src"
  cat >"$work/Cargo.toml" <<'TOML'
[package]
name = "wasm-sysroot-seed"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"
[profile.release]
panic = "abort"
TOML
  cat >"$work/src/lib.rs" <<'RS'
#![no_std]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
RS
  (cd "$work" && PATH="$bin:$PATH" RUSTFLAGS="-C embed-bitcode=yes" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 \
    CARGO_TARGET_DIR="$work/target" /usr/bin/cargo build -q --release --target "$target" -Zbuild-std=core,alloc)
  as_root mkdir -p "$libdir"
  as_root rm -f "$libdir"/lib{core,alloc,compiler_builtins}-*.rlib
  as_root cp "$work/target/$target/release/deps/"lib{core,alloc,compiler_builtins}-*.rlib "$libdir/"
  echo "$version" | as_root tee "$stamp" >/dev/null
  rm -rf "$work"
  # Runtime wasm rlibs built against an older sysroot would fail with E0463.
  source "$here/env.sh"
  rm -rf "$CARGO_TARGET_DIR"/*/wbuild
done
echo "$toolchain" >"$cache/toolchain"
log "toolchain $toolchain ready ($version)"
