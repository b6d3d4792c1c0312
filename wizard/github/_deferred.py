"""Third-party modules PyGithub imports at start-up but brik-onboard never calls: loaded on first use instead.

PyGithub's Auth module imports `jwt` (and through it `cryptography`) for GitHub App authentication, which the
wizard does not use (it authenticates with tokens): about a third of PyGithub's import time, paid before the
connect step could show who the token belongs to. A stand-in module takes its place in sys.modules and loads the
real one the first time any attribute is read, so behaviour is unchanged if it is ever used. (The standard
library's importlib.util.LazyLoader does not help here: on Python 3.11 the `import jwt` statement itself reads the
lazy module's __spec__, which loads it.)
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

DEFERRED = ("jwt",)


class _Deferred(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:  # only for attributes the stand-in lacks: all but its own few
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


def defer_unused_imports() -> None:
    for name in DEFERRED:
        if name not in sys.modules:
            sys.modules[name] = _Deferred(name)
