"""Per-view limit on uploaded files, applied while the request body is read.

Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) leave file data out: a big file would be
written whole to a temporary file before the view could refuse it. ``upload_limit`` stops
storing a file as soon as it passes the limit; the view then finds the name of the refused
file in ``request.uploads_too_big`` and says so.
"""

from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class SizeLimitHandler(FileUploadHandler):
    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        request.uploads_too_big = {}

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.request.uploads_too_big[self.field_name] = self.file_name
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers build the file


def upload_limit(max_bytes: int):
    """Decorate a view receiving files: each file above ``max_bytes`` is dropped, unread.

    The CSRF check stays (the handler must be in place before the body is read, hence
    Django's documented csrf_exempt + csrf_protect pair).
    """

    def decorator(view):
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.upload_handlers.insert(0, SizeLimitHandler(request, max_bytes))
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator
