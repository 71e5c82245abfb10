#!/usr/bin/env python3
"""NoBench-style documents and the HTTP client of bench/json/run.sh (standard library only).

Documents are generated as bench/json/Inference/NoBenchDocuments.swift does (str1, str2, num,
bool, thousandth, dyn1 95% integer / 5% string, dyn2 integer/string/bool in thirds, nested_obj
{str, num}, nested_arr of 0-7 strings, ten consecutive of sparse_000...sparse_999), from a seed,
so a run is repeatable; different seeds give different bytes (the same bytes from the same owner
would be a repeat of one asset, not a new document).

  nobench.py send URL KEY COLLECTION --seed S --count N [--batch 1000] [--clients C] [--pids afa=PID,pg=PID]
      Builds every request body in memory first, then times sending them with C connections
      (one thread and one keep-alive connection each). Prints one line of key=value figures:
      documents/s, request latencies, and the CPU seconds of this client and, with --pids, of
      `afa serve` and of the PostgreSQL server with all its processes.
  nobench.py query URL KEY COLLECTION --path num --width W [--requests 20] [--limit 50]
      Times GET /collections/{name}/records?filter[num]=gt:LO&filter[num]=lt:LO+W, each request
      with a different window of the same width; prints the median and the spread.
"""

import argparse
import http.client
import json
import os
import queue
import random
import statistics
import sys
import threading
import time
import urllib.parse

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


TABLE = bytes(ord(ALPHABET[i % len(ALPHABET)]) for i in range(256))


def documents(seed, count):
    """`count` documents as JSON text (bytes), written directly: json.dumps of dicts is four
    times slower, and a million documents are needed."""
    rng = random.Random(seed)
    below = rng.randrange
    chars = rng.randbytes(count * 200).translate(TABLE).decode()  # more than a document uses
    at = 0
    for _ in range(count):
        t = chars[at:at + 200]
        at += 200
        dyn1 = below(100_000) if below(100) < 95 else f'"{t[28:36]}"'
        kind = below(3)
        dyn2 = below(100_000) if kind == 0 else f'"{t[36:44]}"' if kind == 1 else ("true" if below(2) == 0 else "false")
        first = below(100) * 10
        sparse = "".join(f',"sparse_{k:03d}":"{t[54 + 10 * (k - first):64 + 10 * (k - first)]}"'
                         for k in range(first, first + 10))
        arr = ",".join(f'"{t[154 + 6 * i:160 + 6 * i]}"' for i in range(below(8)))
        yield (f'{{"str1":"{t[0:12]}","str2":"{t[12:28]}","num":{below(1_000_000_000)},'
               f'"bool":{"true" if below(2) == 0 else "false"},"thousandth":{below(1000)},"dyn1":{dyn1},'
               f'"dyn2":{dyn2},"nested_obj":{{"str":"{t[44:54]}","num":{below(10_000)}}},'
               f'"nested_arr":[{arr}]{sparse}}}')


def bodies(seed, count, batch):
    """The request bodies: JSON arrays of `batch` documents, as bytes."""
    out, current = [], []
    for doc in documents(seed, count):
        current.append(doc)
        if len(current) == batch:
            out.append((len(current), ("[" + ",".join(current) + "]").encode()))
            current = []
    if current:
        out.append((len(current), ("[" + ",".join(current) + "]").encode()))
    return out


def connection(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)


TICKS = os.sysconf("SC_CLK_TCK")


def process_ticks(pid):
    """utime + stime of a process (all its threads), in clock ticks; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def children(parent):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == parent:
                        pids.append(int(entry))
            except (FileNotFoundError, ProcessLookupError):
                pass
    return pids


def group_ticks(pids):
    """{group: {pid: ticks}}: `afa` is one process; `pg` is the postmaster and its children."""
    snapshot = {}
    for name, pid in pids.items():
        members = [pid] + (children(pid) if name == "pg" else [])
        snapshot[name] = {p: t for p in members if (t := process_ticks(p)) is not None}
    return snapshot


def machine_ticks():
    """Busy clock ticks of the whole machine (every CPU), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return sum(fields) - fields[3] - fields[4]  # minus idle and iowait


def cpu_seconds(before, after):
    """CPU seconds per group between two snapshots (a process started in between counts from 0;
    one that ended in between is lost, which the pooled connections of afa make rare)."""
    return {name: sum(t - before.get(name, {}).get(p, 0) for p, t in after[name].items()) / TICKS
            for name in after}


def send(args):
    work = bodies(args.seed, args.count, args.batch)
    megabytes = sum(len(b) for _, b in work) / 1e6
    path = "/api/v1/ingest?" + urllib.parse.urlencode({"collection": args.collection})
    headers = {"Authorization": f"Bearer {args.key}", "Content-Type": "application/json"}
    pending = queue.Queue()
    for item in work:
        pending.put(item)
    latencies, accepted, failures, lock = [], [0], [], threading.Lock()

    def client():
        conn = connection(args.url)
        while True:
            try:
                count, body = pending.get_nowait()
            except queue.Empty:
                break
            started = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status == 202 and len(json.loads(payload)["system_ids"]) == count:
                    accepted[0] += count
                else:
                    failures.append(f"{response.status} {payload[:300]!r}")
        conn.close()

    pids = dict(p.split("=") for p in args.pids.split(",")) if args.pids else {}
    pids = {k: int(v) for k, v in pids.items()}
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    before, machine_before = group_ticks(pids), machine_ticks()
    cpu_started, started = time.process_time(), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started
    server_cpu = cpu_seconds(before, group_ticks(pids))
    machine_cpu = (machine_ticks() - machine_before) / TICKS
    latencies.sort()
    figures = {
        "clients": args.clients, "documents": accepted[0], "requests": len(latencies),
        "failed_requests": len(failures), "megabytes": round(megabytes, 1), "seconds": round(wall, 2),
        "docs_per_second": round(accepted[0] / wall),
        "request_ms_p50": round(1000 * latencies[len(latencies) // 2], 1),
        "request_ms_p99": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "client_cpu_s": round(client_cpu, 2),
    }
    for name, seconds in server_cpu.items():
        figures[f"{name}_cpu_s"] = round(seconds, 1)
    figures["cores_busy"] = round((client_cpu + sum(server_cpu.values())) / wall, 2)
    # CPU that anything else on the machine took meanwhile (other processes, the kernel's own threads).
    figures["other_cpu_s"] = round(max(0.0, machine_cpu - client_cpu - sum(server_cpu.values())), 1)
    print(" ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    for failure in failures[:5]:
        print(f"  failed: {failure}", file=sys.stderr)
    return 1 if failures else 0


def query(args):
    conn = connection(args.url)
    headers = {"Authorization": f"Bearer {args.key}"}
    span = 1_000_000_000 - args.width
    times, counts = [], []
    for i in range(args.requests + 2):  # the first two warm the connection and are not counted
        low = (i * 104_729_563) % span  # a different window each time, spread over the range
        params = [(f"filter[{args.path}]", f"gt:{low}"), (f"filter[{args.path}]", f"lt:{low + args.width}"),
                  ("limit", str(args.limit))]
        started = time.perf_counter()
        conn.request("GET", f"/api/v1/collections/{args.collection}/records?" + urllib.parse.urlencode(params),
                     headers=headers)
        response = conn.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            print(f"query failed: {response.status} {payload[:300]!r}", file=sys.stderr)
            return 1
        records = json.loads(payload)["records"]
        if any(not low < r["document"][args.path] < low + args.width for r in records):
            print("query returned a record outside its window", file=sys.stderr)
            return 1
        if i >= 2:
            times.append(elapsed * 1000)
            counts.append(len(records))
    times.sort()
    print(f"median_ms={statistics.median(times):.2f} min_ms={times[0]:.2f} p90_ms={times[int(len(times) * 0.9)]:.2f} "
          f"max_ms={times[-1]:.2f} requests={len(times)} records_per_response={statistics.median(counts):.0f}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("send")
    q = commands.add_parser("query")
    for p in (s, q):
        p.add_argument("url")
        p.add_argument("key")
        p.add_argument("collection")
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--batch", type=int, default=1000)
    s.add_argument("--clients", type=int, default=1)
    s.add_argument("--pids", default="", help="afa=PID,pg=POSTMASTER_PID: report their CPU seconds")
    q.add_argument("--path", default="num")
    q.add_argument("--width", type=int, default=1_000_000)
    q.add_argument("--requests", type=int, default=20)
    q.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    return send(args) if args.command == "send" else query(args)


if __name__ == "__main__":
    sys.exit(main())
