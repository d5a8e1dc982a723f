from carnet.core.request_cache import RequestMemoMiddleware, request_memo


class TestRequestMemo:
    def test_outside_a_request_nothing_is_remembered(self):
        calls = []
        for _ in range(2):
            request_memo("k", lambda: calls.append(1))
        assert len(calls) == 2

    def test_inside_a_request_once_and_forgotten_after(self):
        calls = []

        def view(request):
            return [request_memo("k", lambda: calls.append(1) or len(calls)) for _ in range(3)]

        assert RequestMemoMiddleware(view)(None) == [1, 1, 1]
        assert RequestMemoMiddleware(view)(None) == [2, 2, 2]  # a new request asks again
