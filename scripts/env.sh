# Sourced by every cinechain script: picks the Rust toolchain and the shared build cache.
#
# - CARGO_TARGET_DIR: one target directory outside the checkout, so a fresh clone (CI clones
#   afresh on every run) reuses everything already compiled. Override it to build elsewhere.
# - RUSTUP_TOOLCHAIN: on machines without access to the Rust distribution servers, setup.sh links
#   Debian's rustc (which ships its library source) as the `cinechain-debian` toolchain; every
#   build then uses it for both the host and the wasm runtime. Elsewhere rust-toolchain.toml
#   decides.
# - CARGO_PROFILE: the one profile used for the node, the tests and the benchmarks, so that
#   dependencies compile once.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinechain/target}"
export CARGO_PROFILE="${CARGO_PROFILE:-release}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && [ -f "$HOME/.cache/cinechain/toolchain" ]; then
  RUSTUP_TOOLCHAIN="$(cat "$HOME/.cache/cinechain/toolchain")"
  export RUSTUP_TOOLCHAIN
fi
CINECHAIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The runtime's wasm build runs in the target dir and must find this workspace's Cargo.lock.
export WASM_BUILD_WORKSPACE_HINT="$CINECHAIN_ROOT"
# The node binary every script and test runs.
export CINECHAIN_NODE="${CINECHAIN_NODE:-$CARGO_TARGET_DIR/$CARGO_PROFILE/cinechain-node}"

# Builds everything the scripts run: the node and every test target, in one cargo invocation so
# that features unify the same way every time and nothing compiles twice.
# The information server (indexer/) is a workspace of its own (see the root Cargo.toml); it
# builds second, into the same target directory.
cinechain_build() {
  cargo build --locked --profile "$CARGO_PROFILE" --workspace --all-targets "$@" &&
    cargo build --locked --profile "$CARGO_PROFILE" --manifest-path "$CINECHAIN_ROOT/indexer/Cargo.toml" --all-targets
}
