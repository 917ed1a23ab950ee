"""The ``cachetui`` command line: one module per command under ``commands/``, declared in their registry.

Output rules (other tools depend on them), kept by ``output``:

* Plain output is never coloured and never carries control bytes; ``--json`` is 7-bit clean.
* Results go to stdout; notes, progress and errors go to stderr, one line each (``cachetui: ...``),
  never a traceback unless ``--debug``.
* Exit codes: 0 success, 1 nothing found / unknown package / unexpected error, 2 usage error,
  malformed query or no catalog source, 130 on Ctrl-C, 141 when the reader of a pipe goes away.

The catalog and the Textual UI are imported lazily, so ``--help`` and ``--version`` are instant and
the non-interactive commands never load Textual.
"""

from .main import main, run
from .output import Progress
from .parser import parse_args, with_default_command
from .registry import DEFAULT_LIMIT

__all__ = ["DEFAULT_LIMIT", "Progress", "main", "parse_args", "run", "with_default_command"]
