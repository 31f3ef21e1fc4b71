"""A small least-recently-used map for caches kept in one process's memory."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class Memo:
    """A small least-recently-used map shared by the threads of one process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        # Two lookups on a hit, one on a miss: some keys are long tuples, hashed on each.
        with self._lock:
            try:
                self._items.move_to_end(key)
            except KeyError:
                return None
            return self._items[key]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def set(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
