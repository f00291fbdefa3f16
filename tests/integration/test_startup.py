"""What postamtd does at start and stop: refusing bad plugins and configs
with a message that names the culprit, and a clean SIGTERM."""

import re
import shutil
import signal
import subprocess

import pytest

from conftest import BUILD, POSTAMTD, TEST_PLUGINS


def run_postamtd(config):
    return subprocess.run([str(POSTAMTD), "--config", str(config)], capture_output=True, timeout=60)


def test_plugin_of_another_abi_major_is_refused_at_start(make_postamt, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for name in ("store-sqlite.so", "auth-sql.so"):
        shutil.copy(BUILD / "plugins" / name, plugins / name)
    shutil.copy(TEST_PLUGINS / "abi-mismatch.so", plugins / "abi-mismatch.so")
    postamt = make_postamt()
    postamt.configure(plugins__directory=plugins, store__mismatched__plugin="abi-mismatch")
    result = run_postamtd(postamt.config)
    assert result.returncode != 0
    error = result.stderr.decode()
    assert str(plugins / "abi-mismatch.so") in error
    # Both versions named: the plugin's (major 2) and the host's (major 1).
    assert re.search(r"built for plugin ABI 2\.\d+ .* speaks ABI 1\.\d+", error), error


def test_duplicate_instance_is_refused_at_start(make_postamt):
    postamt = make_postamt()
    with open(postamt.config, "a") as config:
        config.write("store.main.plugin = store-sqlite\n")
    result = run_postamtd(postamt.config)
    assert result.returncode != 0
    assert b"store.main.plugin" in result.stderr and b"already set" in result.stderr


def test_unknown_plugin_and_bad_listener_are_named(make_postamt):
    postamt = make_postamt()
    postamt.configure(auth__main__plugin="no-such-plugin")
    result = run_postamtd(postamt.config)
    assert result.returncode != 0 and b"no-such-plugin.so" in result.stderr
    postamt.configure(auth__main__plugin="auth-sql", listener__pop3__address="not-an-address")
    result = run_postamtd(postamt.config)
    assert result.returncode != 0 and b"listener.pop3.address" in result.stderr


def test_sigterm_stops_with_exit_status_zero(postamt):
    client = postamt.connect()
    assert postamt.stop(signal.SIGTERM) == 0
    assert client.line().startswith(b"-ERR [SYS/TEMP]")


@pytest.mark.parametrize("value, named", [("PLAIN, NOSUCH", b"unknown mechanism NOSUCH"),
                                          (" , ", b"names no mechanism")])
def test_a_sasl_list_naming_nothing_known_is_refused_at_start(make_postamt, value, named):
    postamt = make_postamt()
    postamt.configure(pop3__sasl_mechanisms=value)
    result = run_postamtd(postamt.config)
    assert result.returncode != 0 and named in result.stderr


def test_sasl_mechanisms_may_be_listed_with_commas(make_postamt):
    server = make_postamt(pop3__sasl_mechanisms="plain,LOGIN").start()
    client = server.connect()
    client.send(b"CAPA\r\n")
    assert client.line().startswith(b"+OK")
    assert b"SASL PLAIN LOGIN" in client.multiline()
