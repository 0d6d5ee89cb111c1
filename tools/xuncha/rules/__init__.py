"""The rules, from the seeds: cross-file checks with stable codes (:mod:`.checks`), working days and
deadlines from jurisdiction profiles, metrics, rubrics and scores. Rule data (profiles, rubrics, the
calendar supplements, the responsibility matrix) is YAML in :file:`data/`, validated like records."""
