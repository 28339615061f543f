"""Asks a bursar server for a channel, a pty, a shell and an exec before
authenticating -- the CVE-2018-10933 class of bug -- with paramiko, which
(unlike OpenSSH and libssh's client) will send such requests.  Prints TAP."""
import socket
import sys

import paramiko

host, port = sys.argv[1], int(sys.argv[2])
fails = 0


def check(name, cond):
    global fails
    print(("ok" if cond else "not ok") + " - " + name)
    fails += 0 if cond else 1


def transport():
    t = paramiko.Transport(socket.create_connection((host, port), timeout=5))
    t.start_client(timeout=5)
    return t


t = transport()
try:
    ch = t.open_session(timeout=3)
    ok = False
    try:
        ch.get_pty()
        ch.exec_command("whoami --json")
        data = ch.recv(4096)
        ok = b"uid" not in data
    except Exception:
        ok = True
    check("no channel, pty or exec is served before authentication", ok)
except Exception:
    check("a channel open before authentication is refused", True)
t.close()

t = transport()
try:
    t.auth_none("zhangwei")
    check("'none' authentication is refused", False)
except paramiko.BadAuthenticationType as e:
    check("'none' authentication is refused and offers only real methods",
          "none" not in e.allowed_types and "password" in e.allowed_types)
except Exception:
    check("'none' authentication is refused", True)
t.close()
sys.exit(1 if fails else 0)
