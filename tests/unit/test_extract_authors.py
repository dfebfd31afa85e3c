"""Author values must be people's names: the sanity rule on its own."""

from __future__ import annotations

import pytest

from archive.extract.metadata import clean_author, split_authors


@pytest.mark.parametrize(
    "value, name",
    [
        ("By Jane Porter", "Jane Porter"),
        ("Analysis by Chris Lane", "Chris Lane"),
        ("Text: Anna Berg", "Anna Berg"),
        ("Malcolm Owen Monday", "Malcolm Owen"),
        ("Jeff FoustMonday, 5 May", "Jeff Foust"),
        ("Trevor J. Mitchell", "Trevor J. Mitchell"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Венера Ерофеева", "Венера Ерофеева"),
    ],
)
def test_names_are_kept_and_cleaned(value, name):
    assert clean_author(value) == name


@pytest.mark.parametrize(
    "value, site, host",
    [
        ("Read our full coverage of the election here.", None, None),
        ("https://www.facebook.com/jane.porter", None, None),
        ("@janeporter", None, None),
        ("AP National Security Writer", None, None),
        ("Reuters", None, None),
        ("Valley Post Staff", None, None),
        ("Syrian defense ministries", None, None),
        ("Metro Desk - Politics", None, None),
        ("Valley Post", "Valley Post", None),
        ("Business Insider", None, "www.businessinsider.com"),
        ("Sky News", None, "news.sky.com"),
    ],
)
def test_non_names_are_rejected(value, site, host):
    assert clean_author(value, site, host) is None


@pytest.mark.parametrize(
    "name, host",
    [("Skyler Brown", "news.sky.com"), ("Tim Eastman", "time.com"), ("Anna Bell", "www.bbc.co.uk")],
)
def test_names_that_share_letters_with_the_host_are_kept(name, host):
    assert clean_author(name, None, host) == name


def test_several_authors_are_split():
    assert split_authors("Ann Lee, Bo Kim and Cy Dee") == ["Ann Lee", "Bo Kim", "Cy Dee"]
    assert split_authors("Ann Lee; Bo Kim & Cy Dee") == ["Ann Lee", "Bo Kim", "Cy Dee"]


def test_outlet_after_the_name_and_publications_with_an_article():
    assert clean_author("Finian Cunningham. Sputnik International") == "Finian Cunningham"
    assert clean_author("The Morning Brief") is None
