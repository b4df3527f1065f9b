#!/usr/bin/env python3
"""One partition run: three boxes on loopback addresses, each a redis-server and a sentinel bound there
(outgoing traffic too, with bind-source-addr), the master's box cut off with nftables, then healed.

usage: partition_run.py --sentinel-binary PATH --scenario example2|tencut --dir DIR
                        [--down-after 2000] [--cut-seconds 15] [--cuts 10] [--label L]
Prints one JSON line of figures. Needs root (nftables). Every process it starts is stopped and its
nftables table deleted on exit, also on failure.

example2: the master's box (127.0.0.2) is cut for --cut-seconds while a writer on that box writes to the
master every 5 ms; figures are taken from the writer's acknowledgements and a 50 ms ROLE poll of every node.
tencut: --cuts cuts of 3 s, each of the box the sentinels name as master at that moment, 5 s apart; a
writer (not cut off: it stands for a client beside whichever master is cut) follows the master through the
sentinels when its master refuses writes.
"""
import argparse, json, os, signal, socket, subprocess, sys, threading, time

BOXES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
TABLE = f"vigil_bench_{os.getpid()}"
procs = []


def nft(script):
    subprocess.run(["nft", "-f", "-"], input=script.encode(), check=True)


def cut(box):
    others = ", ".join(b for b in BOXES if b != box)
    nft(f"""table inet {TABLE} {{
  chain input {{ type filter hook input priority -10; policy accept;
    ip saddr {box} ip daddr {{ {others} }} drop
    ip saddr {{ {others} }} ip daddr {box} drop
  }}
}}""")


def heal():
    subprocess.run(["nft", "delete", "table", "inet", TABLE], stderr=subprocess.DEVNULL)


def cleanup():
    heal()
    for p in procs:
        if p.poll() is None:
            p.kill()
    for p in procs:
        try:
            p.wait(5)
        except Exception:
            pass


def encode(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out


class Conn:
    """A blocking RESP connection (enough of RESP2 for these replies)."""

    def __init__(self, host, port, source=None, timeout=2.0):
        self.s = socket.socket()
        self.s.settimeout(timeout)
        if source:
            self.s.bind((source, 0))
        self.s.connect((host, port))
        self.f = self.s.makefile("rb")

    def settimeout(self, t):
        self.s.settimeout(t)

    def call(self, *args):
        self.s.sendall(encode(*args))
        return self.read()

    def send(self, *args):
        self.s.sendall(encode(*args))

    def read(self):
        line = self.f.readline()
        if not line:
            raise ConnectionError("closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return Exception(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.f.read(n + 2)[:-2]
            return data.decode(errors="replace")
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ValueError(line)

    def close(self):
        try:
            self.s.close()
        except Exception:
            pass


def call_once(host, port, *args, timeout=0.5):
    c = Conn(host, port, timeout=timeout)
    try:
        return c.call(*args)
    finally:
        c.close()


def free_port():
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        ok = True
        for b in BOXES:
            t = socket.socket()
            try:
                t.bind((b, port))
            except OSError:
                ok = False
            t.close()
        if ok and port not in (6379, 26379):
            return port


def wait_until(cond, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if cond():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise TimeoutError(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentinel-binary", required=True)
    ap.add_argument("--scenario", choices=["example2", "tencut"], required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--down-after", type=int, default=2000)
    ap.add_argument("--cut-seconds", type=float, default=15)
    ap.add_argument("--cuts", type=int, default=10)
    ap.add_argument("--label", default="")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("partition_run.py needs root (nftables rules)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        print(json.dumps(run(a)))
    finally:
        cleanup()


def start(args, log):
    p = subprocess.Popen(args, stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=os.path.dirname(log))
    procs.append(p)
    return p


def run(a):
    rport, sport = free_port(), free_port()
    master_box = BOXES[0]
    for i, box in enumerate(BOXES):
        d = os.path.join(a.dir, f"box{i}")
        os.makedirs(d, exist_ok=True)
        extra = [] if box == master_box else ["--replicaof", master_box, str(rport)]
        start(["redis-server", "--port", str(rport), "--bind", box, "--bind-source-addr", box, "--save", "",
               "--appendonly", "no", "--protected-mode", "no", "--dir", d, "--daemonize", "no", *extra], os.path.join(d, "redis.log"))
    for box in BOXES:
        wait_until(lambda: call_once(box, rport, "PING") == "PONG", 10, f"redis on {box}")
    for i, box in enumerate(BOXES):
        d = os.path.join(a.dir, f"box{i}")
        conf = os.path.join(d, "sentinel.conf")
        with open(conf, "w") as f:
            f.write(f"port {sport}\nbind {box}\nbind-source-addr {box}\nprotected-mode no\ndir {d}\n"
                    f"sentinel monitor m {master_box} {rport} 2\n"
                    f"sentinel down-after-milliseconds m {a.down_after}\n"
                    f"sentinel failover-timeout m 10000\n")
        start([a.sentinel_binary, conf], os.path.join(d, "sentinel.log"))

    def settled():
        for box in BOXES:
            info = call_once(box, sport, "SENTINEL", "MASTER", "m")
            fields = dict(zip(info[::2], info[1::2]))
            if fields.get("num-other-sentinels") != "2" or fields.get("num-slaves") != "2":
                return False
        for box in BOXES[1:]:
            if "master_link_status:up" not in call_once(box, rport, "INFO", "replication"):
                return False
        return True
    wait_until(settled, 30, "group settled (3 sentinels, 2 replicas each)")

    events = []  # (time, box, channel, payload)
    stop = threading.Event()

    def listen(box):
        c = Conn(box, sport)
        c.settimeout(None)  # a timed-out read would break the buffered reader; the thread is a daemon
        c.send("PSUBSCRIBE", "*")
        while not stop.is_set():
            try:
                m = c.read()
            except Exception:
                return
            if isinstance(m, list) and m and m[0] == "pmessage":
                events.append((time.monotonic(), box, m[2], m[3]))
    for box in BOXES:
        threading.Thread(target=listen, args=(box,), daemon=True).start()

    roles = {}  # box -> list of (time, role)

    def poll_roles():
        while not stop.is_set():
            for box in BOXES:
                try:
                    r = call_once(box, rport, "ROLE", timeout=0.2)
                    role = r[0] if isinstance(r, list) else "?"
                except Exception:
                    role = "?"
                hist = roles.setdefault(box, [])
                if not hist or hist[-1][1] != role:
                    hist.append((time.monotonic(), role))
            time.sleep(0.05)
    threading.Thread(target=poll_roles, daemon=True).start()
    time.sleep(1)
    return example2(a, rport, sport, events, roles, stop) if a.scenario == "example2" else tencut(a, rport, sport, events, roles, stop)


def sentinel_master(sport):
    for box in BOXES:
        try:
            r = call_once(box, sport, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m")
            if isinstance(r, list):
                return r[0]
        except Exception:
            pass
    return None


class Writer:
    """Writes SET w:<n> n every 5 ms; records the time of every acknowledged write and which box took it."""

    def __init__(self, host, port, sport=None, source=None, follow=False):
        self.host, self.port, self.sport, self.source, self.follow = host, port, sport, source, follow
        self.acked = []  # (n, time, box)
        self.stop = threading.Event()
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        n, conn, start = 0, None, time.monotonic()
        while not self.stop.is_set():
            try:
                if conn is None:
                    if self.follow:
                        self.host = sentinel_master(self.sport) or self.host
                    conn = Conn(self.host, self.port, source=self.source, timeout=60)
                n += 1
                r = conn.call("SET", f"w:{n}", n)
                if r == "OK":
                    self.acked.append((n, time.monotonic(), self.host))
                elif self.follow:
                    conn.close(); conn = None
            except Exception:
                if conn:
                    conn.close()
                conn = None
                time.sleep(0.1)
                continue
            delay = start + n * 0.005 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                start = time.monotonic() - n * 0.005

    def finish(self):
        self.stop.set()
        self.t.join(5)


def converged(sport, rport):
    m = sentinel_master(sport)
    if m is None:
        return False
    for box in BOXES:
        if call_once(box, sport, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "m")[0] != m:
            return False
        info = call_once(box, rport, "INFO", "replication")
        if box == m:
            if "role:master" not in info:
                return False
        elif f"master_host:{m}" not in info or "master_link_status:up" not in info:
            return False
    return True


def lost_writes(acked, master, rport):
    c = Conn(master, rport, timeout=10)
    missing = []
    for i in range(0, len(acked), 500):
        chunk = acked[i:i + 500]
        vals = c.call("MGET", *[f"w:{n}" for n, _, _ in chunk])
        missing += [w for w, v in zip(chunk, vals) if v is None]
    c.close()
    return missing


def first(times):
    return min(times) if times else None


def example2(a, rport, sport, events, roles, stop):
    old = BOXES[0]
    writer = Writer(old, rport, source=old)
    time.sleep(2)
    t_cut = time.monotonic()
    cut(old)
    time.sleep(a.cut_seconds)
    t_heal = time.monotonic()
    heal()
    wait_until(lambda: converged(sport, rport), 40, "converged after the heal")
    time.sleep(1)
    writer.finish()
    stop.set()
    new = sentinel_master(sport)
    promoted = first([t for box in BOXES[1:] for t, r in roles.get(box, []) if r == "master" and t > t_cut])
    demoted = first([t for t, r in roles.get(old, []) if r == "slave" and t > t_heal])
    fence = first([t for t, box, ch, _ in events if ch == "+fence" and t > t_cut])
    switch_majority = first([t for t, box, ch, _ in events if ch == "+switch-master" and box != old and t > t_cut])
    old_acks = [w for w in writer.acked if w[2] == old and w[1] > t_cut]
    lost = lost_writes(writer.acked, new, rport)
    last_old_ack_as_master = max([t for _, t, _ in old_acks if demoted is None or t < demoted], default=None)
    ms = lambda x: None if x is None else round(x * 1000)
    return {
        "label": a.label, "scenario": "example2", "sentinel": os.path.basename(a.sentinel_binary),
        "ackedTotal": len(writer.acked),
        "ackedLost": len(lost),
        "lostAfterPromotion": len([w for w in lost if promoted is not None and w[1] > promoted]),
        "lostAfterFence": len([w for w in lost if fence is not None and w[1] > fence]),
        "ackedByOldAfterPromotion": len([w for w in old_acks if promoted is not None and w[1] > promoted]),
        "twoMastersMs": ms(max(0.0, last_old_ack_as_master - promoted)) if promoted and last_old_ack_as_master else 0,
        "fenceAfterCutMs": ms(fence - t_cut) if fence else None,
        "promotedAfterCutMs": ms(promoted - t_cut) if promoted else None,
        "majorityUnavailableMs": ms(switch_majority - t_cut) if switch_majority else ms(t_heal - t_cut),
        "demotedAfterHealMs": ms(demoted - t_heal) if demoted else None,
        "fences": len([1 for _, _, ch, _ in events if ch == "+fence"]),
    }


def tencut(a, rport, sport, events, roles, stop):
    writer = Writer(sentinel_master(sport), rport, sport=sport, follow=True)
    time.sleep(2)
    t_start = time.monotonic()
    for _ in range(a.cuts):
        box = sentinel_master(sport) or BOXES[0]
        cut(box)
        time.sleep(3)
        heal()
        time.sleep(5)
    wait_until(lambda: converged(sport, rport), 40, "converged after the last heal")
    time.sleep(1)
    writer.finish()
    stop.set()
    switches = {}
    for t, box, ch, payload in events:
        if ch == "+switch-master" and t > t_start:
            switches[box] = switches.get(box, 0) + 1
    lost = lost_writes(writer.acked, sentinel_master(sport), rport)
    return {
        "label": a.label, "scenario": "tencut", "sentinel": os.path.basename(a.sentinel_binary),
        "failovers": max(switches.values(), default=0),
        "ackedTotal": len(writer.acked), "ackedLost": len(lost),
        "damped": len([1 for _, _, ch, _ in events if ch == "+failover-damped"]),
        "fences": len([1 for _, _, ch, _ in events if ch == "+fence"]),
    }


if __name__ == "__main__":
    main()
