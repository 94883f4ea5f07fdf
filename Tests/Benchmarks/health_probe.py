"""Health probes of a server on 127.0.0.1: optionally opens IDLE connections that send nothing and keeps them
open, then sends PROBES `GET /healthz` requests, one every INTERVAL seconds, each on a new connection, and
prints how long each took from connect to the whole answer. Bounded: a probe gives up after TIMEOUT seconds.

    python3 health_probe.py PORT [--idle N] [--probes N] [--interval S] [--timeout S] [--label TEXT]
"""
import argparse
import resource
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--idle", type=int, default=0)
parser.add_argument("--probes", type=int, default=50)
parser.add_argument("--interval", type=float, default=0.1)
parser.add_argument("--timeout", type=float, default=10.0)
parser.add_argument("--label", default="health")
args = parser.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

idle = []
refused = 0
for _ in range(args.idle):
    s = socket.socket()
    s.settimeout(args.timeout)
    try:
        s.connect(("127.0.0.1", args.port))
        idle.append(s)
    except OSError:
        refused += 1
        s.close()
if args.idle:
    time.sleep(1.0)  # let the server accept them all


def probe():
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return time.monotonic() - start, ok


times, failures = [], 0
for _ in range(args.probes):
    elapsed, ok = probe()
    if ok:
        times.append(elapsed * 1000)
    else:
        failures += 1
    time.sleep(args.interval)

still_open = 0
for s in idle:
    s.setblocking(False)
    try:
        still_open += 0 if s.recv(1) == b"" else 1
    except BlockingIOError:
        still_open += 1
    except OSError:
        pass
    s.close()

times.sort()
def pct(p):
    return times[min(len(times) - 1, int(len(times) * p / 100))] if times else float("nan")
print(f"RESULT {args.label}: probes={args.probes} answered={len(times)} failed={failures} "
      f"p50_ms={pct(50):.1f} p99_ms={pct(99):.1f} max_ms={(times[-1] if times else float('nan')):.1f} "
      f"idle_opened={len(idle)} idle_refused={refused} idle_still_open={still_open}")
