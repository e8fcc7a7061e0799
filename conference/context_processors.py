from django.urls import translate_url


def language_links(request):
    """Links to this page in Swedish and in English, for the language switcher."""
    path = request.get_full_path()
    return {"sv_path": translate_url(path, "sv"), "en_path": translate_url(path, "en")}
