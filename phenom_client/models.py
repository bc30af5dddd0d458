"""What the Phenom API answers, as frozen records; presigned URLs are kept out of reprs because they grant access."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from phenom_client.errors import GraphQLRequestFailed


@dataclass(frozen=True)
class MediaFile:
    """One file of a phenom: the name the app gave it and its S3 key."""

    filename: str
    key: str


@dataclass(frozen=True)
class PresignedUpload(MediaFile):
    """One file of a new phenom and the URL to PUT its bytes to."""

    upload_url: str = field(repr=False)


@dataclass(frozen=True)
class CreatedPhenom:
    """createPhenom's answer."""

    phenom_id: str
    uploads: tuple[PresignedUpload, ...]


@dataclass(frozen=True)
class PhenomMedia(MediaFile):
    """One file of a listed phenom and the presigned GET of its bytes."""

    sort_order: int
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
            **_fields(row, "getPhenoms[]", "id", "lat", "lng", "media_type", "created_at"),
            signed_uri=row.get("signed_uri"),
            media=tuple(
                PhenomMedia(
                    **_fields(
                        media, "getPhenoms[].media[]", "filename", "sort_order", "key", "upload_state", "signed_uri"
                    )
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


def _fields(obj: Any, where: str, *names: str) -> dict[str, Any]:
    """The fields `names` of `obj`, each checked by _field."""
    return {name: _field(obj, name, where) for name in names}
