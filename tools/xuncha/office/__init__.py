"""Office files: ledgers (.xlsx) in and out, notices as official documents (.docx, GB/T 9704)."""
