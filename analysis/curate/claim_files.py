"""Claims files: the vocabulary any article's claims are written in, and the registers that use it.

A claims file states one claim a row (:data:`CLAIM_FILE_FIELDS`): what is measured
(:data:`QUANTITIES`), between whom, when, the value with its unit (:data:`UNITS`) and
how the article qualifies it (:data:`QUALIFIERS`). :mod:`analysis.measures.claims`
checks such files against the data. The data package holds the schema, as the
``claims_korea_united_states`` example, and the tolerance of each qualifier.
"""

from __future__ import annotations

from analysis.curate.schema import field
from analysis.curate.spec import TableSpec

#: What a claim can measure, seen from the reporter.
QUANTITIES = {
    "exports": "the reporter's exports to the partner",
    "imports": "the reporter's imports from the partner",
    "total_trade": "exports plus imports",
    "balance": "exports minus imports (negative: a deficit)",
    "deficit": "imports minus exports",
    "surplus": "exports minus imports",
    "export_share": "the partner's share of the reporter's exports to the world",
    "import_share": "the partner's share of the reporter's imports from the world",
    "trade_share": "the partner's share of the reporter's trade with the world",
    "trade_ratio": "the pair's total trade over the other pair's (other_reporter, other_partner)",
    "export_rank": "the partner's rank among the reporter's export markets",
    "import_rank": "the partner's rank among the reporter's suppliers",
    "trade_rank": "the partner's rank among the reporter's partners by total trade",
    "trade_growth": "the change in total trade from base_period to period, in %",
    "export_growth": "the change in the reporter's exports from base_period to period, in %",
    "import_growth": "the change in the reporter's imports from base_period to period, in %",
    "trade_cagr": "the compound annual growth of total trade from base_period to period, in %",
    "export_cagr": "the compound annual growth of the reporter's exports, in %",
    "import_cagr": "the compound annual growth of the reporter's imports, in %",
    "export_product_share": "the product's share of the reporter's exports to the partner, "
    "in % (product: an HS code)",
    "import_product_share": "the product's share of the reporter's imports from the partner, "
    "in % (product: an HS code)",
    "export_hhi": "the concentration of the reporter's exports to the partner across HS "
    "chapters: the Herfindahl-Hirschman index, the sum of squared shares, 0 to 1",
    "import_hhi": "the concentration of the reporter's imports from the partner across HS "
    "chapters (Herfindahl-Hirschman index, 0 to 1)",
    "other": "a claim outside this vocabulary: measured by the check named in check, or by "
    "none (checkable_with says what would)",
}
#: Units a claimed value can be in, with the factor to US dollars where it is an amount.
UNITS = {"usd": 1.0, "usd_mn": 1e6, "usd_bn": 1e9, "pct": 1.0, "ratio": 1.0, "rank": 1.0}
#: How a claim qualifies its value.
QUALIFIERS = {
    "exact": "equal to the value as rounded in the claim",
    "about": "within the tolerance of 'about' (claim_qualifiers) of the value",
    "more_than": "above the value",
    "less_than": "below the value",
    "at_least": "at or above the value as rounded",
    "at_most": "at or below the value as rounded",
    "top": "a rank at or above the value (top 5: rank 1 to 5)",
    "barely_top": "a rank at the value or just above it, within the tolerance (barely in the "
    "top 15: rank 15, or up to the tolerance above it)",
}
#: How a claim's verdicts on its bases make one verdict.
RULES = {
    "any_basis": "a claim holds when one basis bears it out, as publishers quote one "
    "country's figures and seldom say whose",
    "every_basis": "a claim holds only when every basis bears it out, and approximately when "
    "one does: for a claim stated as a fact whoever measures it",
}
_NUMBER = r"-?[0-9]+(\.[0-9]+)?"
_PERIOD = r"(FY|CY)?[12][0-9]{3}(-[0-9]{2})?"
_COUNTRY = "An ISO3 code or a country's name; blank to take the pair given on the command line."


def claim_fields() -> list[dict[str, object]]:
    """Describe the columns of a claims file as Table Schema fields, each once.

    Returns
    -------
    list of dict
        The fields, in the file's order.
    """
    return [
        field("claim_id", "string", "The claim's id, unique in the file."),
        field("statement", "string", "The claim in a sentence, in our own words."),
        field("quantity", "string", "What is measured.", enum=list(QUANTITIES)),
        field("reporter", "string", _COUNTRY, required=False),
        field("partner", "string", _COUNTRY, required=False),
        field(
            "period",
            "string",
            "A year (2019: calendar, or the fiscal year that starts in it, the article not "
            "saying which), a calendar year (CY2019) or a fiscal year (FY2019-20); free text "
            "for quantity other.",
            required=False,
        ),  # fmt: skip
        field(
            "value",
            "string",
            "The claimed value as written (its decimals are its rounding); may be blank for "
            "quantity other.",
            pattern=_NUMBER,
            required=False,
        ),  # fmt: skip
        field(
            "unit",
            "string",
            "The unit of the value (free text for quantity other).",
            required=False,
        ),  # fmt: skip
        field(
            "qualifier",
            "string",
            "How the value is qualified; blank: exact.",
            enum=list(QUALIFIERS),
            required=False,
        ),  # fmt: skip
        field(
            "other_reporter",
            "string",
            "For trade_ratio: the other pair's reporter.",
            required=False,
        ),  # fmt: skip
        field(
            "other_partner", "string", "For trade_ratio: the other pair's partner.", required=False
        ),  # fmt: skip
        field(
            "base_period",
            "string",
            "For a growth or a CAGR: the period it is measured from.",
            pattern=_PERIOD,
            required=False,
        ),  # fmt: skip
        field(
            "source",
            "string",
            "Where the claim is published: outlet, date, title, address.",
            required=False,
        ),  # fmt: skip
        field(
            "sentence",
            "string",
            "Claims stated in one sentence share an id: they are judged on the one basis "
            "closest to all their figures together.",
            required=False,
        ),  # fmt: skip
        field(
            "product",
            "string",
            "For a product share: the HS code (2, 4 or 6 digits).",
            pattern="[0-9]{2}([0-9]{2}){0,2}",
            required=False,
        ),
        field(
            "rule",
            "string",
            "How the verdicts on each basis make one; blank: any_basis.",
            enum=list(RULES),
            required=False,
        ),  # fmt: skip
        field(
            "check",
            "string",
            "For quantity other: the check that measures it, one the caller registers.",
            required=False,
        ),  # fmt: skip
        field(
            "checkable_with",
            "string",
            "For quantity other without a check: the data that would check it.",
            required=False,
        ),  # fmt: skip
    ]


#: The columns of a claims file, in order.
CLAIM_FILE_FIELDS = tuple(f["name"] for f in claim_fields())
#: The columns a claims file may leave out.
OPTIONAL_FIELDS = ("sentence", "product", "rule", "check", "checkable_with")

CLAIM_QUALIFIERS = TableSpec(
    name="claim_qualifiers",
    title="Tolerances of the qualifiers of claims files",
    description="For each qualifier a claims file may use, the relative tolerance a measured "
    "value is allowed beyond the claim's own rounding, with the reason.",
    schema={
        "fields": [
            field("qualifier", "string", "The qualifier.", enum=list(QUALIFIERS)),
            field(
                "tolerance_rel", "number", "Relative tolerance (0.05 = 5%).", minimum=0, maximum=1
            ),  # fmt: skip
            field("reason", "string", "Why."),
        ],
        "primaryKey": ["qualifier"],
    },
    sources=(),
)

CLAIMS_KOREA_UNITED_STATES = TableSpec(
    name="claims_korea_united_states",
    title="Claims of two articles on Korea–United States trade, as a claims file",
    description="The checkable figures of a Yonhap report (16 February 2020) on US goods trade "
    "with South Korea in 2019 and of a KORUS blog post citing Korea's trade ministry, written "
    "in our own words in the vocabulary of claims files: the example of a claims file for "
    "a pair other than the flagship's.",
    schema={"fields": claim_fields(), "primaryKey": ["claim_id"]},
    sources=(),
)
