"""The project brief's tables: claims, milestones and exercises of the two source articles."""

from __future__ import annotations

import pandas as pd

from analysis.curate.claim_files import claim_fields
from analysis.curate.schema import SOURCE_FK, field, source_id
from analysis.curate.spec import RawContext, TableSpec
from analysis.errors import DataError, Problem

SOURCE_DOC = field(
    "source_doc",
    "string",
    "Which source article states it: the 2022 explainer, the 2020 USI commentary, or both.",
    enum=["explainer", "commentary", "both"],
)


def _with_source(frame: pd.DataFrame, sid: str, ctx: RawContext) -> pd.DataFrame:
    out = frame.assign(source_id=sid)
    ctx.log(f"  {len(frame)} rows in, {len(out)} rows out (none dropped)")
    return out


def build_claims(ctx: RawContext) -> pd.DataFrame:
    """Derive the claims table from the brief, renaming ``value`` to ``claimed_value``.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per claim.
    """
    cols = ["claim_id", "statement", "quantity", "value", "unit", "period", "direction"]
    cols += ["source_doc", "checkable_with"]
    raw = ctx.read("brief_claims", cols)
    tolerances = ctx.registers["claim_tolerances"]
    unknown = sorted(set(tolerances["claim_id"]) - set(raw["claim_id"]))
    if unknown:
        raise DataError(Problem("data/claim_tolerances.csv", None, "claim_id",
                                "ids of claims in the brief", ", ".join(unknown)))  # fmt: skip
    merged = raw.rename(columns={"value": "claimed_value"}).merge(
        tolerances.rename(columns={"reason": "tolerance_reason"}), on="claim_id", how="left"
    )
    merged["tolerance_rel"] = merged["tolerance_rel"].map(lambda v: "" if pd.isna(v) else repr(v))
    merged["tolerance_reason"] = merged["tolerance_reason"].fillna("")
    return _with_source(merged, "brief_claims", ctx)


def build_milestones(ctx: RawContext) -> pd.DataFrame:
    """Derive the milestones table from the brief.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per dated milestone.
    """
    raw = ctx.read("brief_milestones", ["date", "precision", "event", "category", "source_doc"])
    return _with_source(raw, "brief_milestones", ctx)


def build_exercises(ctx: RawContext) -> pd.DataFrame:
    """Derive the joint military exercises table from the brief.

    Parameters
    ----------
    ctx
        The raw sources.

    Returns
    -------
    pandas.DataFrame
        One row per exercise.
    """
    raw = ctx.read("brief_exercises", ["exercise", "service", "format", "source_doc"])
    return _with_source(raw, "brief_exercises", ctx)


CLAIMS = TableSpec(
    name="claims",
    title="Checkable claims of the source articles",
    description=(
        "Every quantitative or checkable statement of the two source articles (a 2022 "
        "civil-services explainer and a 2020 USI commentary), restated in our own words, "
        "with the quantity, claimed value, unit, period and the data that could check it."
    ),
    schema={
        "fields": [
            field("claim_id", "string", "Identifier of the claim.", pattern="C[0-9]{2}"),
            field("statement", "string", "The claim, restated in our own words."),
            field("quantity", "string", "Machine name of the quantity the claim is about."),
            field(
                "claimed_value",
                "number",
                "The value the article states, in the row's unit (blank for lists and "
                "qualitative claims).",
                required=False,
            ),
            field("unit", "string", "Unit of claimed_value (for example 'USD bn', 'rank')."),
            field(
                "period",
                "string",
                "Period the claim refers to, as the article puts it.",
                required=False,
            ),
            field(
                "direction", "string", "Trade or investment direction (IND->JPN, JPN->IND, both)."
            ),
            field("source_doc", "string", "Which article (or derivation) the claim comes from."),
            field("checkable_with", "string", "The data that would check the claim."),
            field(
                "tolerance_rel",
                "number",
                "How far (relative) a measured value may lie from the claim and still 'hold "
                "approximately' (blank for claims that are not numeric).",
                required=False,
                minimum=0,
            ),
            field("tolerance_reason", "string", "Why this tolerance.", required=False),
            source_id(),
        ],
        "primaryKey": ["claim_id"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("brief_claims",),
    build=build_claims,
    sort_by=("claim_id",),
)

MILESTONES = TableSpec(
    name="milestones",
    title="Milestones of the India–Japan partnership",
    description="Dated milestones named in the source articles, for the timeline chart.",
    schema={
        "fields": [
            field(
                "date",
                "date",
                "Date of the milestone (first day of the period when the "
                "precision is coarser than a day).",
            ),
            field(
                "precision",
                "string",
                "How exact the date is.",
                enum=["day", "month", "year", "century"],
            ),
            field("event", "string", "What happened, in our own words."),
            field("category", "string", "Area of the partnership (diplomacy, security, ...)."),
            SOURCE_DOC,
            source_id(),
        ],
        "primaryKey": ["date", "event"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("brief_milestones",),
    build=build_milestones,
    sort_by=("date", "event"),
)

EXERCISES = TableSpec(
    name="exercises",
    title="Regular India–Japan joint military exercises",
    description="The joint exercises named in the source articles, by service and format.",
    schema={
        "fields": [
            field("exercise", "string", "Name of the exercise."),
            field("service", "string", "Service that takes part (Army, Navy, ...)."),
            field("format", "string", "Bilateral, or multilateral with whom."),
            SOURCE_DOC,
            source_id(),
        ],
        "primaryKey": ["exercise"],
        "foreignKeys": [SOURCE_FK],
    },
    sources=("brief_exercises",),
    build=build_exercises,
    sort_by=("exercise",),
)


CLAIM_TOLERANCES = TableSpec(
    name="claim_tolerances",
    title="Tolerances of the claims checks",
    description="For each numeric claim, how far a measured value may lie from the claimed one "
    "and still count as 'holds approximately', with the reason.",
    schema={
        "fields": [
            field("claim_id", "string", "The claim.", pattern="C[0-9]{2}"),
            field("tolerance_rel", "number", "Relative tolerance (0.05 = 5%).", minimum=0),
            field("reason", "string", "Why."),
        ],
        "primaryKey": ["claim_id"],
    },
    sources=(),
)

CLAIMS_INDIA_JAPAN = TableSpec(
    name="claims_india_japan",
    title="The flagship articles' claims, as a claims file",
    description="Every claim of the flagship's two articles (the brief's claims table), "
    "written in the vocabulary of claims files: the trade figures, ratios and rank as "
    "quantities the claims engine measures on every basis, the others as quantity other "
    "with the case's check that measures them (check) or the data that would "
    "(checkable_with).",
    schema={"fields": claim_fields(), "primaryKey": ["claim_id"]},
    sources=(),
)
