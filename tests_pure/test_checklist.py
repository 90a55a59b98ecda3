from hypothesis import given, strategies as st

from key_account_tools import missing_items

items = st.lists(
    st.sampled_from(["id", "kbis", "rib", "statutes", "tax", "vat"]), max_size=10
)


def test_missing_preserves_required_order():
    assert missing_items(["rib", "kbis", "id", "tax"], ["kbis"]) == ["rib", "id", "tax"]


def test_duplicates_reported_once():
    assert missing_items(["rib", "kbis", "rib", "kbis", "rib"], []) == ["rib", "kbis"]


def test_empty_when_all_provided():
    assert missing_items(["rib", "kbis"], ["kbis", "rib", "extra"]) == []


def test_nothing_required_means_nothing_missing():
    assert missing_items([], ["rib"]) == []


def test_provided_may_be_a_generator():
    assert missing_items(["a", "b", "c"], (x for x in "ac")) == ["b"]


@given(required=items, provided=items)
def test_missing_properties(required, provided):
    missing = missing_items(required, provided)
    # Only required, not provided items, each once...
    assert len(missing) == len(set(missing))
    assert all(item in required and item not in provided for item in missing)
    # ...every required item is either provided or reported...
    assert set(required) - set(provided) == set(missing)
    # ...in the order of their first appearance in ``required``.
    assert missing == sorted(missing, key=required.index)
