// The proof verifier in the page: cinechain-proof's own checks compiled to WebAssembly
// (proof/web, served as verifier.wasm). The record page checks each proof here instead of taking
// the server's word for it; what it trusts is a chain spec: one the regulator loads (kept in
// this browser as its trusted facts) or, until then, the one the server was started with.
//
// The module's interface is described in proof/web/src/lib.rs: buffers in its memory, answers as
// JSON. Each call gets a fresh instance, so the memory a chain spec's runtime needed is let go.
"use strict";

window.cinechainVerifier = (() => {
  let compiled = null;
  const module = () => (compiled = compiled || WebAssembly.compileStreaming(fetch("verifier.wasm")));

  // Calls `name` with byte strings (each becomes a buffer address and length) and optionally a
  // fresh 32-byte random seed; answers the parsed JSON answer.
  async function call(name, inputs, withSeed) {
    const exports = (await WebAssembly.instantiate(await module(), {})).exports;
    const args = [];
    for (const bytes of inputs) {
      const at = exports.buffer_new(bytes.length);
      new Uint8Array(exports.memory.buffer, at, bytes.length).set(bytes);
      args.push(at, bytes.length);
    }
    if (withSeed) {
      const at = exports.buffer_new(32);
      crypto.getRandomValues(new Uint8Array(exports.memory.buffer, at, 32));
      args.push(at);
    }
    const packed = BigInt.asUintN(64, BigInt(exports[name](...args)));
    const at = Number(packed >> 32n), length = Number(packed & 0xffffffffn);
    const text = new TextDecoder().decode(new Uint8Array(exports.memory.buffer, at, length));
    exports.buffer_free(at, length);
    return JSON.parse(text);
  }

  const encode = (text) => new TextEncoder().encode(text);

  return {
    // The trusted facts of a raw chain spec (bytes): its name, genesis and GRANDPA authorities.
    async trustedChain(specBytes) {
      const answer = await call("trusted_chain", [specBytes], false);
      if (answer.error) throw new Error(answer.error);
      return answer.ok;
    },
    // A proof bundle (its JSON text, as the API wrote it) checked against trusted facts: { ok },
    // { refused: { check, reason } } or { error }.
    verify(bundleText, facts) {
      return call("verify", [encode(bundleText), encode(JSON.stringify(facts))], true);
    },
  };
})();
