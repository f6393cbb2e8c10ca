"""Every URL pattern the project serves, walked from the resolver (like the authorization matrix),
so the leak, fuzz and mass-assignment tests cover a new page without anyone listing it."""

from django.urls import URLPattern, URLResolver, get_resolver

IGNORED_PATTERNS = set()  # there is no /media/ route in any mode (issue 19.6)


def url_patterns(resolver=None, namespace=""):
    """(url name, keyword argument names) of every named pattern, in the resolver's order."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and str(entry.pattern) not in IGNORED_PATTERNS:
            name = f"{namespace}{entry.name}" if entry.name else str(entry.pattern)
            yield name, sorted(entry.pattern.regex.groupindex)
