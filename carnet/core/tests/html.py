"""Reading the HTML a user sees, in tests."""

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    """The page's visible text, whitespace collapsed (entities decoded)."""
    return " ".join(soup(response).get_text(" ").split())
