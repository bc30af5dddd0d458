"""The sign-in to delete round-trip: the smoke suite against --env, and a contract against the local stack."""

import pytest

from phenom_client.roundtrip import ROUNDTRIP_STEPS, run_roundtrip
from phenom_client.steps import StepRunner, StepStatus

pytestmark = [pytest.mark.smoke, pytest.mark.contract]


def test_round_trip_signs_in_creates_uploads_lists_downloads_and_deletes(
    phenom_client, phenom_thresholds, record_roundtrip
):
    # GIVEN a signed-out client for the selected environment and a fresh, uniquely named test file
    # WHEN the six steps run in order, each within its limits (cleanup deletes whatever a failed run created)
    outcome = run_roundtrip(phenom_client, StepRunner(ROUNDTRIP_STEPS, thresholds=phenom_thresholds))
    record_roundtrip(outcome)

    # THEN every step passed, and the phenom it created is gone
    if outcome.failure:
        pytest.fail(outcome.failure + (f" (cleanup: {outcome.cleanup})" if outcome.cleanup else ""), pytrace=False)
    assert [record.status for record in outcome.steps.records] == [StepStatus.PASSED] * len(ROUNDTRIP_STEPS)
    assert outcome.deleted
