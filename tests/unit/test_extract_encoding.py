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
