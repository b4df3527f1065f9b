#!/usr/bin/env python3
"""A client that writes SET <prefix><n> <n> one at a time until SIGTERM and records which writes were
acknowledged (+OK), for bench/migrate.sh. Standard library only.

  acked_writer.py write PORT PREFIX OUT [RATE]   write until SIGTERM, RATE writes/s at most (default 1000);
                                                 OUT gets one acknowledged n per line
  acked_writer.py check PORT PREFIX OUT      print how many of the acknowledged keys are missing on PORT
"""
import signal, socket, sys, time

def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s, s.makefile("rb")

def command(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out

def read_reply(f):
    line = f.readline()
    if not line:
        raise ConnectionError("closed")
    kind, rest = line[:1], line[1:-2]
    if kind in (b"+", b"-", b":"):
        return kind + rest
    if kind == b"$":
        n = int(rest)
        return None if n < 0 else f.read(n + 2)[:-2]
    if kind == b"*":
        return [read_reply(f) for _ in range(int(rest))]
    raise ValueError(line)

def write(port, prefix, out, rate):
    stop = []
    interval, next_at = 1.0 / rate, time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    acked, errors, n = [], 0, 0
    s, f = connect(port)
    while not stop:
        next_at += interval
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        try:
            s.sendall(command("SET", prefix + str(n), n))
            if read_reply(f) == b"+OK":
                acked.append(n)
            else:
                errors += 1
                time.sleep(0.001)
        except (OSError, ConnectionError):
            errors += 1
            time.sleep(0.01)
            try:
                s, f = connect(port)
            except OSError:
                pass
        n += 1
    with open(out, "w") as o:
        o.write("\n".join(map(str, acked)) + "\n")
    print(f"writer: {len(acked)} acknowledged, {errors} refused or failed", file=sys.stderr)

def check(port, prefix, out):
    acked = [int(l) for l in open(out) if l.strip()]
    s, f = connect(port)
    missing = 0
    for i in range(0, len(acked), 1000):
        chunk = acked[i:i + 1000]
        s.sendall(b"".join(command("EXISTS", prefix + str(n)) for n in chunk))
        missing += sum(1 for _ in chunk if read_reply(f) != b":1")
    print(f"{missing} {len(acked)}")

if __name__ == "__main__":
    mode, port, prefix, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    if mode == "write":
        write(port, prefix, out, float(sys.argv[5]) if len(sys.argv) > 5 else 1000.0)
    else:
        check(port, prefix, out)
