"""ANSI colours on the light theme. Textual's light ANSI palette ("Alabaster") has a yellow (#cb9000) that is hard
to read on a light background, and the screens use yellow for "in progress" and "built": same palette, darker
yellow. (Textual's own palette lives in a private module, so its values are repeated here.)"""

from __future__ import annotations

from rich.terminal_theme import TerminalTheme

BACKGROUND, FOREGROUND = (247, 247, 247), (0, 0, 0)
NORMAL = [(0, 0, 0), (170, 55, 49), (68, 140, 39), (128, 90, 0), (50, 92, 192), (122, 62, 157), (0, 131, 178), (247, 247, 247)]
BRIGHT = [(119, 119, 119), (240, 80, 80), (96, 203, 0), (255, 188, 93), (0, 122, 204), (230, 76, 230), (0, 170, 203), (247, 247, 247)]


def readable_light_theme() -> TerminalTheme:
    return TerminalTheme(BACKGROUND, FOREGROUND, NORMAL, BRIGHT)
