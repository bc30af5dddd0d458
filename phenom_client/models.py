"""What the Phenom API answers, as frozen records; presigned URLs are kept out of reprs because they grant access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from phenom_client.errors import GraphQLRequestFailed


@dataclass(frozen=True)
class PresignedUpload:
    """One file of a new phenom: the name sent, its S3 key and the URL to PUT its bytes to."""

    filename: str
    key: str
    upload_url: str = field(repr=False)


@dataclass(frozen=True)
class CreatedPhenom:
    """createPhenom's answer."""

    phenom_id: str
    uploads: tuple[PresignedUpload, ...]


@dataclass(frozen=True)
class PhenomMedia:
    """One file of a listed phenom."""

    filename: str
    sort_order: int
    key: str
    upload_state: str
    signed_uri: str = field(repr=False)


@dataclass(frozen=True)
class Phenom:
    """One row of getPhenoms; `signed_uri` is the presigned GET of its first file, None when it has none."""

    id: str
    lat: float
    lng: float
    media_type: str
    created_at: str
    signed_uri: str | None = field(repr=False)
    media: tuple[PhenomMedia, ...]


@dataclass(frozen=True)
class DeletedPhenom:
    """deletePhenom's answer; `already_deleted` when a retried call found the row gone by an earlier try."""

    phenom_id: str
    deleted_objects: int
    already_deleted: bool = False


def created_phenom(data: Mapping[str, Any]) -> CreatedPhenom:
    """The CreatedPhenom in a createPhenom `data` object."""
    answer = _field(data, "createPhenom", "createPhenom")
    return CreatedPhenom(
        phenom_id=_field(answer, "phenomId", "createPhenom"),
        uploads=tuple(
            PresignedUpload(
                filename=_field(upload, "filename", "createPhenom.uploads[]"),
                key=_field(upload, "key", "createPhenom.uploads[]"),
                upload_url=_field(upload, "uploadUrl", "createPhenom.uploads[]"),
            )
            for upload in _field(answer, "uploads", "createPhenom")
        ),
    )


def listed_phenoms(data: Mapping[str, Any]) -> tuple[Phenom, ...]:
    """The Phenom rows in a getPhenoms `data` object."""
    return tuple(
        Phenom(
            id=_field(row, "id", "getPhenoms[]"),
            lat=_field(row, "lat", "getPhenoms[]"),
            lng=_field(row, "lng", "getPhenoms[]"),
            media_type=_field(row, "media_type", "getPhenoms[]"),
            created_at=_field(row, "created_at", "getPhenoms[]"),
            signed_uri=row.get("signed_uri"),
            media=tuple(
                PhenomMedia(
                    filename=_field(media, "filename", "getPhenoms[].media[]"),
                    sort_order=_field(media, "sort_order", "getPhenoms[].media[]"),
                    key=_field(media, "key", "getPhenoms[].media[]"),
                    upload_state=_field(media, "upload_state", "getPhenoms[].media[]"),
                    signed_uri=_field(media, "signed_uri", "getPhenoms[].media[]"),
                )
                for media in _field(row, "media", "getPhenoms[]")
            ),
        )
        for row in _field(data, "getPhenoms", "getPhenoms")
    )


def deleted_phenom(data: Mapping[str, Any]) -> DeletedPhenom:
    """The DeletedPhenom in a deletePhenom `data` object."""
    answer = _field(data, "deletePhenom", "deletePhenom")
    return DeletedPhenom(
        phenom_id=_field(answer, "phenomId", "deletePhenom"),
        deleted_objects=_field(answer, "deletedObjects", "deletePhenom"),
    )


def _field(obj: Any, name: str, where: str) -> Any:
    if not isinstance(obj, Mapping) or obj.get(name) is None:
        raise GraphQLRequestFailed(
            f"{where} answered without {name}: the API no longer matches phenom_client/documents; "
            "compare them with hasura/metadata/actions.graphql"
        )
    return obj[name]
