"""A real OpenLDAP server (slapd) for the directory sign-in tests: its own config and mdb database
in a temporary folder, on 127.0.0.1 and a free port; the system slapd service is not used."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

SUFFIX = "dc=example,dc=gov"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "admin-secret-1"
USERS_BASE = f"ou=people,{SUFFIX}"
GROUPS_BASE = f"ou=groups,{SUFFIX}"
CUSTOMS_GROUP = f"cn=customs,{GROUPS_BASE}"
SIP_GROUP = f"cn=sip,{GROUPS_BASE}"
PASSWORDS = {"alice": "alice-directory-pw", "bob": "bob-directory-pw"}


def slapd_binary() -> str | None:
    return shutil.which("slapd") or next(
        (p for p in ("/usr/sbin/slapd", "/usr/local/sbin/slapd") if Path(p).exists()), None
    )


def _module_dir() -> str | None:
    for candidate in ("/usr/lib/ldap", "/usr/lib/x86_64-linux-gnu/ldap", "/usr/lib/openldap", "/usr/libexec/openldap"):
        if Path(candidate, "back_mdb.so").exists() or Path(candidate, "back_mdb.la").exists():
            return candidate
    return None  # mdb built in


def _schema_dir() -> str:
    for candidate in ("/etc/ldap/schema", "/etc/openldap/schema"):
        if Path(candidate, "core.schema").exists():
            return candidate
    raise RuntimeError("no OpenLDAP schema folder (core.schema) found")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DIRECTORY = f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: Example Government

dn: {USERS_BASE}
objectClass: organizationalUnit
ou: people

dn: {GROUPS_BASE}
objectClass: organizationalUnit
ou: groups

dn: uid=alice,{USERS_BASE}
objectClass: inetOrgPerson
uid: alice
cn: Alice Wang
givenName: Alice
sn: Wang
mail: alice@example.gov.cn
userPassword: {PASSWORDS["alice"]}

dn: uid=bob,{USERS_BASE}
objectClass: inetOrgPerson
uid: bob
cn: Bob Li
givenName: Bob
sn: Li
mail: bob@example.gov.cn
userPassword: {PASSWORDS["bob"]}

dn: {CUSTOMS_GROUP}
objectClass: groupOfNames
cn: customs
member: {ROOT_DN}
member: uid=alice,{USERS_BASE}

dn: {SIP_GROUP}
objectClass: groupOfNames
cn: sip
member: uid=alice,{USERS_BASE}
member: uid=bob,{USERS_BASE}
"""


class Slapd:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        binary = slapd_binary()
        db = self.folder / "db"
        db.mkdir()
        schema = _schema_dir()
        modules = _module_dir()
        config = [f"include {schema}/{name}.schema" for name in ("core", "cosine", "inetorgperson", "nis")]
        if modules:
            config += [f"modulepath {modules}", "moduleload back_mdb"]
        config += [
            f"pidfile {self.folder / 'slapd.pid'}",
            "database mdb",
            "maxsize 10485760",
            f'suffix "{SUFFIX}"',
            f'rootdn "{ROOT_DN}"',
            f"rootpw {ROOT_PASSWORD}",
            f"directory {db}",
            "access to attrs=userPassword by anonymous auth by self write by * none",
            "access to * by * read",
        ]
        conf = self.folder / "slapd.conf"
        conf.write_text("\n".join(config) + "\n")
        ldif = self.folder / "directory.ldif"
        ldif.write_text(DIRECTORY)
        subprocess.run([binary, "-T", "add", "-f", str(conf), "-l", str(ldif)], check=True, capture_output=True)
        self.log = open(self.folder / "slapd.log", "w")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            [binary, "-d", "0", "-f", str(conf), "-h", f"{self.uri}/"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("slapd exited: " + (self.folder / "slapd.log").read_text())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("slapd did not start listening within 15 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def modify(self, ldif: str):
        """ldapmodify as the directory's administrator."""
        subprocess.run(
            ["ldapmodify", "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif,
            text=True,
            check=True,
            capture_output=True,
            timeout=30,
        )

    def environment(self, unit_groups: str) -> dict[str, str]:
        return {
            "LDAP_SERVER_URI": self.uri,
            "LDAP_BIND_DN": ROOT_DN,
            "LDAP_BIND_PASSWORD": ROOT_PASSWORD,
            "LDAP_USER_SEARCH_BASE": USERS_BASE,
            "LDAP_USER_FILTER": "(uid=%(user)s)",
            "LDAP_GROUP_SEARCH_BASE": GROUPS_BASE,
            "LDAP_START_TLS": "0",
            "LDAP_UNIT_GROUPS": unit_groups,
        }
