"""The copy keys (full hash, /hash7, install and mirror commands), for any screen that has a current spec.

The browser screen (the table's cursor row) and the spec screen (its spec)
both offer them; the checks (a legacy spec has no hash, a hash that is not a
Spack hash is not copied, a tag no command line should carry) live here once.
"""

from __future__ import annotations

from cachetui.catalog import (
    LEGACY_TAG,
    Spec,
    install_command,
    is_valid_hash,
    mirror_add_command,
    no_install_reason,
    no_mirror_reason,
)

from .safe import plain


class CopyActions:
    """Mixin for a ``Screen``: ``action_copy_*`` over ``current_spec()``; the app's ``copier`` copies."""

    def current_spec(self) -> Spec | None:
        raise NotImplementedError

    def current_tag(self) -> tuple[str | None, str | None]:
        """(tag, a page or index of it) for the mirror command when no spec is selected."""
        return None, None

    def _warn(self, text: str) -> None:
        self.app.notify(text, severity="warning", markup=False)  # type: ignore[attr-defined]  # mixed into a Screen

    def _copy(self, text: str, what: str) -> None:
        self.app.copier.copy(text, what)  # type: ignore[attr-defined]  # mixed into a Screen of CacheTuiApp

    def _spec_with_hash(self) -> Spec | None:
        spec = self.current_spec()
        if spec is None:
            self._warn("No spec selected: choose a package, then a row of the spec table.")
            return None
        if not spec.hash:
            self._warn("This spec comes from a legacy page and has no hash.")
            return None
        if not is_valid_hash(spec.hash):
            self._warn("This spec's hash is not a valid Spack hash; not copied.")
            return None
        return spec

    def action_copy_hash(self) -> None:
        spec = self._spec_with_hash()
        if spec is not None and spec.hash:
            self._copy(spec.hash, "full hash")

    def action_copy_short_hash(self) -> None:
        spec = self._spec_with_hash()
        if spec is not None and spec.hash:
            self._copy("/" + spec.hash[:7], "short hash")

    def action_copy_install(self) -> None:
        spec = self._spec_with_hash()
        reason = no_install_reason(spec.kind, spec.tag) if spec is not None else None
        if reason is not None:
            self._warn(f"This spec is {plain(reason)}; nothing copied.")
            return
        command = install_command(spec.hash) if spec is not None else None
        if command:
            self._copy(command, "install command")

    def action_copy_mirror(self) -> None:
        spec = self.current_spec()
        tag, source = (spec.tag, spec.source) if spec is not None else self.current_tag()
        if tag is None:
            self._warn("No tag selected: choose a tag, or a spec of one.")
        elif tag == LEGACY_TAG:
            self._warn("Legacy pages are not a mirror tag; there is no mirror to add.")
        else:
            command = mirror_add_command(tag, source)
            if command is None:
                self._warn(f"No mirror for '{plain(tag)}': {no_mirror_reason(tag, source)}; nothing copied.")
            else:
                self._copy(command, "mirror command")
