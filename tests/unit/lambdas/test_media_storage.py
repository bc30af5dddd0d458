"""MediaStorage against S3's own answers: every way S3 says an object is absent, deletion in as few calls as S3
allows, and every way botocore says S3 gave no answer."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from lambdas.action_handler.dependencies import ServiceUnavailable
from lambdas.action_handler.storage import S3_SETTINGS, MediaStorage
from lambdas.shared.aws import aws_client
from lambdas.shared.deadline import Deadline
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("code", ["404", "NoSuchKey", "NotFound"])
def test_each_code_s3_uses_for_a_missing_object_means_not_uploaded(aws, code):
    # HEAD answers a bare 404; GET-style answers and some S3-compatible stores say NoSuchKey or NotFound.
    with Stubber(aws_client("s3", S3_SETTINGS)) as stubber:
        stubber.add_client_error("head_object", service_error_code=code, http_status_code=404)
        assert MediaStorage(MEDIA_BUCKET).exists("media/p/0_p_a.jpg") is False


def test_other_errors_are_not_taken_for_absence(aws):
    with Stubber(aws_client("s3", S3_SETTINGS)) as stubber:
        stubber.add_client_error("head_object", service_error_code="AccessDenied", http_status_code=403)
        with pytest.raises(ClientError):
            MediaStorage(MEDIA_BUCKET).exists("media/p/0_p_a.jpg")


def test_versions_are_deleted_in_one_call_per_thousand(s3):
    # GIVEN three objects under one prefix, one of them overwritten (four versions in all)
    s3.put_bucket_versioning(Bucket=MEDIA_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for key in ("media/p/0_a", "media/p/0_a", "media/p/1_b", "media/p/2_c"):
        s3.put_object(Bucket=MEDIA_BUCKET, Key=key, Body=b"bytes")
    calls: list[int] = []
    client = aws_client("s3", S3_SETTINGS)
    client.meta.events.register(
        "before-call.s3.DeleteObjects", lambda params, **_: calls.append(params["body"].count(b"<Object>"))
    )
    # WHEN the prefix is deleted  THEN one DeleteObjects call carried every version, and the keys that had data are
    # what it answers (deletePhenom's deletedObjects)
    deleted = MediaStorage(MEDIA_BUCKET).delete_prefix("media/p/", Deadline(30.0))
    assert deleted == {"media/p/0_a", "media/p/1_b", "media/p/2_c"}
    assert calls == [4]


# Each MediaStorage call that reaches S3, as the actions make it.
S3_CALLS = {
    "exists": lambda storage: storage.exists("media/p/0_p_a.jpg"),
    "delete_prefix": lambda storage: storage.delete_prefix("media/p/", Deadline(30.0)),
    "delete_key": lambda storage: storage.delete_key("media/p/0_p_a.jpg", Deadline(30.0)),
}
# Every way botocore reports that S3 gave no answer: refused, no connection in time, no answer in time, dropped.
NO_ANSWER = {
    "EndpointConnectionError": lambda url: EndpointConnectionError(endpoint_url=url),
    "ConnectTimeoutError": lambda url: ConnectTimeoutError(endpoint_url=url),
    "ReadTimeoutError": lambda url: ReadTimeoutError(endpoint_url=url),
    "ConnectionClosedError": lambda url: ConnectionClosedError(endpoint_url=url),
}


@pytest.mark.parametrize(
    "call, fault",
    [*((call, "EndpointConnectionError") for call in S3_CALLS), *(("exists", fault) for fault in list(NO_ANSWER)[1:])],
)
def test_an_s3_that_does_not_answer_is_named_with_how_long_it_may_be_waited_for(aws, unanswered_calls, call, fault):
    # GIVEN every attempt to reach S3 fails so
    attempts = unanswered_calls(aws_client("s3", S3_SETTINGS), NO_ANSWER[fault])
    # WHEN the call is made  THEN it fails naming the bucket and the most it may wait: both attempts' read timeouts
    with pytest.raises(ServiceUnavailable) as failure:
        S3_CALLS[call](MediaStorage(MEDIA_BUCKET))
    assert (failure.value.service, failure.value.waited_seconds) == ("the media bucket (S3)", 4.0)
    assert str(failure.value) == f"the media bucket (S3) did not answer within 4 s: {fault}"
    assert len(attempts) == S3_SETTINGS.max_attempts
