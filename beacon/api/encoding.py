"""Response bodies: SSZ views as Beacon API JSON, or as SSZ bytes, chosen by `Accept`.

JSON follows the standard API conventions: uints as decimal strings, bytes, roots and
bitfields as 0x hex, containers as objects. SSZ bodies are `application/octet-stream`.
"""
from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from beacon.api.errors import ApiError
from ssz.codec import encode

JSON = "application/json"
SSZ = "application/octet-stream"


def to_json(view) -> Any:
    """An SSZ view in Beacon API JSON."""
    if hasattr(type(view), "fields") and callable(getattr(type(view), "fields")):
        return {name: to_json(getattr(view, name)) for name in type(view).fields()}
    if isinstance(view, bool) or type(view).__name__ == "boolean":
        return bool(view)
    if isinstance(view, int):
        return str(int(view))
    if isinstance(view, bytes):
        return "0x" + bytes(view).hex()
    if hasattr(view, "encode_bytes") and type(view).__name__.endswith(("BitlistView", "BitvectorView")):
        return "0x" + view.encode_bytes().hex()
    return [to_json(v) for v in view]


def hex0x(data: bytes) -> str:
    return "0x" + bytes(data).hex()


def wants_ssz(request: Request) -> bool:
    """True when the client prefers SSZ over JSON (RFC 9110 media ranges with q-values).

    JSON wins ties and a missing header, as in the standard API.

    Raises:
        ApiError: 406 when `Accept` names neither JSON nor SSZ (nor a wildcard).
    """
    header = request.headers.get("accept", "")
    if not header.strip():
        return False
    best = {JSON: 0.0, SSZ: 0.0}
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0  # a malformed q-value is not a preference
        media = media.lower()
        for kind in best:
            if media in (kind, "*/*", kind.split("/")[0] + "/*"):
                best[kind] = max(best[kind], q)
    if best[JSON] == best[SSZ] == 0:
        raise ApiError(406, f"cannot produce {header[:80]!r}: only {JSON} or {SSZ}")
    return best[SSZ] > best[JSON]


def ssz_or_json(request: Request, view, json_body, headers: dict | None = None) -> Response:
    """`view` as SSZ bytes if the client prefers them, else `json_body()` as JSON."""
    if wants_ssz(request):
        return Response(encode(view), media_type=SSZ, headers=headers)
    return JSONResponse(json_body(), headers=headers)
