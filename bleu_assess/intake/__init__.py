"""Intake: the client's own tables (spreadsheets, CSV exports of CMDBs and migration tools)
turned into an inventory through column mappings kept as data.

- `reader`: one hardened reader for every table input (`read_tables`, `read_csv`, `decode`),
  with `workbooks` for xlsx, ods and xls;
- `mapping`: mapping files and the shipped presets (`bleu_assess/intake/presets/*.yaml`);
- `values`: lenient reading of cell values against the inventory format;
- `engine`: rows → inventory (`import_tables` → `items.Imported`), `links` for references and
  relationship rows;
- `report`: the inventory's YAML (`emit`) and the import report;
- `suggest`: a starting mapping from a table's headers.

Discovery tools and models (intake part 2):
- `servers`, `dependencies`: joining machines by name, FQDN, short name or IP; lifting
  connections to dependencies, flows and external endpoints;
- `azure_migrate`, `rvtools`, `azure_discovery`, `aws`, `archimate`: one module per format;
- `estate`, `lifecycle`, `grouping`: servers and suggested applications, OS support status;
- `yamledit`, `merge`: additions spliced into the user's file, touching only what they add;
- `tally`: the discovery import report (every row read accounted for once)."""
