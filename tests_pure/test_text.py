from hypothesis import given, strategies as st

from key_account_tools import is_blank


def test_missing_and_empty_are_blank():
    assert is_blank(None)
    assert is_blank(False)
    assert is_blank("")


def test_spaces_tabs_newlines_and_full_width_spaces_are_blank():
    assert is_blank("   ")
    assert is_blank("\t\n \r\n")
    assert is_blank("\u3000\u3000")


def test_words_are_not_blank():
    assert not is_blank("Price too low")
    assert not is_blank("  价格太低  ")


@given(st.text(alphabet=" \t\n\u3000"), st.text(min_size=1).filter(str.strip))
def test_any_word_among_blanks_is_a_reason(blanks, words):
    assert is_blank(blanks)
    assert not is_blank(blanks + words + blanks)
