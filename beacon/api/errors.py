"""The Beacon API error shape and the exceptions handlers raise to produce it.

Every error leaves the API as JSON `{"code": N, "message": "..."}` with the standard
status: handlers raise `ApiError` (or a subclass), routing misses become Starlette
`HTTPException`s, and both are rendered here, keeping any headers (405's `Allow`).
"""
from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer other than 2xx that the client caused or must be told about."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


class BadRequest(ApiError):
    """400: the request is malformed (a bad id, query value or header)."""

    def __init__(self, message: str):
        super().__init__(400, message)


class NotFound(ApiError):
    """404: the request is well-formed but names nothing we have."""

    def __init__(self, message: str):
        super().__init__(404, message)


def error_response(status: int, message: str, headers=None) -> JSONResponse:
    return JSONResponse({"code": status, "message": message}, status, headers=headers)


async def on_api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(exc.status, exc.message, exc.headers)


async def on_http_exception(request: Request, exc: HTTPException) -> JSONResponse:
    return error_response(exc.status_code, exc.detail, exc.headers)


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette calls this for any exception a handler did not turn into an ApiError,
    # then re-raises it, so the traceback still reaches the server log once.
    return error_response(500, f"internal error: {type(exc).__name__}")


EXCEPTION_HANDLERS = {
    ApiError: on_api_error,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}
