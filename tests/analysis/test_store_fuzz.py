"""Fuzz target for the results store's reader (tests/fuzzing.py): a real store with bytes
overwritten or cut short is read or refused with an iadsim error naming it, never an
exception from SQLite. Reading only; a 0-byte store is issue 29 item 6 (left out here)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from iadsim.analysis.batch_dir import prepare_store
from iadsim.analysis.store import ResultStore
from iadsim.analysis.store_checks import STORE_NAME
from iadsim.errors import IadsimError
from tests.fuzzing import fuzz


def _read(out) -> None:
    with ResultStore(out, writer=False) as store:
        store.meta(), store.count(), store.done()
        for name in ("replications", "aircraft"):
            store.rows(name)


@fuzz(30, 2000)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0, max_value=1 << 16), st.binary(min_size=1, max_size=16)),
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=1, max_value=1 << 16)),
)
def test_mangled_stores_are_read_or_refused_cleanly(tutorial_mc_dir, tmp_path_factory, edits, cut):
    data = bytearray((tutorial_mc_dir / STORE_NAME).read_bytes())
    for offset, patch in edits:
        offset %= len(data)
        data[offset : offset + len(patch)] = patch
    if cut is not None:
        data = data[:cut]
    assume(data)
    out = tmp_path_factory.mktemp("store")
    (out / STORE_NAME).write_bytes(bytes(data))
    for read in (_read, prepare_store):
        try:
            read(out)
        except IadsimError as exc:
            assert str(out) in str(exc)
