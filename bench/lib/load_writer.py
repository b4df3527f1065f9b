#!/usr/bin/env python3
"""Background write load for bench/migrate.sh: SET <prefix><n % keys> <100 bytes> at RATE writes/s, pipelined in
batches every 10 ms, until SIGTERM; errors (the fenced source's NOREPLICAS) are counted, not retried. Prints the
rate achieved. Standard library only.

  load_writer.py PORT PREFIX RATE [KEYS]   (KEYS default 100000: the load overwrites a bounded key space)
"""
import signal, socket, sys, time

def main(port, prefix, rate, keys):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = s.makefile("rb")
    value = b"v" * 100
    tick, batch = 0.01, max(1, int(rate * 0.01))
    sent = errors = n = 0
    start = next_at = time.monotonic()
    while not stop:
        out = []
        for _ in range(batch):
            key = (prefix + str(n % keys)).encode()
            out.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
            n += 1
        try:
            s.sendall(b"".join(out))
            for _ in range(batch):
                line = f.readline()
                if not line:
                    raise ConnectionError("closed")
                if not line.startswith(b"+"):
                    errors += 1
        except (OSError, ConnectionError):
            break
        sent += batch
        next_at += tick
        pause = next_at - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        elif pause < -1:
            next_at = time.monotonic()  # far behind: do not try to catch up in a burst
    elapsed = time.monotonic() - start
    print(f"load: {sent} writes in {elapsed:.1f} s = {sent / max(elapsed, 1e-9):.0f} writes/s ({errors} refused)", file=sys.stderr)

if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 100000)
