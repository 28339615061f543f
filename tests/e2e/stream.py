"""Streams through the scripting interface the way a slow or busy client
would (paramiko, small channel window): output must arrive complete and in
order, and large input must not stall the session.  Also seeds the audit
log independently of bursar's code (so `audit verify` checks the hash spec).
Usage: stream.py seed DB N (prints the last id) | stream.py run PORT USER PASSWORD LAST.
Prints TAP."""
import hashlib
import socket
import sqlite3
import sys
import time

import paramiko


def seed(db, n):
    con = sqlite3.connect(db)
    cur = con.cursor()
    row = cur.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    last_id, prev = row if row else (0, "0" * 64)
    for i in range(n):
        rid = last_id + 1 + i
        fields = [str(rid), "2026-01-01T00:00:00.000Z", "seed", "test.seed", "obj-%d" % rid,
                  "detail %d %s" % (rid, "x" * 200)]
        h = hashlib.sha256(prev.encode())
        for f in fields:
            b = f.encode()
            h.update(b"%d:" % len(b) + b + b";")
        digest = h.hexdigest()
        cur.execute("INSERT INTO audit_log (id, ts, actor, action, object, detail, prev_hash, hash)"
                    " VALUES (?,?,?,?,?,?,?,?)", (rid, *fields[1:], prev, digest))
        prev = digest
    con.commit()
    print(last_id + n)


def session(port, user, pw, window):
    t = paramiko.Transport(socket.create_connection(("127.0.0.1", port), timeout=10))
    t.start_client(timeout=10)
    t.auth_password(user, pw)
    ch = t.open_session(window_size=window, max_packet_size=4096)
    return t, ch


def drain(ch, pause=0.0, chunk=65536):
    out = bytearray()
    while True:
        data = ch.recv(chunk)
        if not data:
            break
        out += data
        if pause:
            time.sleep(pause)
    return bytes(out)


def run(port, user, pw, last):
    fails = 0

    def check(name, cond):
        nonlocal fails
        print(("ok" if cond else "not ok") + " - " + name)
        fails += 0 if cond else 1

    # Entries up to the seeded ones only: logins during the test add more.
    cmd = "audit log --limit 100000 --before %d --json" % (last + 1)
    t, ch = session(port, user, pw, 2 * 1024 * 1024)
    ch.exec_command(cmd)
    fast = drain(ch)
    status = ch.recv_exit_status()
    t.close()
    check("large output (%d bytes) arrives with exit status 0" % len(fast), status == 0 and len(fast) > 150000)

    t, ch = session(port, user, pw, 8192)
    ch.exec_command(cmd)
    slow = drain(ch, pause=0.001, chunk=2048)
    status = ch.recv_exit_status()
    t.close()
    check("through an 8 KiB window read slowly, the output is identical and in order",
          slow == fast and status == 0)

    t, ch = session(port, user, pw, 8192)
    ch.exec_command(cmd)
    time.sleep(3)  # the client stops reading for a while
    paused = drain(ch)
    status = ch.recv_exit_status()
    t.close()
    check("a client that pauses for 3 s still gets every byte", paused == fast and status == 0)

    t, ch = session(port, user, pw, 2 * 1024 * 1024)
    ch.exec_command(cmd)
    ch.settimeout(30)
    blob = b"y" * 1300000
    sent = 0
    got = bytearray()
    while sent < len(blob):  # interleave, as a real client does
        sent += ch.send(blob[sent:sent + 32768])
        while ch.recv_ready():
            got += ch.recv(65536)
    ch.shutdown_write()
    got += drain(ch)
    status = ch.recv_exit_status()
    t.close()
    check("1.3 MB of unread stdin does not stall the command", bytes(got) == fast and status == 0)
    # A paste far larger than every buffer on the way, into the full-screen
    # interface: it must all be taken in and the keys after it still work.
    t, ch = session(port, user, pw, 2 * 1024 * 1024)
    ch.get_pty(term="xterm", width=80, height=24)
    ch.invoke_shell()
    ch.settimeout(60)
    paste = b"x" * (4 * 1024 * 1024)
    sent = 0
    try:
        while sent < len(paste):
            sent += ch.send(paste[sent:sent + 65536])
            while ch.recv_ready():
                ch.recv(65536)
        ch.send(b"q")
        while not ch.exit_status_ready():
            if ch.recv_ready():
                ch.recv(65536)
            else:
                time.sleep(0.01)
        status = ch.recv_exit_status()
    except Exception:
        status = None
    t.close()
    check("a 4 MB paste into the full-screen interface is consumed and q still quits", status == 0)

    # The connection stalls near the end of a large output: the rest and the
    # exit status must still arrive once it resumes (no early hang-up).
    proxy = PausingProxy(port, pause_after=len(fast) // 2, pause=4.0)
    t, ch = session(proxy.port, user, pw, 1024 * 1024)
    ch.exec_command(cmd)
    ch.settimeout(60)
    try:
        late = drain(ch, pause=0.001, chunk=8192)
        status = ch.recv_exit_status()
    except Exception:
        late, status = b"", None
    t.close()
    proxy.close()
    check("after the connection stalls for 4 s near the end, every byte and the exit status arrive",
          late == fast and status == 0)
    return fails


class PausingProxy:
    """Forwards one TCP connection to the server, holding server-to-client
    bytes for `pause` seconds once `pause_after` bytes have passed."""

    def __init__(self, port, pause_after, pause):
        import threading
        self.target, self.pause_after, self.pause = port, pause_after, pause
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(1)
        self.port = self.ls.getsockname()[1]
        self.threads = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import threading
        c, _ = self.ls.accept()
        s = socket.create_connection(("127.0.0.1", self.target))
        self.socks = (c, s)
        for a, b, slow in ((c, s, False), (s, c, True)):
            th = threading.Thread(target=self.pipe, args=(a, b, slow), daemon=True)
            th.start()

    def pipe(self, a, b, slow):
        passed, paused = 0, False
        while True:
            try:
                data = a.recv(65536)
            except OSError:
                break
            if not data:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                break
            passed += len(data)
            if slow and not paused and passed >= self.pause_after:
                paused = True
                time.sleep(self.pause)
            try:
                b.sendall(data)
            except OSError:
                break

    def close(self):
        self.ls.close()


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(sys.argv[2], int(sys.argv[3]))
        sys.exit(0)
    sys.exit(1 if run(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])) else 0)
