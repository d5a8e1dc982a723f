"""The Contexte's text: paragraphs and lists typed as text, shown as HTML we write alone."""

import pytest
from bs4 import BeautifulSoup

from carnet.scenarios.richtext import blocks, clean_text, render_html


def tags(html: str) -> list[str]:
    return [tag.name for tag in BeautifulSoup(html, "html.parser").find_all(True)]


class TestCleanText:
    def test_line_ends_controls_and_blank_lines(self):
        assert clean_text("a\r\nb\rc\t d\x00\u202e\u200b  \n\n\n\n e \n") == "a\nb\nc  d\n\n e"

    def test_nothing(self):
        assert clean_text(None) == "" and clean_text("  \n ") == ""


class TestRender:
    def test_paragraphs_lines_and_lists(self):
        text = (
            "Le client souhaite\nun devis.\n\n- mesurer\n- câbler\n  le tableau\n\n"
            "1. consigner\n2) vérifier"
        )
        assert blocks(text) == [
            ("p", ["Le client souhaite", "un devis."]),
            ("ul", ["mesurer", "câbler le tableau"]),
            ("ol", ["consigner", "vérifier"]),
        ]
        html = render_html(text)
        assert tags(html) == ["p", "br", "ul", "li", "li", "ol", "li", "li"]
        assert "<li>câbler le tableau</li>" in html

    @pytest.mark.parametrize(
        "typed",
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "<a href='javascript:alert(1)'>lien</a>",
            "- <b>gras</b>",
            "javascript:alert(1)",
        ],
    )
    def test_html_typed_is_shown_as_text(self, typed):
        html = render_html(typed)
        assert set(tags(html)) <= {"p", "ul", "li"}
        assert "javascript:alert" not in str(BeautifulSoup(html, "html.parser").find_all("a"))
        assert BeautifulSoup(html, "html.parser").get_text().lstrip("- ") in typed

    def test_web_addresses_become_links_that_leave_nothing_behind(self):
        html = render_html("Voir https://eduscol.education.fr/ et <b>ceci</b>")
        link = BeautifulSoup(html, "html.parser").find("a")
        assert link["href"] == "https://eduscol.education.fr/"
        assert "nofollow" in link["rel"]
        assert "&lt;b&gt;ceci&lt;/b&gt;" in html

    def test_empty(self):
        assert render_html("") == ""
