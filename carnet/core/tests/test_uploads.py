"""upload_limit: permission before the body is read; files dropped past their limits."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.urls import reverse

from carnet.core.uploads import upload_limit


@upload_limit(10, permission="establishments.manage_settings", max_total=15)
def receiver(request):
    kept = sorted(request.FILES)
    refused = sorted(request.uploads_too_big)
    return HttpResponse(f"{','.join(kept)}|{','.join(refused)}")


def post(user, establishment, files: dict[str, bytes]):
    request = RequestFactory().post(
        "/", {name: SimpleUploadedFile(f"{name}.bin", data) for name, data in files.items()}
    )
    request.user = user
    request.establishment = establishment
    request._dont_enforce_csrf_checks = True
    return receiver(request)


@pytest.mark.django_db
class TestUploadLimit:
    def test_files_past_their_limit_or_the_total_are_dropped(self, users, establishment):
        response = post(
            users["administrateur"],
            establishment,
            {"a": b"x" * 10, "b": b"y" * 11, "c": b"z" * 6},
        )
        # a (10) kept; b (11) too big on its own; c would bring the total to 16 > 15.
        assert response.content.decode() == "a|b,c"

    def test_the_permission_is_checked_before_the_body_is_read(self, users, client_of, monkeypatch):
        def never(*args, **kwargs):
            raise AssertionError("the body of a refused upload was parsed")

        monkeypatch.setattr(MultiPartParser, "parse", never)
        for url in (
            reverse("establishments:image_upload", args=["logo"]),
            reverse("imports:siecle"),
            reverse("imports:outside_upload"),
        ):
            response = client_of(users["enseignant"]).post(
                url, {"file": SimpleUploadedFile("x.png", b"data")}
            )
            assert response.status_code == 403, url
