from django.utils.functional import SimpleLazyObject

from core.actor import Actor


class ActorMiddleware:
    """Gives every request its Actor (request.actor), read when first used, after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: Actor.from_request(request))
        return self.get_response(request)
