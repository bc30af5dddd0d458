"""While botocore_data_read_once() is active, every botocore session of the process shares what one has read."""

from collections import Counter

import botocore.loaders
import botocore.session
import pytest

from phenom_stack.botocore_data import botocore_data_read_once

pytestmark = pytest.mark.unit


@pytest.fixture
def reads(monkeypatch):
    """Counts botocore's parses per data file and its listings of the services, beneath the cache."""
    counted: Counter = Counter()
    parse = botocore.loaders.JSONFileLoader.load_file
    list_services = botocore.loaders.Loader.list_available_services

    def load_file(loader, file_path):
        counted[file_path] += 1
        return parse(loader, file_path)

    def list_available_services(loader, type_name):
        counted[f"list {type_name}"] += 1
        return list_services(loader, type_name)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", load_file)
    monkeypatch.setattr(botocore.loaders.Loader, "list_available_services", list_available_services)
    return counted


def new_client():
    """A Secrets Manager client from a session of its own, as moto's server and mock_aws make them."""
    return botocore.session.get_session().create_client(
        "secretsmanager", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    )


def test_sessions_share_one_read_of_each_file(reads):
    # WHEN three sessions each make a client and list the services while the cache is active
    with botocore_data_read_once():
        for _ in range(3):
            new_client()
            botocore.session.get_session().get_available_services()
    # THEN each file was parsed, and the services listed, once
    assert reads and set(reads.values()) == {1}
    assert any(path.endswith("/endpoints") for path in reads)


def test_without_it_each_session_reads_again(reads):
    with botocore_data_read_once():
        new_client()
    new_client()
    assert max(reads.values()) == 2


def test_what_is_read_is_the_same_as_botocore_reads_alone():
    plain = new_client().meta.service_model.operation_names
    with botocore_data_read_once():
        assert new_client().meta.service_model.operation_names == plain
