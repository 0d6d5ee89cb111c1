"""The ``xuncha`` command (click): one module per command group, each a thin shell over the stages.
Click is imported here and nowhere else."""
