"""Issue 16: text from data renders as text in every Markdown the notebooks display."""

import html
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from analysis.present import text

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(2)</script>",
    "Tom & Jerry &amp; &#60;b&#62;",
    "[x](javascript:alert(3))",
    "![x](http://example.org/a.png)",
    "<http://example.org> https://example.org/x www.example.org",
    "**bold** _it_ `code` ~~gone~~ a|b US$1 and US$2 \\",
    "# heading",
    "- item",
    "1. item",
    "line one\n\nline two\r\n<b>",
]


def render(markdown):
    """Render as the report does: nbconvert's Markdown filter, ``$`` escaped first."""
    return markdown2html_mistune(re.sub(r"(?<!\\)\$", r"\\$", str(markdown)))


def inner(rendered):
    """Return the HTML inside the single paragraph a one-line Markdown renders to."""
    match = re.fullmatch(r"<p>(.*)</p>\s*", rendered, flags=re.DOTALL)
    assert match, rendered
    return match.group(1)


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_data_renders_as_its_own_text(value):
    body = inner(render(text.markdown("**{id}** — {statement}.", id="C99", statement=value)))
    shown = body.removeprefix("<strong>C99</strong> — ").removesuffix(".")
    assert "<" not in shown  # no tag, no link, no image, no emphasis
    assert html.unescape(shown) == text.one_line(value).strip()


@given(st.text(min_size=1).filter(lambda s: text.one_line(s).strip()))
@example("[x](javascript:alert(1)) ![y](z) <img src=x onerror=alert(1)>")
@example("https://example.org")
@example("2020. then")
def test_any_text_renders_as_itself_with_no_tag(value):
    shown = inner(render(text.markdown("{}", value)))
    assert "<" not in shown
    assert html.unescape(shown) == text.one_line(value).strip()


def test_template_markdown_is_kept_and_fields_formatted():
    out = text.markdown("**{n}** of {share:.0%}: {what}", n=3, share=0.25, what="a_b")
    assert isinstance(out, text.Markdown) and out._repr_markdown_() == out
    assert inner(render(out)) == "<strong>3</strong> of 25%: a_b"


def test_joined_markdown_is_not_escaped_twice_and_plain_parts_are():
    parts = [text.markdown("**{}**", "<b>"), "*x*"]
    assert inner(render(text.join_markdown(", ", parts))) == "<strong>&lt;b&gt;</strong>, *x*"


def test_a_plain_string_is_never_trusted():
    # Only Markdown built by markdown() passes unescaped; a str built by + does not.
    built = text.markdown("**{}**", 1) + "<b>"
    assert text.markdown("{}", built) == "\\*\\*1\\*\\*&lt;b&gt;"


def test_one_line_removes_line_breaks_and_terminal_escapes():
    assert text.one_line("a\nb\r\n\tc\x1b[2Jd\u2028e") == "a b c [2Jd e"


@pytest.mark.parametrize("value", ["===", "---", "- item", "+ item", "12) item", "# title", "1."])
def test_data_at_the_start_of_a_line_opens_no_block(value):
    rendered = render(text.markdown("Some words\n{}", value))
    assert inner(rendered) == f"Some words\n{html.escape(value, quote=False)}"
