from django.shortcuts import render


def bad_request(request, exception=None, *, reason: str = ""):
    return render(request, "400.html", {"reason": reason}, status=400)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)
