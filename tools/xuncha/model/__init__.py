"""What the records are: where each kind lives (layout), its schema and field words, findings, and
the repository as one index. Everything else reads records through here; nothing here parses YAML."""
