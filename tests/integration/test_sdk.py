"""The plugin SDK as a third-party developer uses it (issue 7): install Postamt,
build the example plugin out of tree with find_package(Postamt), install it
beside the bundled plugins, and have postamtd authenticate through it."""

import os
import pathlib
import poplib
import subprocess

import pytest

from conftest import BUILD, Postamt, seed

SOURCE = pathlib.Path(os.environ.get("POSTAMT_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
EXAMPLE = SOURCE / "examples" / "plugins" / "auth-passwd-file"


def run(*command):
    result = subprocess.run(command, capture_output=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(map(str, command))}:\n{result.stdout.decode()}{result.stderr.decode()}"


def sha512_crypt(password: str) -> str:
    """A hash as Dovecot's passwd-file holds it, made by another tool than Postamt."""
    hashed = subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password.encode(), capture_output=True,
                            check=True, timeout=30).stdout.decode().strip()
    return "{SHA512-CRYPT}" + hashed


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    """An installed Postamt with the example plugin built against it and installed into it."""
    root = tmp_path_factory.mktemp("sdk")
    prefix = root / "prefix"
    run("cmake", "--install", str(BUILD), "--prefix", str(prefix))
    assert (prefix / "lib" / "cmake" / "Postamt" / "PostamtConfig.cmake").is_file()
    build = root / "build"
    run("cmake", "-S", str(EXAMPLE), "-B", str(build), "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}")
    run("cmake", "--build", str(build))
    run("cmake", "--install", str(build), "--prefix", str(prefix))
    return prefix


def test_the_example_plugin_exports_only_its_entry_point(prefix):
    plugin = prefix / "lib" / "postamt" / "plugins" / "auth-passwd-file.so"
    table = subprocess.run(["nm", "-D", "--defined-only", str(plugin)], capture_output=True, text=True, check=True,
                           timeout=30).stdout
    assert [line.split()[-1] for line in table.splitlines()] == ["postamt_plugin_entry"]


def test_postamtd_authenticates_through_an_out_of_tree_plugin(prefix, tmp_path):
    users = tmp_path / "users.passwd"
    users.write_text("# Dovecot passwd-file\n"
                     f"dora@files.test:{sha512_crypt('dora-secret')}:1000:1000::/home/dora::\n")
    server = Postamt(tmp_path, plugins__directory=prefix / "lib" / "postamt" / "plugins",
                     auth__files__plugin="auth-passwd-file", auth__files__path=users)
    server.ctl("db", "init")
    server.ctl("tenant", "add", "files", "--auth", "auth.files")
    server.ctl("domain", "add", "files.test", "files")
    server.start()
    try:
        stored = seed(server, "dora@files.test", b"Subject: from the SDK test\r\n\r\nhello\r\n")

        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("dora@files.test")
        with pytest.raises(poplib.error_proto, match=r"\[AUTH\]"):
            client.pass_("wrong")
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("DORA@files.test")  # passwd-file users match without regard to case, as in Dovecot
        client.pass_("dora-secret")
        assert b"\r\n".join(client.retr(1)[1]) + b"\r\n" == stored
        client.quit()

        # An admin edits the file; the next login sees it without a restart.
        users.write_text(f"dora@files.test:{sha512_crypt('new-secret')}::::::\n")
        client = poplib.POP3("127.0.0.1", server.port, timeout=30)
        client.user("dora@files.test")
        client.pass_("new-secret")
        client.quit()
    finally:
        server.stop()
