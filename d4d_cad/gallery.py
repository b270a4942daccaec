"""The batch gallery: ``DIR/index.html``, one static page showing every variant of a sweep as a card.

The page works opened from disk (``file://``) with no server and no network: CSS and JavaScript
are inline (``gallery.html``, package data), the rows are embedded once as a JSON array of arrays
and the cards are built from it in the browser (240 at a time, "show more" for the rest), so a
sweep of thousands of variants stays a few MB and a fast page. Each card shows the thumbnail (or a
placeholder naming the status), the status and failing check codes, the message, cost, sheets,
utilisation, cut length and time, the worst margin of each check family, the varied parameters,
and links to the bundle and the folder; the page filters by status and text and sorts by index,
cost, sheets or margins.

Rows are treated as hostile: every value reaches the page as JSON text (``<``, ``>`` and ``&``
escaped, so nothing can close the data block) and is put into the page with ``textContent``,
never as markup; links are percent-encoded relative paths; a Content-Security-Policy allows only
the page's own script and style (by hash) and local images, so even a value that slipped
through could neither run a script nor reach the network.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from parametric.errors import D4DError, OutputError
from .output import atomic_write_bytes

#: Statuses a batch row can have, in the order the page lists them (others are listed after).
STATUSES = ("ok", "failed", "refused", "error", "timeout", "killed")
MARGINS = ("margin.stability", "margin.manufacturability", "margin.overlap", "margin.strength", "margin.ergonomics")
#: Contract columns holding numbers (empty or None means "not measured").
NUMBERS = ("index", *MARGINS, "sheets", "utilisation", "cut_length_m", "cut_time_min", "cost", "seconds")
TEXTS = ("variant", "status", "codes", "message", "model", "hash", "machine", "material")
LINKS = ("thumbnail", "bundle", "folder")
MESSAGE_CHARS = 2000  # longer messages are cut on the page (results.csv keeps them whole)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_MARK = re.compile(r"@@(TITLE|CSP|DATA)@@")


class GalleryError(D4DError, ValueError):
    """A gallery row breaks the row contract (no variant id or status, a number that is not one,
    a link that is not a relative path)."""


def write_gallery(rows: Sequence[Mapping[str, Any]], path: Path, *, title: str,
                  summary: Mapping[str, int] | None = None) -> None:
    """Write the static gallery page ``path`` (atomically: temp file + os.replace).

    Args:
        rows: one flat mapping per variant (the batch row contract: ``variant``, ``index``,
            ``status``, ``codes``, ``message``, ``param.<name>``, ``margin.<family>``, ``sheets``,
            ``cost``..., ``thumbnail``/``bundle``/``folder`` as paths relative to ``path``'s
            folder, or empty). Other keys are ignored.
        path: the page to write (its folder is created if needed).
        title: the page title (escaped).
        summary: counts to show in the header (e.g. ``{"total": 20, "ok": 15}``); by default
            the total and the count of each status.

    Raises:
        GalleryError: a row has no variant id or status, a non-numeric number, or a link that is
            absolute or has a URL scheme. OutputError: the page cannot be written.
    """
    page = render_gallery(rows, title=title, summary=summary)
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, page.encode("utf-8"))
    except OSError as exc:
        raise OutputError(f"cannot write the gallery {path}: {exc.strerror or exc}; "
                          "check that the folder is writable") from None


def render_gallery(rows: Sequence[Mapping[str, Any]], *, title: str,
                   summary: Mapping[str, int] | None = None) -> str:
    """The gallery page as a string (see :func:`write_gallery`)."""
    params = list(dict.fromkeys(k[6:] for row in rows for k in row if k.startswith("param.")))
    columns = [*TEXTS, "thickness", *NUMBERS, *LINKS, *(f"param.{p}" for p in params)]
    table = [_row(row, i, columns) for i, row in enumerate(rows)]
    at = columns.index("status")
    present = {r[at] for r in table}
    statuses = [s for s in STATUSES if s in present] + sorted(present - set(STATUSES))
    if summary is None:
        summary = {"total": len(table), **{s: sum(r[at] == s for r in table) for s in statuses}}
    bad = [k for k, v in summary.items() if isinstance(v, bool) or not isinstance(v, numbers.Integral)]
    if bad:
        raise GalleryError(f"gallery summary values must be counts (int); {bad} are not")
    data = {"columns": columns, "params": params, "statuses": statuses,
            "summary": {str(k): int(v) for k, v in summary.items()}, "rows": table}
    text = json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    # Inside <script> only "</" could end the block; escaping <, > and & keeps the JSON identical.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    template, csp = _template()
    values = {"TITLE": html.escape(title), "CSP": csp, "DATA": text}
    return _MARK.sub(lambda m: values[m.group(1)], template)


def _row(row: Mapping[str, Any], i: int, columns: list[str]) -> list[Any]:
    """One row as a list in the page's column order, checked and normalised."""
    label = f"row {i} ({str(row.get('variant', ''))[:80]!r})"
    rec: dict[str, Any] = {k: "" if row.get(k) is None else str(row[k]) for k in TEXTS}
    if not rec["variant"] or not rec["status"]:
        raise GalleryError(f"gallery {label}: every row needs a non-empty 'variant' (folder id) and 'status'")
    if len(rec["message"]) > MESSAGE_CHARS:
        rec["message"] = rec["message"][:MESSAGE_CHARS] + " [... cut here: results.csv has the whole message]"
    rec.update({k: _number(row.get(k), k, label) for k in NUMBERS})
    if rec["index"] is None:
        rec["index"] = i  # no index: the row's position
    thickness = row.get("thickness")
    try:
        rec["thickness"] = _number(thickness, "thickness", label)
    except GalleryError:  # text such as "18 (measured 17.7)": shown as written
        rec["thickness"] = str(thickness)
    rec.update({k: _link(row.get(k), k, label) for k in LINKS})
    rec.update({c: _value(row.get(c)) for c in columns if c.startswith("param.")})
    return [rec[c] for c in columns]


def _number(value: Any, key: str, label: str) -> float | int | None:
    """A contract number: ints and floats (numpy's too) kept, numeric text parsed, empty/None/NaN/inf -> None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise GalleryError(f"gallery {label}: {key} {value[:40]!r} is not a number; "
                               "write a number or leave it empty") from None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise GalleryError(f"gallery {label}: {key} must be a number or empty, not {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def _value(value: Any) -> Any:
    """A parameter value: numbers kept (non-finite -> None), text and flags as they are, anything else as text."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return value if math.isfinite(value) else None
    return str(value)


def _link(value: Any, key: str, label: str) -> str:
    """A relative path, percent-encoded for an ``href``/``src``; empty stays empty."""
    if value is None or value == "":
        return ""
    text = str(value)
    if text.startswith(("/", "\\")) or _SCHEME.match(text):
        raise GalleryError(f"gallery {label}: {key} {text[:80]!r} must be a path relative to the page's "
                           "folder (e.g. variants/<id>/thumbnail.png), not an absolute path or URL")
    return quote(text.replace("\\", "/"), safe="/")


@lru_cache(maxsize=1)
def _template() -> tuple[str, str]:
    """The page template and its Content-Security-Policy (hashes of its one style and one script)."""
    template = resources.files(__package__).joinpath("gallery.html").read_text(encoding="utf-8")
    style = re.search(r"<style>(.*?)</style>", template, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", template, re.DOTALL)
    if style is None or script is None:  # a broken package, not a user error
        raise RuntimeError("gallery.html must hold one <style> and one plain <script> element")

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"

    csp = (f"default-src 'none'; img-src file: data: 'self'; style-src {digest(style.group(1))}; "
           f"script-src {digest(script.group(1))}; base-uri 'none'; form-action 'none'")
    return template, csp
