"""Reading the HTML a user sees, in tests."""

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response) -> str:
    """The page's visible text, whitespace collapsed (entities decoded)."""
    return " ".join(soup(response).get_text(" ").split())


def labels(page: BeautifulSoup) -> set[str]:
    """The texts of the page's <label>s (a required field's « * » left out)."""
    return {tag.get_text(" ", strip=True).rstrip(" *") for tag in page.find_all("label")}
