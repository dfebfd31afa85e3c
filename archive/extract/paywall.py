"""Whether a page shows only the opening of its article: its paywall markup, or the text itself.

Markup first (JSON-LD ``isAccessibleForFree``, ``article:content_tier``, gathered with the other
metadata). Pages without it are caught by what readers see: a prompt to subscribe to read on
("Subscribe to continue reading", "Weiterlesen mit Z+", "La suite est réservée aux abonnés"),
and an article text that stops mid-sentence or on an ellipsis. A prompt alone is no teaser:
"Already a subscriber? Log in" sits in the header of many free articles.
"""

from __future__ import annotations

import re

from archive.extract.rawhtml import slim

TEASER_CHARS = 1200  # a page marked not free whose text is shorter holds only the opening
_PROMPT = re.compile(
    r"\b(subscribe (now )?to (continue|keep) reading|to continue reading|continue reading with|"
    r"to read the (full|whole|rest of the) (article|story)|unlock this (article|story)|"
    r"this (article|story|content) is (only )?(available|reserved|exclusive) (to|for) (subscribers|members)|"
    r"subscribers only|exclusive to subscribers|"
    r"weiterlesen mit|jetzt weiterlesen|lesen sie (jetzt )?weiter mit|(nur|exklusiv) für abonnenten|"
    r"dieser artikel ist (nur )?für (abonnenten|abonnentinnen)|"
    r"réservée? aux abonnés|la suite est réservée|abonnez-vous pour lire la suite|"
    r"exclusivo para (suscriptores|assinantes)|suscríbete para seguir leyendo|assine para continuar lendo|"
    r"riservato agli abbonati|abbonati per continuare|"
    r"alleen voor abonnees)\b",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]+>")
_ENDS_OPEN = re.compile(r"(\w|,|…|\.\.\.)\s*$")


def _ends_open(text: str) -> bool:
    """``_ENDS_OPEN`` searched from the last three characters before the trailing space: the same
    answer without trying every position of a long text."""
    return _ENDS_OPEN.search(text, max(0, len(text.rstrip()) - 3)) is not None


def prompt_in(page: str) -> str | None:
    """The subscribe-to-read-on prompt an HTML page shows, if any (scripts, styles and tags aside)."""
    match = _PROMPT.search(" ".join(_TAG.sub(" ", slim(page)).split()))
    return match.group(0) if match else None


def _before_prompt(body: str) -> str:
    """The text before a prompt that ends it ("... a group that wants Weiterlesen mit Z+")."""
    start = max(0, len(body) - 300)
    found = list(_PROMPT.finditer(body, start))
    return body[: found[-1].start()] if found else body


def access(marked: str | None, source: str | None, body: str, page: str | None) -> tuple[str, str]:
    """free, teaser or paywalled, and the evidence; ``page``: the HTML, read only when the text
    stops open or on a prompt (most articles do neither)."""
    if marked == "restricted":
        kind = "teaser" if len(body) < TEASER_CHARS else "paywalled"
        return kind, f"{source} (not free; {len(body)} characters)"
    prompt = None
    if page and (_ends_open(body) or _PROMPT.search(body, max(0, len(body) - 300))):
        prompt = prompt_in(page)
    if prompt and _ends_open(_before_prompt(body)):
        return "teaser", f"text (stops mid-sentence; the page says {prompt!r})"
    return "free", source or "no paywall markup"
