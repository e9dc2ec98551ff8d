"""Intake: the client's own tables (spreadsheets, CSV exports of CMDBs and migration tools)
turned into an inventory through column mappings kept as data.

- `reader`: one hardened reader for every table input (CSV, xlsx, ods, xls);
- `mapping`: mapping files and the shipped presets (`bleu_assess/intake/presets/*.yaml`);
- `values`: lenient reading of cell values against the inventory format;
- `engine`: rows → inventory, with an import report of every coercion;
- `suggest`: a starting mapping from a table's headers."""
