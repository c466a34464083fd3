"""Fixtures of the core tests."""

import pytest
from django.core.cache import caches

from ruam.core import pagecache


@pytest.fixture
def page_cache(settings):
    """The page cache on (30 s), in this process's memory, empty before and after."""
    settings.RUAM_PAGE_CACHE_SECONDS = 30
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "ruam-pages-test",
        },
    }
    caches[pagecache.ALIAS].clear()
    yield caches[pagecache.ALIAS]
    caches[pagecache.ALIAS].clear()
