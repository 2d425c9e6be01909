"""The network side of ``layers fetch-osm``: one Overpass request, retries, and the answer's check.

Politeness follows the Overpass API user's manual, chapter "Commons"
(https://dev.overpass-api.de/overpass-doc/en/preface/commons.html: at most about 10,000 requests
and 1 GB a day per user; load shedding first hits heavy users) and the Overpass QL wiki
(https://wiki.openstreetmap.org/wiki/Overpass_API/Overpass_QL: server-side ``[timeout:]``
default 180 s). Requests are sent one after the other (never in parallel; the public instance
gives an address two slots, https://overpass-api.de/api/status), with a pause between them, and
HTTP 429 "Too Many Requests" / 503 / 504 answers are retried after the server's ``Retry-After``
(RFC 9110, section 10.2.3) or an exponential back-off. Every request names the tool in its
``User-Agent`` header (RFC 9110, section 10.1.5).

An answer is data only if it is OSM XML (root ``<osm>``) without a ``<remark>`` that reports a
``runtime error``: on a time-out or memory overrun Overpass answers HTTP 200 with the partial data
and such a remark, and on overload an HTML page; both are failures, never data.

Tests replace :func:`http_post` (no sockets) and :data:`sleep`.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .. import __version__
from .errors import LayerError

#: The User-Agent of every request: tool name, version and what it does.
USER_AGENT = f"haldenenergie/{__version__} (spoil-heap energy potential; layers fetch-osm)"

#: Seconds the client waits beyond the query's server-side ``[timeout:]`` [s]. Assumption: the
#: server stops at its own limit and still has to send its answer and remark; 60 s cover that.
CLIENT_GRACE_S = 60.0

#: First back-off wait after a failed attempt [s], doubled on each further attempt.
#: Assumption: Overpass frees a slot within seconds to a minute after a query (its status page
#: shows "Slot available after ... in N seconds"); 10, 20, 40 s cover that without hammering.
BACKOFF_BASE_S = 10.0

#: Longest wait [s] a ``Retry-After`` may ask for; beyond it the cluster fails with a message to
#: rerun later. Assumption: a fetch should not hang for more than 10 minutes per cluster.
MAX_WAIT_S = 600.0

#: HTTP statuses worth retrying: 429 Too Many Requests (RFC 6585), 502/503/504 (RFC 9110; Overpass
#: answers 504 when no slot frees in time).
RETRY_STATUSES = frozenset({429, 502, 503, 504})

#: Characters of a server message quoted in an error line.
QUOTE_CHARS = 160


class FetchError(LayerError):
    """An Overpass request failed (network, HTTP status, non-XML or runtime-error answer)."""


@dataclass(frozen=True)
class HttpResponse:
    """An HTTP answer: status code, headers (lower-case names) and the body bytes."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class AttemptFailed(Exception):
    """Why one attempt failed, whether to retry, and the wait [s] the server asked for (or None)."""

    def __init__(self, message: str, retriable: bool, wait_s: float | None = None):
        super().__init__(message)
        self.message, self.retriable, self.wait_s = message, retriable, wait_s


def http_post(url: str, data: bytes, headers: Mapping[str, str], timeout_s: float) -> HttpResponse:
    """POST ``data`` to ``url``; HTTP error statuses are returned, network failures raise.

    Parameters
    ----------
    url : http(s) URL.
    data : request body (``application/x-www-form-urlencoded``).
    headers : request headers.
    timeout_s : [s] socket timeout (connect and each read).

    Raises
    ------
    OSError : connection failure or time-out (``urllib.error.URLError``, ``TimeoutError``).
    """
    req = urllib.request.Request(url, data=data, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310 - http(s) only
            return HttpResponse(resp.status, _lower(resp.headers), resp.read())
    except urllib.error.HTTPError as exc:
        return HttpResponse(exc.code, _lower(exc.headers or {}), exc.read() or b"")


def _lower(headers) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


#: The wait function (replaced in tests).
sleep: Callable[[float], None] = time.sleep


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` if it is an http(s) URL with a host, else a one-line :class:`FetchError`."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(
            f"--endpoint {endpoint!r}: not an http(s) URL; give an Overpass interpreter URL such "
            f"as https://overpass-api.de/api/interpreter"
        )
    return endpoint


def _text_snippet(body: bytes) -> str:
    """The readable text of an (HTML) error body, shortened to :data:`QUOTE_CHARS`."""
    text = body.decode("utf-8", errors="replace")
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", text)
    text = " ".join(re.sub(r"<[^>]+>", " ", text).split())
    m = re.search(r"(?i)(runtime error|error)[:\s].*", text)
    text = m.group(0) if m else text
    return (text[:QUOTE_CHARS] + "...") if len(text) > QUOTE_CHARS else (text or "empty body")


def retry_after_s(value: str | None, now: _dt.datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delay-seconds or an HTTP-date; RFC 9110).

    Returns None if the header is absent or unreadable.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now or _dt.datetime.now(_dt.UTC)
    return max(0.0, (when - now).total_seconds())


def check_overpass_xml(body: bytes) -> dict:
    """Check that ``body`` is complete Overpass OSM XML; return what it holds.

    Returns
    -------
    dict with ``generator``, ``osm_base`` (the data's timestamp from ``<meta osm_base>``) and
    ``elements`` ({"node": n, "way": n, "relation": n}).

    Raises
    ------
    AttemptFailed : the body is not XML, its root is not ``<osm>``,
    or a ``<remark>`` reports a runtime error (retried if it is a time-out).
    """
    counts = {"node": 0, "way": 0, "relation": 0}
    info: dict = {"generator": "", "osm_base": ""}
    remarks: list[str] = []
    try:
        for event, elem in ET.iterparse(io.BytesIO(body), events=("start", "end")):
            if event == "start":
                if not info["generator"] and elem.tag == "osm":
                    info["generator"] = elem.get("generator", "")
                continue
            if elem.tag in counts:
                counts[elem.tag] += 1
            elif elem.tag == "meta" and elem.get("osm_base"):
                info["osm_base"] = elem.get("osm_base")
            elif elem.tag == "remark":
                remarks.append(" ".join((elem.text or "").split()))
            if elem.tag in counts:
                elem.clear()
            root_tag = elem.tag
    except ET.ParseError as exc:
        raise AttemptFailed(f"answer is not XML ({exc}): {_text_snippet(body)}", True) from None
    if root_tag != "osm":
        raise AttemptFailed(f"answer is XML but not OSM (root <{root_tag}>)", False)
    for remark in remarks:
        if "runtime error" in remark.lower():
            timed_out = "timed out" in remark.lower() or "timeout" in remark.lower()
            raise AttemptFailed(f"Overpass remark: {remark[:QUOTE_CHARS]}", timed_out)
    info["elements"] = counts
    return info


def _judge(resp: HttpResponse) -> dict:
    """The check result of a 200 answer, or raise :class:`AttemptFailed`."""
    if resp.status in RETRY_STATUSES:
        wait = retry_after_s(resp.headers.get("retry-after"))
        msg = f"HTTP {resp.status}: {_text_snippet(resp.body)}"
        raise AttemptFailed(msg, retriable=True, wait_s=wait)
    if resp.status != 200:
        raise AttemptFailed(f"HTTP {resp.status}: {_text_snippet(resp.body)}", False)
    return check_overpass_xml(resp.body)


def fetch_query(
    endpoint: str,
    query: str,
    *,
    timeout_s: float,
    retries: int,
    backoff_s: float = BACKOFF_BASE_S,
    log: Callable[[str], None] | None = None,
) -> tuple[bytes, dict]:
    """Send one Overpass query; retry time-outs, 429/5xx and network failures with back-off.

    Parameters
    ----------
    endpoint : Overpass interpreter URL.
    query : Overpass QL text (sent as the form field ``data``).
    timeout_s : [s] the query's server-side limit; the client waits :data:`CLIENT_GRACE_S` more.
    retries : further attempts after the first (0 = one attempt).
    backoff_s : [s] wait before the first retry when the server names none; doubled each time.
    log : called with one line per failed attempt (e.g. to print a note).

    Returns
    -------
    (the answer bytes, :func:`check_overpass_xml` info plus ``attempts``)

    Raises
    ------
    FetchError : the last attempt failed, the failure is not retriable, or the server asks to
        wait longer than :data:`MAX_WAIT_S`.
    """
    data = urllib.parse.urlencode({"data": query}).encode("utf-8")
    headers = {
        "User-Agent": USER_AGENT,
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Accept": "application/osm3s+xml, application/xml, text/xml",
    }
    attempt = 0
    while True:
        try:
            resp = http_post(endpoint, data, headers, timeout_s + CLIENT_GRACE_S)
            info = _judge(resp)
            info["attempts"] = attempt + 1
            return resp.body, info
        except AttemptFailed as exc:
            failure = exc
        except OSError as exc:  # URLError, TimeoutError, ConnectionError
            reason = getattr(exc, "reason", exc)
            failure = AttemptFailed(f"network: {type(exc).__name__}: {reason}", retriable=True)
        tries = f"after {attempt + 1} attempt{'s' if attempt else ''}"
        if not failure.retriable or attempt >= retries:
            raise FetchError(f"{failure.message} ({tries})")
        wait = failure.wait_s if failure.wait_s is not None else backoff_s * 2**attempt
        if wait > MAX_WAIT_S:
            raise FetchError(
                f"{failure.message}; the server asks to wait {wait:.0f} s (> {MAX_WAIT_S:.0f} s) "
                f"({tries}); rerun later"
            )
        if log is not None:
            log(f"{failure.message}; retrying in {wait:.0f} s")
        sleep(wait)
        attempt += 1
