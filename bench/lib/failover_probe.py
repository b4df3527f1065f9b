"""Freezes one master and times its failover as the sentinels report it.

usage: failover_probe.py fleet:<control-port>:<victim-port>|sleep:<redis-port>:<seconds> <master-name> <timeout-s> <sentinel-port>...
Subscribes to +odown and +switch-master on every sentinel, then freezes the master: `fleet:` sends FREEZE for
<victim-port> to the fake fleet's control port, `sleep:` sends DEBUG SLEEP <seconds> to a redis-server on its
own connection without waiting for the reply (which comes only when the sleep ends). Prints one line:
"odown_ms=<first +odown> switch_first_ms=<first +switch-master> switch_last_ms=<last>" (milliseconds after the
freeze; -1 when a sentinel did not report within the timeout). Exits 2 if the freeze is refused.
"""
import select, socket, sys, time

fault, name, timeout = sys.argv[1].split(":"), sys.argv[2], float(sys.argv[3])
ports = [int(p) for p in sys.argv[4:]]
if len(fault) != 3 or fault[0] not in ("fleet", "sleep"):
    sys.exit(__doc__.strip().splitlines()[2])

def command(*args):
    out = f"*{len(args)}\r\n".encode()
    for a in args:
        b = str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(b), b)
    return out

links = []
for port in ports:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(command("SUBSCRIBE", "+odown", "+switch-master"))
    links.append(s)
time.sleep(0.3)  # the subscriptions are in place before the fault
if fault[0] == "fleet":
    with socket.create_connection(("127.0.0.1", int(fault[1]))) as c:
        c.sendall(command("FREEZE", int(fault[2])))
        start = time.monotonic()
        if not c.recv(64).startswith(b"+OK"):
            print("the fleet refused FREEZE", file=sys.stderr); sys.exit(2)
else:
    # Watched with the sentinels: the reply comes only when the sleep ends, an error (DEBUG not enabled) at once.
    sleeper = socket.create_connection(("127.0.0.1", int(fault[1])))
    sleeper.sendall(command("DEBUG", "SLEEP", fault[2]))
    start = time.monotonic()

odown, switched, buffers = [], {}, {s: b"" for s in links}
while len(switched) < len(links) and time.monotonic() - start < timeout:
    ready, _, _ = select.select(links + ([sleeper] if fault[0] == "sleep" else []), [], [], 0.2)
    for s in ready:
        if fault[0] == "sleep" and s is sleeper:
            reply = s.recv(256)
            if reply.startswith(b"-"):
                print("DEBUG SLEEP refused: %r" % reply, file=sys.stderr); sys.exit(2)
            print("the master woke from DEBUG SLEEP before every sentinel switched", file=sys.stderr); sys.exit(2)
        data = s.recv(65536)
        if not data:
            links.remove(s); continue
        buffers[s] += data
        # Pushed messages are small arrays of bulk strings; the payload names the master first.
        for line_set in buffers[s].split(b"*3\r\n")[1:]:
            parts = line_set.split(b"\r\n")
            if len(parts) >= 6 and parts[1] == b"message":
                channel, payload = parts[3].decode(), parts[5].decode()
                words = payload.split()
                if channel == "+odown" and " %s " % name in " " + payload + " " and not odown:
                    odown.append(time.monotonic() - start)
                if channel == "+switch-master" and words and words[0] == name and s not in switched:
                    switched[s] = time.monotonic() - start
        buffers[s] = b"" if buffers[s].endswith(b"\r\n") else buffers[s]

def ms(x): return int(x * 1000)
times = sorted(switched.values())
print("odown_ms=%d switch_first_ms=%d switch_last_ms=%d" % (
    ms(odown[0]) if odown else -1, ms(times[0]) if times else -1,
    ms(times[-1]) if len(times) == len(ports) else -1))
