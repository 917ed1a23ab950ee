"""One spec with all of its fields: the full hash, tarball URL, page path and ready-to-copy commands."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cachetui.catalog import (
    DependencyRef,
    Host,
    Spec,
    human_size,
    install_command,
    mirror_add_command,
    no_install_reason,
    no_mirror_reason,
    why_not,
)

from ..actions import SPEC, bindings_for, key_hints
from ..copy_actions import CopyActions
from ..safe import literal, plain
from .dialog import DialogScreen


def runs_here_text(spec: Spec, host: Host) -> Text:
    """``yes, on linux-ubuntu22.04-zen3`` or ``no: needs x86_64_v4 (avx512); this machine is zen3``."""
    reason = why_not(spec.platform, spec.os, spec.target, host)
    if reason is None:
        return Text.assemble(("yes", "bold"), ", on ", literal(str(host)))
    return Text.assemble(("no", "bold"), ": ", literal(reason))


def dependency_label(dep: DependencyRef) -> str:
    return dep.reference


def dependency_text(dep: DependencyRef) -> Text:
    """``zlib-ng@2.2.4 /ubtz5nz``, or ``gcc@11.4.0 /fdedx7f  (no binary in this cache)``."""
    text = literal(dependency_label(dep))
    if dep.note:
        text.append("  " + dep.note, style="dim")
    return text


def spec_fields(spec: Spec, host: Host | None = None) -> list[tuple[str, Text]]:
    """(label, value) pairs; every value is a literal Text."""

    def value(v: object) -> Text:
        return literal(v, clip=None) if v not in (None, "") else Text("-", style="dim")  # the whole value here

    mirror = mirror_add_command(spec.tag, spec.source)
    no_mirror = no_mirror_reason(spec.tag, spec.source)
    no_install = no_install_reason(spec.kind, spec.tag)
    kind = [("kind", Text(f"{spec.kind} (not a binary of a build cache)"))] if spec.kind != "binary" else []
    return [
        *kind,
        ("package", value(spec.package)),
        ("version", value(spec.version)),
        ("hash", value(spec.hash) if spec.hash else Text("none (legacy page)", style="dim")),
        ("tag", value(spec.tag)),
        ("compiler", value(spec.compiler)),
        ("platform", value(spec.platform)),
        ("os", value(spec.os)),
        ("target", value(spec.target)),
        *([("runs here", runs_here_text(spec, host))] if host is not None else []),
        ("variants", value(" ".join(spec.variants))),
        ("stacks", value(" ".join(spec.stacks))),
        ("size", Text(human_size(spec.size))),
        ("tarball", value(spec.tarball)),
        ("page", value(spec.source)),
        ("spec", value(spec.spack_string())),
        (
            "install",
            literal(no_install, style="dim", clip=None) if no_install else value(install_command(spec.hash)),
        ),
        ("mirror", value(mirror) if mirror else Text(no_mirror, style="dim")),
    ]


class SpecScreen(CopyActions, DialogScreen[None]):
    """All fields of one spec; the copy keys act on it; esc goes back to the table."""

    DEFAULT_CSS = """
    SpecScreen {
        & .field { height: auto; }
        & .field-name { width: 10; }
        & .field-value { width: 1fr; height: auto; }
        & #deps-title { margin-top: 1; }
        & #deps { height: auto; max-height: 12; }
    }
    """

    BINDINGS = bindings_for(SPEC)

    def __init__(self, spec: Spec, *, pick: bool = False, host: Host | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.pick = pick
        self.host = host
        self._deps_moved = False  # the dependency highlight has moved since the screen opened

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="spec-box", classes="dialog") as box:
            box.border_title = "spec"
            keymap = getattr(self.app, "keymap", None)
            keys = key_hints(("copy_hash", "copy_short_hash", "copy_install", "copy_mirror", "close"), keymap)
            box.border_subtitle = ("enter picks · " + keys) if self.pick else keys
            for label, value in spec_fields(self.spec, self.host):
                with Horizontal(classes="field"):
                    yield Static(Text(label, style="bold"), classes="field-name", markup=False)
                    yield Static(value, classes="field-value", markup=False)
            deps = self.spec.dependencies
            if deps is not None:
                title = "root: yes" if self.spec.root else "root: no (another spec in the cache depends on it)"
                yield Static(
                    Text.assemble(("dependencies", "bold"), f" ({len(deps)}) · {title}"), id="deps-title", markup=False
                )
                if deps:
                    yield OptionList(*(Option(dependency_text(d), id=str(i)) for i, d in enumerate(deps)), id="deps")
                    box.border_subtitle = "enter opens a dependency · " + box.border_subtitle

    def on_mount(self) -> None:
        # Arrows and enter walk the dependencies; in pick mode enter picks this spec, so the list waits for tab.
        # The box stays at its top (package, version, hash) even when the list starts below the fold; the
        # list comes into view once its highlight moves.
        if not self.pick and self.spec.dependencies:
            deps = self.query_one("#deps", OptionList)
            deps.highlighted = 0
            deps.focus(scroll_visible=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index > 0 or self._deps_moved:
            self._deps_moved = True
            event.option_list.scroll_visible(animate=False)

    def current_spec(self) -> Spec | None:
        return self.spec

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a dependency: its own spec screen, if its binary is in the catalog."""
        event.stop()
        deps = self.spec.dependencies or ()
        dep = deps[int(event.option.id or 0)]
        catalog = getattr(self.app, "catalog", None)
        found = catalog.lookup_hash(dep.hash) if catalog is not None and dep.hash else []
        if not found:
            why = (
                "has no hash here: the page names it without one"
                if not dep.hash
                else f"is an external at {dep.external}: Spack uses it as it is"
                if dep.external
                else "has no binary in this catalog"
            )
            self.notify(f"{plain(dependency_label(dep))} {why}.", severity="warning", markup=False)
            return
        self.app.push_screen(SpecScreen(found[0], pick=self.pick, host=self.host))

    def action_choose(self) -> None:
        if self.pick:
            pick = getattr(self.app, "pick_spec", None)  # the browser app; any other host has no picking
            if pick is not None:
                pick(self.spec)
        else:
            self.dismiss(None)
