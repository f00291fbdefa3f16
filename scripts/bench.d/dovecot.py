"""A Dovecot started by the benchmark as its own process, on free loopback
ports, with everything it writes in a temporary directory."""

import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import time

# Settings from Dovecot's documentation for a busy server: login processes in
# high-performance mode (admin_manual/login_processes: service_count = 0 and
# process_min_avail = number of cores), POP3 processes reused for 100 sessions,
# the authentication cache on. Limits are raised so 5,000 sessions fit, as
# Postamt's server.max_connections is: every POP3 process is a client of the
# auth and stats services.
# TLS as Postamt serves it: the same certificate, TLS 1.2 and 1.3 (both
# negotiate 1.3 with the load generator, so cipher lists do not differ in
# effect), STLS on the POP3 port and implicit TLS on the POP3S one
# (ssl = yes keeps USER/PASS on the plain port for the other scenarios, as
# Postamt trusts loopback). Dovecot 2.3 has no session cache setting: OpenSSL's
# server cache and ticket key live in each login process, which in
# high-performance mode (service_count = 0) serves many connections; tickets
# are on by default (ssl_options would turn them off). With process_min_avail
# login processes, a session resumes only where the same process takes the
# next connection: the loadgen's "resumed" figure shows how often that was.
CONFIG = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
instance_name = postamt-bench-{port}
protocols = pop3 lmtp
listen = 127.0.0.1
ssl = yes
ssl_cert = <{certificate}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain
auth_cache_size = 10M
auth_cache_ttl = 1 hour
auth_cache_negative_ttl = 1 hour
first_valid_uid = {uid}
last_valid_uid = {uid}
mail_location = maildir:~/Maildir
pop3_no_flag_updates = yes
maildir_very_dirty_syncs = yes
passdb {{
  driver = passwd-file
  args = scheme=SHA512-CRYPT {dir}/users
}}
userdb {{
  driver = passwd-file
  args = {dir}/users
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
  service_count = 0
  process_min_avail = 2
  vsz_limit = 1G
}}
service pop3 {{
  service_count = 100
  process_limit = {sessions}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
service auth {{
  client_limit = {clients}
}}
service stats {{
  client_limit = {clients}
}}
"""

# Mail is owned by an unprivileged user, as Dovecot refuses to run mail processes as root.
MAIL_USER = "nobody"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def password_hash(password: str) -> str:
    """The same scheme Postamt's users have (auth.main.password_scheme = SHA512-CRYPT)."""
    return subprocess.run(["doveadm", "-O", "pw", "-s", "SHA512-CRYPT", "-p", password], check=True,
                          capture_output=True, text=True).stdout.strip()


class Dovecot:
    name = "Dovecot"

    def __init__(self, directory: pathlib.Path, pid_file, max_sessions: int, certificate):
        """certificate: (certificate, key) files, served on .tls_port (POP3S) and through STLS on .port."""
        self.directory = directory
        self.pid_file = pid_file
        self.port = free_port()
        self.tls_port = free_port()
        self.lmtp_port = free_port()
        self.process = None
        self.log = directory / "dovecot.log"
        account = pwd.getpwnam(MAIL_USER)
        directory.mkdir(parents=True)
        for sub in ("run", "state"):
            (directory / sub).mkdir()
        mail = directory / "mail"
        mail.mkdir()
        shutil.chown(mail, account.pw_uid, account.pw_gid)
        self.mail, self.uid, self.gid = mail, account.pw_uid, account.pw_gid
        (directory / "dovecot.conf").write_text(CONFIG.format(
            dir=directory, port=self.port, lmtp_port=self.lmtp_port, uid=self.uid, sessions=max_sessions,
            clients=max_sessions + 1000, tls_port=self.tls_port, certificate=certificate[0], key=certificate[1]))

    def add_users(self, addresses, hashed: str):
        """A passwd-file passdb and userdb: user:{SCHEME}hash:uid:gid::home::"""
        (self.directory / "users").write_text("".join(
            f"{a}:{hashed}:{self.uid}:{self.gid}::{self.mail / a}::\n" for a in addresses))

    @property
    def pid(self) -> int:
        return self.process.pid

    def start(self):
        # -F: stay in the foreground, so the PID we hold is the master's.
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(self.directory / "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=open(self.directory / "stderr", "ab"))
        self.pid_file.record(self.process.pid)
        deadline = time.monotonic() + 30
        for port in (self.port, self.tls_port, self.lmtp_port):
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"dovecot exited with {self.process.returncode}; see {self.log}")
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"dovecot did not listen on {port} within 30 s")
                    time.sleep(0.05)
        return self

    def stop(self):
        """SIGTERM to the master, which stops every process it started."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
