from django.conf import settings

from carnet.core.navigation import menu_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "menu": menu_for(user) if user is not None else (),
        "current_establishment": getattr(request, "establishment", None),
    }
