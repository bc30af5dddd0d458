"""The media bucket: presigned URLs, upload checks and deletion of every version under a prefix."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from lambdas.action_handler.dependencies import aws_answering
from lambdas.action_handler.time_budget import CALL_SETTINGS
from lambdas.shared.aws import aws_client
from lambdas.shared.deadline import Deadline

UPLOAD_URL_SECONDS = 300
DOWNLOAD_URL_SECONDS = 3600
_DELETE_BATCH = 1000  # the most keys one DeleteObjects call accepts
# SigV4 is what S3 accepts everywhere. No addressing style is forced: against AWS botocore signs virtual-host URLs
# (the AWS default), and for an endpoint override such as moto on 127.0.0.1 it switches to path style by itself,
# so one configuration serves both without looking at the environment.
S3_SETTINGS = replace(CALL_SETTINGS, signature_version="s3v4")
S3_SERVICE = "the media bucket (S3)"


class MediaDeletionError(Exception):
    """S3 refused to delete some object versions; the phenom row is kept so the delete can be retried."""


@dataclass(frozen=True)
class MediaStorage:
    """One bucket of phenom media."""

    bucket: str

    @property
    def _s3(self) -> Any:
        return aws_client("s3", S3_SETTINGS)

    def upload_url(self, key: str) -> str:
        """A presigned PUT for `key`, valid UPLOAD_URL_SECONDS."""
        return self._s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=UPLOAD_URL_SECONDS
        )

    def download_url(self, key: str) -> str:
        """A presigned GET for `key`, valid DOWNLOAD_URL_SECONDS."""
        return self._s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=DOWNLOAD_URL_SECONDS
        )

    def exists(self, key: str) -> bool:
        """Whether `key` has been uploaded (a 404 means no; other errors propagate)."""
        from botocore.exceptions import ClientError

        try:
            with aws_answering(S3_SERVICE, S3_SETTINGS):
                self._s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete_prefix(self, prefix: str, deadline: Deadline) -> set[str]:
        """Delete every version and delete marker under `prefix`, each call started before `deadline`; the keys
        that had data."""
        with aws_answering(S3_SERVICE, S3_SETTINGS):
            versions, keys_with_data = self._versions(prefix, deadline)
            for start in range(0, len(versions), _DELETE_BATCH):
                batch = versions[start : start + _DELETE_BATCH]
                deadline.remaining()
                answer = self._s3.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
                if answer.get("Errors"):
                    first = answer["Errors"][0]
                    raise MediaDeletionError(
                        f"S3 kept {len(answer['Errors'])} object versions under {prefix} "
                        f"(first: {first.get('Code')} {first.get('Message')}); check the handler's "
                        "s3:DeleteObjectVersion permission"
                    )
        return keys_with_data

    def delete_key(self, key: str, deadline: Deadline) -> None:
        """Delete every version and delete marker of exactly `key` (not of longer keys it is a prefix of)."""
        with aws_answering(S3_SERVICE, S3_SETTINGS):
            versions = [version for version in self._versions(key, deadline)[0] if version["Key"] == key]
            if versions:
                deadline.remaining()
                self._s3.delete_objects(Bucket=self.bucket, Delete={"Objects": versions, "Quiet": True})

    def _versions(self, prefix: str, deadline: Deadline) -> tuple[list[dict[str, str]], set[str]]:
        """Every version and delete marker under `prefix` (as DeleteObjects takes them) and the keys with data."""
        versions: list[dict[str, str]] = []
        keys_with_data: set[str] = set()
        deadline.remaining()
        for page in self._s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=prefix):
            deadline.remaining()
            for version in page.get("Versions", []):
                keys_with_data.add(version["Key"])
                versions.append({"Key": version["Key"], "VersionId": version["VersionId"]})
            for marker in page.get("DeleteMarkers", []):
                versions.append({"Key": marker["Key"], "VersionId": marker["VersionId"]})
        return versions, keys_with_data
