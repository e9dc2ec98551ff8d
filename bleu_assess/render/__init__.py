"""Stage 5: every output format: templates, tables, charts, reports, CSV, SARIF/JUnit, and wording (`i18n`, `l10n`)."""
