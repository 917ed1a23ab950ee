"""``python -m cachetui``: same as the ``cachetui`` command."""

from .cli import run

if __name__ == "__main__":
    run()
