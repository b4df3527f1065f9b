"""Freezes one fake master and times its failover as the sentinels report it.

usage: failover_probe.py <control-port> <victim-port> <master-name> <timeout-s> <sentinel-port>...
Subscribes to +odown and +switch-master on every sentinel, sends FREEZE to the fleet's control port, and
prints one line: "odown_ms=<first +odown> switch_first_ms=<first +switch-master> switch_last_ms=<last>"
(milliseconds after the freeze; -1 when a sentinel did not report within the timeout).
"""
import select, socket, sys, time

control, victim, name, timeout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
ports = [int(p) for p in sys.argv[5:]]

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
with socket.create_connection(("127.0.0.1", control)) as c:
    c.sendall(command("FREEZE", victim))
    start = time.monotonic()
    assert c.recv(64).startswith(b"+OK"), "the fleet refused FREEZE"

odown, switched, buffers = [], {}, {s: b"" for s in links}
while len(switched) < len(links) and time.monotonic() - start < timeout:
    ready, _, _ = select.select(links, [], [], 0.2)
    for s in ready:
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
