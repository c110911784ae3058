"""The ASGI apps: the Beacon API (routes from `ROUTE_MODULES`) and the metrics endpoint.

To add a group of routes, write a module with a `ROUTES` list of Starlette `Route`s
whose handlers read the node through `beacon.api.backend.backend(request)`, and add the
module to `ROUTE_MODULES` below: that one line is the whole registration.
"""
from __future__ import annotations

from prometheus_client.exposition import choose_encoder
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from beacon.api import beacon_routes, debug_routes, fork_view, node_routes, pool_routes
from beacon.api.backend import ApiBackend
from beacon.api.errors import EXCEPTION_HANDLERS
from beacon.api.metrics import NodeMetrics

# Registration point for route modules (e.g. a future `beacon.api.fork_view`).
ROUTE_MODULES = (
    node_routes,
    beacon_routes,
    debug_routes,
    fork_view,
    pool_routes,
)


def build_api_app(backend: ApiBackend, route_modules=ROUTE_MODULES) -> Starlette:
    """The Beacon API over `backend`; every error answers {"code", "message"}."""
    routes = [route for module in route_modules for route in module.ROUTES]
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS)
    app.state.backend = backend
    return app


def build_metrics_app(metrics: NodeMetrics) -> Starlette:
    """GET /metrics (and /) from the node's own registry, in the format `Accept` asks for.

    prometheus-client's own ASGI app answers every path and method alike; routing it
    through Starlette gives the same 404/405 answers as the API.
    """
    async def exposition(request: Request) -> Response:
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(metrics.registry), headers={"Content-Type": content_type})

    return Starlette(routes=[Route("/metrics", exposition, methods=["GET"]),
                             Route("/", exposition, methods=["GET"])],
                     exception_handlers=EXCEPTION_HANDLERS)
