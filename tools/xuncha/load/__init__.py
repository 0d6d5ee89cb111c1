"""Bytes → data: safe YAML (libyaml, no constructors), every hazard of a hand-edited file as a finding,
and the caches that let an unchanged file or an unchanged repository cost a stat."""
