"""The browser's screens: the main browser, and the dialogs over it (help, problems, tags, one spec)."""

from .browser import BrowserScreen
from .dialog import DialogScreen
from .environment import EnvironmentScreen, NearestScreen
from .export import ExportScreen
from .help import HelpScreen
from .problems import ProblemsScreen
from .spec import SpecScreen
from .tags import TagPairScreen

__all__ = [
    "BrowserScreen",
    "DialogScreen",
    "EnvironmentScreen",
    "ExportScreen",
    "HelpScreen",
    "NearestScreen",
    "ProblemsScreen",
    "SpecScreen",
    "TagPairScreen",
]
