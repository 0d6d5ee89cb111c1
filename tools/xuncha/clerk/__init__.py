"""Writing records for clerks: new files from the schemas, entries appended without touching a byte
of what is there (round-trip YAML), and the proposal commit for review."""
