"""Bare Starlette apps: what an endpoint costs under the same server before the product does anything.

Each answers the same paths as the product with the least work that still
reads the request the same way, so the ratio shows what routing, validation,
the outbox or TwiML add on top.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello.</Say><Hangup /></Response>'


async def route_answer(request: Request) -> JSONResponse:
    return JSONResponse({"query": request.query_params.get("q", ""), "contact": {"id": "x"}})


async def forward_answer(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse({"id": "FW-0", "status": "queued", "to": "x", "contact_id": body.get("group_id")}, status_code=202)


async def twiml_answer(request: Request) -> Response:
    await request.form()  # the same body parsing every webhook pays for
    return Response(TWIML, media_type="text/xml")


app = Starlette(
    routes=[
        Route("/api/route", route_answer, methods=["GET"]),
        Route("/api/forward", forward_answer, methods=["POST"]),
        Route("/ivr/voice", twiml_answer, methods=["POST"]),
        Route("/ivr/gather", twiml_answer, methods=["POST"]),
    ]
)
