"""Write (and name) the Parquet snapshot of one repository: one file per table, pyarrow does the work."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from xuncha.rollup.export import Row, columns

TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}


def schema(kind: str) -> pa.Schema:
    """The table's Arrow schema, from its declared columns (an empty table keeps its columns)."""
    return pa.schema([pa.field(c.name, TYPES[c.type]) for c in columns(kind)])


def write(tables: Mapping[str, Sequence[Row]], out: Path) -> list[Path]:
    """``OUT/<kind>.parquet`` for every table; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, rows in tables.items():
        target = schema(kind)
        data = [list(values) for values in zip(*rows, strict=True)] if rows else [[] for _ in target]
        table = pa.Table.from_arrays(
            [pa.array(v, type=f.type) for v, f in zip(data, target, strict=True)], schema=target
        )
        path = out / f"{kind}.parquet"
        pq.write_table(table, path, compression="zstd")
        written.append(path)
    return written
