#!/usr/bin/env python3
"""Measures the projector agent against a local chain of at least 1,000 blocks.

    scripts/bench-projector.py [--records 50] [--sync-runs 5]

Prints: stripped binary sizes (x86_64, and aarch64 if scripts/build-projector-aarch64.sh built
it), seconds from start to synced finalized head, peak and steady RSS while synced, and seconds
from a screening event entering the spool to its finalized receipt in the outbox (median, p95).

The chain is a single-validator development chain kept in ~/.cache/cinechain/bench-chain so
that its length survives between runs; the first run grows it to 1,000 blocks (3 s blocks:
about 50 minutes). The agent signs as the demo device //One, active from genesis.
Uses the binaries of the shared build (run scripts/test.sh or the README's build first).
"""
import argparse, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/cinechain/target"))
PROFILE = os.environ.get("CARGO_PROFILE", "release")
NODE = Path(os.environ.get("CINECHAIN_NODE", TARGET / PROFILE / "cinechain-node"))
AGENT = TARGET / PROFILE / "cinechain-projector"
AGENT_ARM = TARGET / "aarch64-unknown-linux-gnu/projector/cinechain-projector"
CHAIN_DIR = Path.home() / ".cache/cinechain/bench-chain"
NODE_KEY = "0" * 63 + "1"
MIN_BLOCKS = 1000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rpc(port, method, params=None):
    body = json.dumps({"id": 1, "jsonrpc": "2.0", "method": method, "params": params or []}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)["result"]


def finalized_number(port):
    head = rpc(port, "chain_getFinalizedHead")
    return int(rpc(port, "chain_getHeader", [head])["number"], 16)


def stripped_size(path):
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "bin"
        shutil.copy(path, out)
        subprocess.run(["strip", str(out)], check=False, stderr=subprocess.DEVNULL)
        return out.stat().st_size


def rss_kib(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


class Agent:
    """`cinechain-projector run` on a fresh data directory, its log lines timestamped."""

    def __init__(self, work, spec, name):
        self.data = work / name
        self.spool = work / f"{name}-spool"
        subprocess.run([AGENT, "--data-dir", self.data, "init", "--cinema", "11010501", "--dev-key", "//One"],
                       check=True, capture_output=True)
        self.started = time.monotonic()
        self.proc = subprocess.Popen([AGENT, "--data-dir", self.data, "--chain-spec", spec, "run", "--spool", self.spool],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        os.set_blocking(self.proc.stderr.fileno(), False)
        self.lines = []

    def poll_lines(self):
        while True:
            line = self.proc.stderr.readline()
            if not line:
                return
            self.lines.append((time.monotonic(), line.strip()))

    def wait_for(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll_lines()
            for at, line in self.lines:
                if text in line:
                    return at, line
            time.sleep(0.02)
        raise SystemExit(f"agent did not log {text!r} within {timeout} s:\n" + "\n".join(l for _, l in self.lines[-20:]))

    def pending(self):
        out = subprocess.run([AGENT, "--data-dir", self.data, "status", "--offline", "--json"],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)["outbox"]["pending"]

    def stop(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=50)
    ap.add_argument("--sync-runs", type=int, default=5)
    args = ap.parse_args()
    for binary in (NODE, AGENT):
        if not binary.exists():
            raise SystemExit(f"{binary} is missing: build first (scripts/test.sh)")

    CHAIN_DIR.mkdir(parents=True, exist_ok=True)
    spec_base = CHAIN_DIR / "spec.json"
    if not spec_base.exists():
        spec_base.write_bytes(subprocess.run([NODE, "build-spec", "--chain", "dev", "--raw"], check=True,
                                             capture_output=True).stdout)
    p2p, rpc_port = free_port(), free_port()
    with open(CHAIN_DIR / "node.log", "ab") as log:
        node = subprocess.Popen([NODE, "--chain", spec_base, "--alice", "--validator", "--base-path", CHAIN_DIR / "db",
                                 "--node-key", NODE_KEY, "--listen-addr", f"/ip4/127.0.0.1/tcp/{p2p}",
                                 "--rpc-port", str(rpc_port), "--no-mdns", "--no-telemetry", "--no-prometheus"],
                                stdout=log, stderr=log)
    work = Path(tempfile.mkdtemp())
    try:
        for _ in range(120):
            try:
                finalized_number(rpc_port)
                break
            except Exception:
                time.sleep(0.5)
        while (n := finalized_number(rpc_port)) < MIN_BLOCKS:
            print(f"[bench] the bench chain is at block {n}; growing it to {MIN_BLOCKS} "
                  f"(~{(MIN_BLOCKS - n) * 3 // 60 + 1} min)", flush=True)
            time.sleep(60)
        with tempfile.TemporaryDirectory() as d:
            key = Path(d) / "k"
            key.write_text(NODE_KEY)
            peer = subprocess.run([NODE, "key", "inspect-node-key", "--file", key], check=True, capture_output=True,
                                  text=True).stdout.strip()
        spec = json.loads(spec_base.read_text())
        spec["bootNodes"] = [f"/ip4/127.0.0.1/tcp/{p2p}/p2p/{peer}"]
        spec_path = work / "spec.json"
        spec_path.write_text(json.dumps(spec))

        print(f"chain: {finalized_number(rpc_port)} finalized blocks")
        print(f"stripped binary x86_64: {stripped_size(AGENT) / 1e6:.1f} MB ({AGENT})")
        if AGENT_ARM.exists():
            print(f"stripped binary aarch64: {AGENT_ARM.stat().st_size / 1e6:.1f} MB ({AGENT_ARM})")
        else:
            print("stripped binary aarch64: not built (scripts/build-projector-aarch64.sh)")

        sync_times, lags = [], []
        for i in range(args.sync_runs):
            agent = Agent(work, spec_path, f"sync{i}")
            at, line = agent.wait_for("synced: finalized block #", 120)
            synced_block = int(line.split("finalized block #")[1].split(",")[0])
            lags.append(finalized_number(rpc_port) - synced_block)
            sync_times.append(at - agent.started)
            if i < args.sync_runs - 1:
                agent.stop()
        print(f"start to synced finalized head: median {statistics.median(sync_times):.2f} s, "
              f"max {max(sync_times):.2f} s over {len(sync_times)} runs "
              f"(behind the node's finalized head by at most {max(lags)} blocks)")

        # The last agent stays: memory while synced and following, then records.
        samples = []
        until = time.monotonic() + 60
        while time.monotonic() < until:
            agent.poll_lines()
            samples.append(rss_kib(agent.proc.pid))
            time.sleep(0.5)
        steady = statistics.median(r for r, _ in samples[len(samples) // 2:])
        peak = max(h for _, h in samples)
        print(f"RSS while synced: steady {steady / 1024:.1f} MiB (median of the last 30 s), peak {peak / 1024:.1f} MiB")

        latencies = []
        agent.spool.mkdir(exist_ok=True)
        for n in range(args.records):
            now = int(time.time() * 1000)
            event = {"film": {"title": f"bench {n}", "film_code": "BENCH-1"}, "projectionist": "P-1", "hall": 1,
                     "started_at": now - 7_200_000, "ended_at": now - 60_000, "outcome": "completed"}
            tmp = agent.spool / f".{n:04}.json"
            tmp.write_text(json.dumps(event))
            t0 = time.monotonic()
            tmp.rename(agent.spool / f"{n:04}.json")
            while True:
                agent.poll_lines()
                if not any(agent.spool.glob("*.json")) and agent.pending() == 0:
                    break
                if time.monotonic() - t0 > 120:
                    raise SystemExit("a record took over 120 s:\n" + "\n".join(l for _, l in agent.lines[-20:]))
                time.sleep(0.05)
            latencies.append(time.monotonic() - t0)
        _, hwm = rss_kib(agent.proc.pid)
        agent.stop()
        print(f"spool event to finalized receipt: median {statistics.median(latencies):.2f} s, "
              f"p95 {percentile(latencies, 95):.2f} s over {len(latencies)} records "
              f"(3 s blocks; peak RSS including recording {hwm / 1024:.1f} MiB)")
    finally:
        node.send_signal(signal.SIGTERM)
        try:
            node.wait(20)
        except subprocess.TimeoutExpired:
            node.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
