"""Git as the review: what a change to a record means in words (:mod:`.changes`), the pull-request
review and its rules, the audit trail (history) and who reviews what (CODEOWNERS). The only stage that
talks to git: :mod:`.gitlog` reads refs, the log and blobs through plain pipes, :mod:`.gitio` takes
snapshots for a review and writes a new history through GitPython."""
