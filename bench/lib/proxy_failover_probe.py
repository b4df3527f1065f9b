"""One failover round for bench/proxy-failover.sh: plain clients (no Sentinel support, raw RESP over a socket)
write continuously through each given proxy while a fault hits the master; then every acknowledged write is
looked for on the final master.

usage: proxy_failover_probe.py FAULT(sleep|kill) MASTER_PID MASTER_PORT SENTINEL_PORT NAME=PORT [NAME=PORT ...]
prints one JSON line per path: longest gap between acknowledgements around the fault (ms), acknowledged and
lost writes (acknowledged but not on the final master: taken by a replaced master, or lost in the failover).
"""
import json, os, signal, socket, sys, threading, time

fault, master_pid, master_port, sentinel_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
paths = [(a.split("=")[0], int(a.split("=")[1])) for a in sys.argv[5:]]


def command(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


class Conn:
    def __init__(self, port, timeout):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        line = self.line()
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b"-", b":"):
            return line.decode()
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.exact(n).decode()
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise ConnectionError("protocol error")

    def call(self, *args):
        self.s.sendall(command(*args))
        return self.reply()

    def close(self):
        self.s.close()


def ask(port, *args, timeout=1.0):
    c = Conn(port, timeout)
    try:
        return c.call(*args)
    finally:
        c.close()


clock = time.monotonic
stop = threading.Event()


def writer(name, port, acked):
    conn, i = None, 0
    while not stop.is_set():
        i += 1
        try:
            if conn is None:
                conn = Conn(port, 5.0)
            if conn.call("SET", f"{name}:{i}", i) == "+OK":
                acked.append((i, clock()))
        except (OSError, ConnectionError, ValueError):
            if conn is not None:
                conn.close()
            conn = None
        time.sleep(0.002)


def master_named():
    for _ in range(3):
        try:
            return int(ask(sentinel_port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")[1])
        except (OSError, ConnectionError):
            time.sleep(0.1)
    return None


acked = {name: [] for name, _ in paths}
threads = [threading.Thread(target=writer, args=(name, port, acked[name]), daemon=True) for name, port in paths]
for t in threads:
    t.start()
time.sleep(3)
fault_at = clock()
if fault == "sleep":
    sleeper = Conn(master_port, 30)
    sleeper.s.sendall(command("DEBUG", "SLEEP", 5))
else:
    os.kill(master_pid, signal.SIGKILL)
deadline = clock() + 30
new_master = None
while clock() < deadline:
    named = master_named()
    if named is not None and named != master_port:
        new_master = named
        break
    time.sleep(0.05)
switch_at = clock()
# Keep writing through the old master's return (sleep: it wakes at 5 s and is demoted by the sentinels).
time.sleep(max(0.0, fault_at + 9 - clock()))
stop.set()
for t in threads:
    t.join()
for name, _ in paths:
    ids = [i for i, _ in acked[name]]
    lost = 0
    c = Conn(new_master, 5.0) if new_master else None
    for k in range(0, len(ids), 500):
        batch = ids[k:k + 500]
        values = c.call("MGET", *[f"{name}:{i}" for i in batch]) if c else [None] * len(batch)
        lost += sum(1 for i, v in zip(batch, values) if v != str(i))
    if c:
        c.close()
    times = [t for _, t in acked[name]]
    gaps = [b - a for a, b in zip(times, times[1:]) if b >= fault_at and a <= switch_at + 5]
    print(json.dumps({"path": name, "fault": fault, "gapMs": round(max(gaps, default=0) * 1000),
                      "faultToSwitchMs": round((switch_at - fault_at) * 1000), "acked": len(ids), "lost": lost,
                      "converged": new_master is not None}))
