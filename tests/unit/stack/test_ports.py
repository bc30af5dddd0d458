"""Planned ports come from below the kernel's ephemeral range, so no outgoing connection can take one meanwhile."""

import socket

import pytest

from phenom_stack import ports

pytestmark = pytest.mark.unit


@pytest.fixture
def ephemeral_range(tmp_path, monkeypatch):
    """Write the kernel's ephemeral range as Linux shows it; returns the writer."""
    path = tmp_path / "ip_local_port_range"
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE_FILE", path)

    def write(low: int, high: int) -> None:
        path.write_text(f"{low}\t{high}\n")

    return write


def test_ports_are_below_the_ephemeral_range_and_never_handed_out_twice(ephemeral_range):
    ephemeral_range(32768, 60999)
    planned = [ports.free_port() for _ in range(200)]
    assert all(ports.PLANNED_LOW <= port < 32768 for port in planned)
    assert len(set(planned)) == len(planned)


def test_a_port_taken_by_a_listener_is_not_handed_out(ephemeral_range, monkeypatch):
    ephemeral_range(65000, 65535)
    with socket.socket() as listener, socket.socket() as other:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        other.bind(("127.0.0.1", 0))
        taken, free = listener.getsockname()[1], other.getsockname()[1]
        other.close()
        # GIVEN the random pick lands on the listener's port first
        picks = iter([taken, free])
        monkeypatch.setattr(ports.random, "randint", lambda low, high: next(picks))
        # THEN the next pick is handed out
        assert ports.free_port() == free


def test_without_room_below_the_range_the_kernel_picks(ephemeral_range):
    # GIVEN an ephemeral range that starts below the planned ports
    ephemeral_range(1024, 65535)
    port = ports.free_port()
    assert 1024 <= port <= 65535


def test_without_the_linux_setting_the_iana_range_is_assumed(tmp_path, monkeypatch):
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE_FILE", tmp_path / "missing")
    assert ports.ephemeral_low() == ports.IANA_EPHEMERAL_LOW
    assert ports.PLANNED_LOW <= ports.free_port() < ports.IANA_EPHEMERAL_LOW


def test_this_machines_range_is_read(ephemeral_range):
    ephemeral_range(40000, 50000)
    assert ports.ephemeral_low() == 40000
