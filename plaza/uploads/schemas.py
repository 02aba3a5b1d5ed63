"""Shapes of the uploads API."""

from __future__ import annotations

from ninja import Schema


class UploadOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str
    is_image: bool = False
