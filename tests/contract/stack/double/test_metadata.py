"""The engine double's metadata and schema APIs: /v1/metadata and /v2/query behave as Hasura's do."""

from __future__ import annotations

import copy

import pytest
import requests

from phenom_stack.hasura_project import replace_metadata_body, run_sql_body

pytestmark = pytest.mark.contract


def _tables(metadata: dict) -> list[dict]:
    return metadata["sources"][0]["tables"]


def _table(metadata: dict, name: str) -> dict:
    return next(table for table in _tables(metadata) if table["table"]["name"] == name)


def test_project_metadata_is_consistent(hasura_double):
    # GIVEN the project's migrations and metadata applied through the APIs
    # WHEN the engine is asked for inconsistencies
    answer = hasura_double.post(hasura_double.metadata_url, {"type": "get_inconsistent_metadata", "args": {}})
    # THEN there are none
    assert answer.status_code == 200
    assert answer.json() == {"is_consistent": True, "inconsistent_objects": []}


def test_export_returns_the_applied_metadata(hasura_double, project_metadata):
    answer = hasura_double.post(hasura_double.metadata_url, {"type": "export_metadata", "version": 2, "args": {}})
    assert answer.status_code == 200
    assert answer.json()["metadata"] == project_metadata
    assert isinstance(answer.json()["resource_version"], int)


def test_reload_reports_success(hasura_double):
    answer = hasura_double.post(hasura_double.metadata_url, {"type": "reload_metadata", "args": {}})
    assert answer.json() == {"is_consistent": True, "message": "success"}


def test_permission_on_a_missing_column_is_refused_with_400(fresh_double, project_metadata):
    # GIVEN metadata whose select permission names a column the table does not have
    broken = copy.deepcopy(project_metadata)
    _table(broken, "phenoms")["select_permissions"][0]["permission"]["columns"].append("no_such_column")
    # WHEN it replaces the metadata without allowing inconsistency
    answer = fresh_double.post(fresh_double.metadata_url, replace_metadata_body(broken))
    # THEN Hasura's 400 names the inconsistent permission
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "unexpected"
    assert body["error"] == "cannot continue due to inconsistent metadata"
    assert [item["type"] for item in body["internal"]] == ["select_permission"]
    assert "no_such_column" in body["internal"][0]["reason"]


def test_untracked_table_and_bad_relationship_are_inconsistent(fresh_double, project_metadata):
    broken = copy.deepcopy(project_metadata)
    _tables(broken).append({"table": {"schema": "public", "name": "no_such_table"}})
    _table(broken, "phenoms")["object_relationships"].append(
        {"name": "ghost", "using": {"foreign_key_constraint_on": "lat"}}
    )
    answer = fresh_double.post(fresh_double.metadata_url, replace_metadata_body(broken))
    assert answer.status_code == 400
    assert sorted(item["type"] for item in answer.json()["internal"]) == ["object_relation", "table"]


def test_allow_inconsistent_keeps_the_rest(fresh_double, project_metadata):
    # GIVEN metadata with one broken permission, applied with allow_inconsistent_metadata
    broken = copy.deepcopy(project_metadata)
    _table(broken, "users")["select_permissions"][0]["permission"]["columns"].append("no_such_column")
    body = replace_metadata_body(broken, allow_inconsistent_metadata=True)
    answer = fresh_double.post(fresh_double.metadata_url, body)
    # THEN it is accepted and reported; the broken permission is left out and the rest still serves
    assert answer.status_code == 200
    assert answer.json()["is_consistent"] is False
    user = fresh_double.as_user("00000000-0000-0000-0000-000000000000")
    assert fresh_double.graphql("{ phenoms { id } }", headers=user) == {"data": {"phenoms": []}}
    refused = fresh_double.graphql("{ users { id } }", headers=user)
    assert refused["errors"][0]["message"] == "field 'users' not found in type: 'query_root'"


def test_action_handler_without_its_env_var_is_inconsistent(start_double, hasura_double, project_metadata):
    double, endpoints = start_double({})
    try:
        metadata = copy.deepcopy(project_metadata)
        metadata["actions"][0]["definition"]["handler"] = "{{NOT_SET_ANYWHERE}}/create"
        answer = endpoints.post(endpoints.metadata_url, replace_metadata_body(metadata))
        assert answer.status_code == 400
        [problem] = answer.json()["internal"]
        assert problem["type"] == "action"
        assert "Value for environment variables not found: NOT_SET_ANYWHERE" in problem["reason"]
    finally:
        double.stop()


def test_clear_metadata_empties_the_schema(fresh_double, project_metadata):
    fresh_double.post(fresh_double.metadata_url, replace_metadata_body(project_metadata))
    answer = fresh_double.post(fresh_double.metadata_url, {"type": "clear_metadata", "args": {}})
    assert answer.json() == {"message": "success"}
    result = fresh_double.graphql("{ users { id } }")
    assert result["errors"][0]["message"] == "field 'users' not found in type: 'query_root'"


def test_stale_resource_version_conflicts(hasura_double):
    answer = hasura_double.post(
        hasura_double.metadata_url, {"type": "export_metadata", "version": 2, "args": {}, "resource_version": -1}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "conflict"


def test_metadata_api_refuses_a_non_admin(hasura_double):
    headers = hasura_double.as_user("00000000-0000-0000-0000-000000000000")
    answer = hasura_double.post(hasura_double.metadata_url, {"type": "export_metadata", "args": {}}, headers)
    assert answer.status_code == 400
    assert answer.json() == {"path": "$", "error": "restricted access : admin only", "code": "access-denied"}


def test_wrong_admin_secret_is_access_denied(hasura_double):
    answer = hasura_double.post(
        hasura_double.query_url, run_sql_body("select 1"), {"x-hasura-admin-secret": "not-the-secret"}
    )
    assert answer.status_code == 401
    assert answer.json()["code"] == "access-denied"
    assert answer.json()["error"] == "invalid x-hasura-admin-secret/x-hasura-access-key"


def test_run_sql_returns_the_last_result_as_text(hasura_double):
    answer = hasura_double.post(
        hasura_double.query_url, run_sql_body("select 1; select 2 as two, null::text as nothing, true as yes")
    )
    assert answer.status_code == 200
    assert answer.json() == {"result_type": "TuplesOk", "result": [["two", "nothing", "yes"], ["2", "NULL", "t"]]}


def test_run_sql_command_ok(hasura_double):
    answer = hasura_double.post(hasura_double.query_url, run_sql_body("create temporary table scratch (a int)"))
    assert answer.json() == {"result_type": "CommandOk", "result": None}


def test_run_sql_error_is_a_postgres_error(hasura_double):
    answer = hasura_double.post(hasura_double.query_url, run_sql_body("select * from no_such_relation"))
    assert answer.status_code == 400
    body = answer.json()
    assert (body["code"], body["error"]) == ("postgres-error", "query execution failed")
    assert body["internal"]["error"]["status_code"] == "42P01"


def test_dropping_a_tracked_table_is_refused_and_rolled_back(hasura_double):
    # GIVEN the tracked table chat_members  WHEN run_sql drops it
    answer = hasura_double.post(hasura_double.query_url, run_sql_body("DROP TABLE chat_members"))
    # THEN Hasura refuses because the metadata would become inconsistent, and nothing changed
    assert answer.status_code == 400
    assert answer.json()["error"] == "cannot continue due to new inconsistent metadata"
    exists = hasura_double.post(hasura_double.query_url, run_sql_body("select to_regclass('public.chat_members')"))
    assert exists.json()["result"][1] == ["chat_members"]


def test_healthz_is_ok(hasura_double):
    response = requests.get(f"{hasura_double.url}/healthz", timeout=10)
    assert (response.status_code, response.text) == (200, "OK")
