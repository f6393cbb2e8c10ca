"""How many records use a list's key: the apps that store keys register a counter (a hook, as
companylists sits below them). A key in use can be retired, never deleted."""

from collections.abc import Callable

_COUNTERS: dict[str, list[Callable[[str], int]]] = {}


def register_usage(list_name: str, counter: Callable[[str], int]) -> None:
    """`counter(key)` returns how many of the app's records store `key` in `list_name`."""
    if counter not in _COUNTERS.setdefault(list_name, []):
        _COUNTERS[list_name].append(counter)


def count(list_name: str, key: str) -> int:
    return sum(counter(key) for counter in _COUNTERS.get(list_name, []))


# Lists kept by apps above this one (deals: lost reasons, with the stages): a link each on the
# lists page, (url name, label), registered from the app's AppConfig.ready().
PAGES: list[tuple[str, object]] = []


def register_page(url_name: str, label) -> None:
    if all(known != url_name for known, _label in PAGES):
        PAGES.append((url_name, label))
