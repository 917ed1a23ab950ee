"""The spec table shows what tells specs apart: variants every match shares are folded into the summary."""

from __future__ import annotations

from browser_helpers import screen_text, settle, type_query


async def test_shared_variants_fold_into_the_summary(make_app, sample_catalog):
    matching = sample_catalog.query("hdf5 +mpi").specs()
    shared = set(matching[0].variants).intersection(*(s.variants for s in matching))
    assert "build_system=cmake" in shared and "+fortran" not in shared
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        await type_query(pilot, "hdf5 +mpi")
        app.table.focus()
        await settle(pilot)
        lines = screen_text(app).splitlines()
        summary = next(line for line in lines if "shared " in line)
        assert "build_system=cmake (39)" in summary and "+mpi (39)" in summary
        rows = [line for line in lines if any(s.short_hash in line for s in app.table.specs)]
        assert rows and all("build_system=cmake" not in row for row in rows)
        assert all("fortran" in row for row in rows)  # +fortran / ~fortran: what differs
        assert "differing variants" in screen_text(app)
