import logging

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


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


class ProductErrorPagesMiddleware:
    """The product's own 404 and 500 pages also where DEBUG is on (the demo), instead of Django's
    developer pages (an English URL list on yellow): switched on by ``CBEC_PRODUCT_ERROR_PAGES``,
    which the demo sets. With DEBUG off Django already uses the product's pages (templates/404.html,
    500.html); the API keeps its JSON errors either way."""

    SKIPPED_PREFIXES = ("/api/", "/static/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def _applies(self, request) -> bool:
        return (
            settings.DEBUG
            and getattr(settings, "CBEC_PRODUCT_ERROR_PAGES", False)
            and not request.path_info.startswith(self.SKIPPED_PREFIXES)
        )

    def _page(self, request, status: int, exception=None):
        try:
            response = render(request, f"{status}.html", {"exception": exception}, status=status)
        except Exception:  # the error page itself failed (e.g. the database is down): the bare one
            logger.exception("the %s page could not be rendered", status)
            response = render(request, "500.html", status=status)
        response.product_error_page = True
        return response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in (404, 500)
            and not getattr(response, "product_error_page", False)
            and response.get("Content-Type", "").startswith("text/html")
            and self._applies(request)
        ):
            # A URL that matches nothing never reaches a view: Django's debug 404 comes back here.
            return self._page(request, response.status_code)
        return response

    def process_exception(self, request, exception):
        if not self._applies(request):
            return None
        if isinstance(exception, Http404):
            return self._page(request, 404)
        if isinstance(exception, PermissionDenied):
            return None  # Django renders templates/403.html, DEBUG or not
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return self._page(request, 500)
