"""The action handler answers before the function's and Hasura's timeouts: a 4xx `timeout`, never a Lambda 502."""

from __future__ import annotations

import json

import pytest

from lambdas.action_handler import handler as action_handler
from lambdas.action_handler.get_phenoms import _uploaded_since_last_look
from lambdas.action_handler.storage import MediaStorage
from lambdas.action_handler.time_budget import ACTION_BUDGET_SECONDS, SLOWEST_CALL_SECONDS, request_deadline
from lambdas.shared.deadline import Deadline, DeadlineExceeded
from tests.kit.events import action_body, function_url_event, lambda_context, reply_of
from tests.kit.fixture_values import MEDIA_BUCKET

pytestmark = pytest.mark.unit

CREATE_INPUT = {"input": {"lat": 1.0, "lng": 2.0, "filenames": ["a.jpg"], "media_type": "image"}}


class _SpentDeadline(Deadline):
    """A deadline whose time is already up."""

    def __init__(self) -> None:
        super().__init__(0.0)


def test_budget_is_capped_and_keeps_the_slowest_call_free_before_the_function_timeout():
    assert request_deadline(lambda_context(seconds_left=30)).remaining() <= ACTION_BUDGET_SECONDS
    assert request_deadline(lambda_context(seconds_left=15)).remaining() <= 15 - SLOWEST_CALL_SECONDS
    with pytest.raises(DeadlineExceeded):
        request_deadline(lambda_context(seconds_left=SLOWEST_CALL_SECONDS)).remaining()


@pytest.mark.parametrize(
    ("seconds_left", "budget"), [(30.0, ACTION_BUDGET_SECONDS), (15.0, 15.0 - SLOWEST_CALL_SECONDS)]
)
def test_the_budget_is_exactly_the_cap_or_the_time_left_less_the_reserve(deadline_clock, seconds_left, budget):
    # The deadline's clock stands still, so what is left is the whole budget, to the millisecond Lambda reports.
    assert request_deadline(lambda_context(seconds_left=seconds_left)).remaining() == budget


def test_create_without_time_left_is_a_400_timeout_and_writes_nothing(
    action_services, fake_hasura, s3, id_token, log_lines
):
    # GIVEN a function invoked with less time left than one AWS call may take
    event = function_url_event(action_body("createPhenom", CREATE_INPUT), id_token.token)
    # WHEN createPhenom runs
    context = lambda_context("unit-out-of-time", seconds_left=SLOWEST_CALL_SECONDS / 2)
    status, error = reply_of(action_handler.handler(event, context))
    # THEN Hasura gets an action error it shows as is, and neither Hasura nor S3 was written to
    assert (status, error["extensions"]["code"]) == (400, "timeout")
    assert error["message"] == "action handler ran out of time (request id unit-out-of-time); try again"
    logged = json.loads(log_lines[-1])
    assert (logged["level"], logged["message"], logged["request_id"]) == (
        "WARNING",
        "action ran out of time",
        "unit-out-of-time",
    )
    assert fake_hasura.operations() == []
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET).get("KeyCount") == 0


def test_pending_media_not_checked_in_time_stay_pending_without_a_head_request():
    class NoCalls(MediaStorage):
        def exists(self, key: str) -> bool:
            raise AssertionError(f"HEAD {key} sent after the deadline")

    rows = [{"media": [{"id": "m1", "s3_key": "media/p/0_p_a.jpg", "upload_state": "pending"}]}]
    assert _uploaded_since_last_look(rows, NoCalls(MEDIA_BUCKET), _SpentDeadline()) == set()


def test_delete_after_the_deadline_starts_no_s3_call(s3):
    s3.put_object(Bucket=MEDIA_BUCKET, Key="media/p/0_p_a.jpg", Body=b"bytes")
    with pytest.raises(DeadlineExceeded):
        MediaStorage(MEDIA_BUCKET).delete_prefix("media/p/", _SpentDeadline())
    assert s3.list_objects_v2(Bucket=MEDIA_BUCKET)["KeyCount"] == 1
