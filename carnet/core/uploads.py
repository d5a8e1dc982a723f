"""Per-view limits on uploaded files, applied while the request body is read.

Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) leave file data out: a big file would be
written whole to a temporary file before the view could refuse it. ``upload_limit``
checks the view's permission before reading the body at all, then stops storing a file as
soon as it (or all the request's files together) passes the limit; the view finds the
names of the refused files in ``request.uploads_too_big`` and says so.
"""

from functools import wraps

import rules
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request, limit: int, total_limit: int | None = None):
        super().__init__(request)
        self.limit = limit
        self.total_limit = total_limit if total_limit is not None else limit
        self.total = 0
        request.uploads_too_big = {}

    def receive_data_chunk(self, raw_data, start):
        # Counted: what is kept. A file dropped half-way frees its part of the total.
        if start + len(raw_data) > self.limit or self.total + len(raw_data) > self.total_limit:
            self.total -= start
            self.request.uploads_too_big[self.field_name] = self.file_name
            raise SkipFile
        self.total += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def upload_limit(max_bytes: int, *, permission: str, max_total: int | None = None):
    """Decorate a view receiving files.

    ``permission`` (carnet.accounts.rules, on request.establishment) is checked before the
    body is read: anyone else gets 403 without having sent a byte to disk. Each file above
    ``max_bytes``, and whatever passes ``max_total`` for the whole request, is dropped
    unread. The CSRF check stays (the handler must be in place before the body is read,
    hence Django's documented csrf_exempt + csrf_protect pair).
    """

    def decorator(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not rules.has_perm(permission, request.user, request.establishment):
                raise PermissionDenied
            request.upload_handlers.insert(0, SizeLimitHandler(request, max_bytes, max_total))
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator
