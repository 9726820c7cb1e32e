from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PageLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page requires a signed-in user (redirect to the login page); the API is left to
    REST framework, which answers an anonymous caller with 401 instead of a redirect."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose otherwise (the language cookie set by the switcher).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs run
    English-language browsers; the product is Chinese by default (PRODUCT.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response
