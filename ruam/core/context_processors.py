from django.conf import settings


def site(request):
    return {
        "MAP_TILE_URL": settings.RUAM_MAP_TILE_URL,
        "MAP_ATTRIBUTION": settings.RUAM_MAP_ATTRIBUTION,
    }
