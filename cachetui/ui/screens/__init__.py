"""Screens over the browser: help, problems, one spec's fields."""

from .help import HelpScreen
from .problems import ProblemsScreen
from .spec import SpecScreen
from .tags import TagPairScreen

__all__ = ["HelpScreen", "ProblemsScreen", "SpecScreen", "TagPairScreen"]
