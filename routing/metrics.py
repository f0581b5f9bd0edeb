"""The counters the app keeps for Prometheus, declared once for every layer that counts.

With several workers, each process counts on its own and prometheus-client's
multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, set by ``routing serve
--workers``) adds them up at scrape time. Values that belong to the shared
store (outbox depth, oldest age) are read from it when scraped, not counted.
"""

from __future__ import annotations

from prometheus_client import Counter

http_requests = Counter(
    "routing_http_requests", "HTTP requests answered, by route template, method and status.", ["route", "method", "status"]
)
route_decisions = Counter(
    "routing_route_decisions", "Questions routed, by the contact chosen and whether it was the general-line fallback.", ["contact", "fallback"]
)
deliveries = Counter("routing_deliveries", "Delivery attempts of forwarded requests, by outcome (sent, retry, failed, written).", ["outcome"])
triage_actions = Counter("routing_triage_actions", "Emails triaged, by the action suggested.", ["action"])
ivr_calls = Counter("routing_ivr_calls", "Phone calls answered by the IVR.")
