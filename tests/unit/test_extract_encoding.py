"""Charset handling: declared charsets are trusted only when the bytes agree."""

from __future__ import annotations

from archive.extract import decode, extract
from archive.models import RawDocument

FRENCH = (
    "Le conseil municipal a voté mardi la rénovation du théâtre, fermé depuis l'été dernier. "
    "Les travaux coûteront près de deux millions d'euros et dureront jusqu'à la fin de l'année prochaine. "
) * 2
RUSSIAN = (
    "Городской совет во вторник проголосовал за ремонт старого театра, закрытого с прошлого лета. "
    "Работы обойдутся почти в два миллиона рублей и продлятся до конца следующего года. "
) * 2


def html(text: str, charset: str, title: str = "Nouvelles") -> str:
    return (
        f'<html><head><meta charset="{charset}"><title>{title}</title></head><body><article>'
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    )


def test_iso_8859_1_page_with_its_declared_charset():
    body = html(FRENCH, "iso-8859-1").encode("iso-8859-1")
    text, how = decode(body)
    assert "rénovation du théâtre" in text and how == "declared"
    article = extract(
        RawDocument(url="https://ville.example/theatre", source="ville.example", origin="html", body=body)
    )
    assert "rénovation du théâtre" in article.text
    assert article.provenance["encoding"] == "declared"


def test_windows_1251_page_with_a_misleading_meta_charset_is_detected():
    body = html(RUSSIAN, "iso-8859-1").encode("cp1251")  # the meta tag lies
    text, how = decode(body)
    assert "Городской совет" in text and how == "detected"
    article = extract(RawDocument(url="https://gorod.example/teatr", source="gorod.example", origin="html", body=body))
    assert "Городской совет во вторник" in article.text
    assert "Ð" not in article.text and "Ã" not in article.text


def test_http_header_charset_is_overruled_by_valid_utf8():
    body = html(RUSSIAN, "windows-1251").encode("utf-8")
    text, how = decode(body, declared="windows-1251")
    assert "Городской совет" in text and how == "utf-8"


def test_charset_names_are_compared_as_codecs():
    body = html(FRENCH, "ISO_8859-1").encode("latin-1")
    for declared in ("latin-1", "iso-8859-1", "ISO_8859-1", "l1"):
        text, how = decode(body, declared=declared)
        assert "rénovation du théâtre" in text and how == "declared", declared


def test_pages_labelled_latin1_are_read_as_windows_1252_like_browsers_do():
    body = html("„Brave New Woman“ – the album … " + FRENCH, "iso-8859-1").encode("cp1252")
    text, how = decode(body)
    assert "„Brave New Woman“ – the album …" in text and how == "declared"
    assert not any("\x80" <= ch <= "\x9f" for ch in text)


def test_unknown_declared_charset_falls_back_to_detection():
    body = html(RUSSIAN, "x-no-such-charset").encode("cp1251")
    text, how = decode(body, declared="x-no-such-charset")
    assert "Городской совет" in text and how == "detected"
