"""The MkDocs shell: the hook that adds the rendered pages to a build, the repository and notices it
loads once per build, and the git history it reads for the internal problem pages."""
