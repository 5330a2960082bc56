"""The hand-curated registers: sources, licences and corrections (data, edited by people)."""

from __future__ import annotations

from analysis.curate.schema import field, fk
from analysis.curate.spec import TableSpec

LICENCES = TableSpec(
    name="licences",
    title="Licences of the sources",
    description="Each licence a source is under, with its address and what it allows.",
    schema={
        "fields": [
            field("licence_id", "string", "Short name of the licence."),
            field("title", "string", "Full name of the licence."),
            field("address", "string", "Where the licence text is.", required=False),
            field("terms", "string", "What it allows, in a sentence."),
        ],
        "primaryKey": ["licence_id"],
    },
    sources=(),
)

SOURCES = TableSpec(
    name="sources",
    title="Register of sources",
    description=(
        "Every source a row can cite: publisher, title, address, where our copy came from, "
        "the raw file and its SHA-256 (checked on every rebuild), the date we accessed it "
        "and its licence."
    ),
    schema={
        "fields": [
            field("source_id", "string", "Key cited by the data rows.", pattern="[a-z0-9_]+"),
            field("publisher", "string", "Who published the data."),
            field("title", "string", "Title of the publication or table."),
            field("short_title", "string", "Short form for source lines under charts."),
            field("table", "string", "The file or table used."),
            field("year", "year", "Year of publication of the version used."),
            field("address", "string", "Original address (URL), where known.", required=False),
            field(
                "copied_from",
                "string",
                "Repository and commit our raw copy came from.",
                required=False,
            ),
            field(
                "raw_path",
                "string",
                "Raw file, relative to the raw sources folder (blank "
                "for sources typed in by hand).",
                required=False,
            ),
            field(
                "raw_sha256",
                "string",
                "SHA-256 of the raw file.",
                pattern="[0-9a-f]{64}",
                required=False,
            ),
            field("date_accessed", "date", "When this project read the raw copy."),
            field("licence", "string", "Licence id (see the licences table)."),
            field("licence_note", "string", "How the licence applies here."),
        ],
        "primaryKey": ["source_id"],
        "foreignKeys": [fk("licence", "licences", "licence_id")],
    },
    sources=(),
)

CORRECTIONS = TableSpec(
    name="corrections",
    title="Corrections applied to raw files",
    description=(
        "Each change made to a raw table before use, with its reason. The raw files are never "
        "edited; the rebuild applies these and stops if one no longer matches."
    ),
    schema={
        "fields": [
            field("correction_id", "string", "Identifier of the correction."),
            field("source_id", "string", "The raw source corrected."),
            field("key_column", "string", "Column that selects the rows."),
            field("key_value", "string", "Value of key_column on the rows to change."),
            field("column", "string", "Column changed."),
            field("old_value", "string", "Value the cell holds in the raw file.", required=False),
            field("new_value", "string", "Value used instead."),
            field("reason", "string", "Why."),
        ],
        "primaryKey": ["correction_id"],
        "foreignKeys": [fk("source_id", "sources", "source_id")],
    },
    sources=(),
)

COMTRADE_COUNTRY_CODES = TableSpec(
    name="comtrade_country_codes",
    title="Numeric country codes of UN Comtrade and BACI that differ from ISO 3166",
    description="The numeric codes UN Comtrade and CEPII BACI use for customs areas and "
    "former groupings where they differ from the ISO 3166 numeric code, with the ISO3 code "
    "the readers give them; every other numeric code is read as ISO 3166 numeric (UN M49).",
    schema={
        "fields": [
            field(
                "code", "string", "Numeric country code as in the download.", pattern="[0-9]{1,3}"
            ),
            field("iso3", "string", "ISO3 code the code is read as.", pattern="[A-Z]{3}"),
            field("name", "string", "Name the publisher gives the code."),
            field("reason", "string", "Why the code maps to that country."),
        ],
        "primaryKey": ["code"],
    },
    sources=(),
)


PUBLISHED_GRAVITY_ESTIMATES = TableSpec(
    name="published_gravity_estimates",
    title="Published gravity estimates the suite's model is checked against",
    description="Coefficients and standard errors as published: Table 1 of the Advanced "
    "Guide to Trade Policy Analysis (traditional gravity, four models) and the PPML "
    "estimates of the gegravity example, each with the publication it is read from.",
    schema={
        "fields": [
            field(
                "study", "string", "Which publication.", enum=["agtpa_table1", "gegravity_example"]
            ),
            field(
                "model",
                "string",
                "The model of the study's table (ols, ols_remoteness, ols_fe, ppml_fe).",
            ),
            field("term", "string", "The regressor, named as the suite names it."),
            field("estimate", "number", "Published coefficient."),
            field("std_error", "number", "Published standard error.", minimum=0),
            field("source", "string", "Where the figure is published."),
            field("reason", "string", "What the figure is used for."),
        ],
        "primaryKey": ["study", "model", "term"],
    },
    sources=(),
)


COUNTRY_COLOURS = TableSpec(
    name="country_colours",
    title="The fixed colour of each country in every chart",
    description="One colour per country (Okabe–Ito colour-blind-safe hues), so that a "
    "country keeps its colour in every chart; countries not listed are drawn in grey.",
    schema={
        "fields": [
            field("iso3", "string", "Country or area code.", pattern="[A-Z]{3}"),
            field("colour", "string", "Hex colour.", pattern="#[0-9A-F]{6}"),
            field("reason", "string", "Why this colour for this country."),
        ],
        "primaryKey": ["iso3"],
    },
    sources=(),
)
