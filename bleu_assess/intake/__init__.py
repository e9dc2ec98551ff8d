"""Intake: the client's own tables (spreadsheets, CSV exports of CMDBs and migration tools)
turned into an inventory through column mappings kept as data.

- `reader`: one hardened reader for every table input (`read_tables`, `read_csv`, `decode`),
  with `workbooks` for xlsx, ods and xls;
- `mapping`: mapping files and the shipped presets (`bleu_assess/intake/presets/*.yaml`);
- `values`: lenient reading of cell values against the inventory format;
- `engine`: rows → inventory (`import_tables` → `items.Imported`), `links` for references and
  relationship rows;
- `report`: the inventory's YAML (`emit`) and the import report;
- `suggest`: a starting mapping from a table's headers."""
