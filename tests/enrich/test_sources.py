"""The enricher registry: what it says of each deferred source is what the source's module says."""

from __future__ import annotations

import subprocess
import sys

from scanner.enrich.sources import ENRICHERS, LATER, Deferred


def test_deferred_sources_repeat_their_modules() -> None:
    deferred = [e for e in (*ENRICHERS, *LATER) if isinstance(e, Deferred)]
    assert len(deferred) == 13
    for source in deferred:
        module = source.module()
        assert (source.NAME, source.ECOSYSTEMS) == (module.NAME, module.ECOSYSTEMS)
        assert not getattr(module, "LOCAL", False)
    assert LATER[0].PHASE == 2


def test_network_sources_are_imported_on_first_use() -> None:
    # The registry and the derived-facts table a warm scan reads import no network source.
    code = (
        "import sys; import scanner.enrich.sources as s, scanner.enrich.memo; "
        "paths = [e._path for e in (*s.ENRICHERS, *s.LATER) if isinstance(e, s.Deferred)]; "
        "print(any(p in sys.modules for p in paths)); "
        "s.ENRICHERS[2].module(); print('scanner.enrich.npm' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
