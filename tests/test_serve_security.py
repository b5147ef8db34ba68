"""`rapporteur serve` as an attacker meets it: a web page of another site (DNS rebinding), links
planted in the output folder, malformed requests, clients that hang up. Each test starts the
real server on a free port over a handmade output folder (no build) and sends raw requests."""

from __future__ import annotations

import pytest

from rapporteur.cli import main


# The port --------------------------------------------------------------------------------------

@pytest.mark.parametrize("port", ["70000", "65536", "-1", "eighty"])
def test_a_port_out_of_range_is_a_usage_error(tiny, capsys, port):
    with pytest.raises(SystemExit) as stopped:
        main(["--project", str(tiny.root), "serve", "--port", port])
    assert stopped.value.code == 2
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--port" in message and "65535" in message and "Traceback" not in message
