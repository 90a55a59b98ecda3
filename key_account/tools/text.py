"""Free text a rule requires: a reason is words, not blanks."""


def is_blank(text):
    """Whether ``text`` says nothing: missing, empty or only whitespace
    (including full-width spaces typed with a Chinese input method)."""
    return not (text or "").strip()
