"""How results are shown: numbers for people, tables, CSV and JSON, atomic file
writing, the ledger's CSV, charts and the report. Views only: nothing here prices."""
