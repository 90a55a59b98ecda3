import datetime as dt

from hypothesis import given, strategies as st
import pytest

from key_account_tools import (
    distribute,
    email_domain,
    normalize_company_name,
    normalize_phone,
    normalize_vat,
    propose_owner,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("上海华光科技股份有限公司", "上海华光科技"),
        ("上海华光科技有限公司", "上海华光科技"),
        ("上海华光科技有限责任公司", "上海华光科技"),
        ("上海华光科技", "上海华光科技"),
        ("ＡＣＭＥ　Trading Co., Ltd.", "acmetrading"),
        ("ACME Trading Co. Ltd", "acmetrading"),
        ("acme trading company limited", "acmetrading"),
        ("ACME-Trading, Inc.", "acmetrading"),
        ("ACME Trading Group Co., Ltd.", "acmetrading"),
        ("  acme   TRADING  ", "acmetrading"),
    ],
)
def test_company_names_match_without_legal_form(name, key):
    assert normalize_company_name(name) == key


def test_a_name_made_only_of_a_legal_form_is_kept():
    assert normalize_company_name("有限公司") == "有限公司"
    assert normalize_company_name("Company") == "company"
    assert normalize_company_name("") == ""
    assert normalize_company_name(None) == ""


def test_different_companies_keep_different_keys():
    assert normalize_company_name("华光科技有限公司") != normalize_company_name(
        "华光电子有限公司"
    )
    # A suffix inside a word is not a legal form.
    assert normalize_company_name("Disco Ltd") == "disco"


@given(st.text(max_size=40))
def test_normalizing_is_idempotent(name):
    key = normalize_company_name(name)
    assert " " not in key
    assert normalize_company_name(key) in (key, normalize_company_name(key))


def test_vat():
    assert normalize_vat(" 91310000-mA1fl0xx2p ") == "91310000MA1FL0XX2P"
    assert normalize_vat(False) == ""


@pytest.mark.parametrize(
    ("phone", "key"),
    [
        ("021-6234 5678", "2162345678"),
        ("+86 21 6234 5678", "2162345678"),
        ("0086-21-62345678", "2162345678"),
        ("+86 138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("123", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_phone(phone, key):
    assert normalize_phone(phone) == key


@pytest.mark.parametrize(
    ("email", "domain"),
    [
        ("Li.Wei@ACME.com.cn", "acme.com.cn"),
        ("sales@acme.com", "acme.com"),
        ("zhang@qq.com", ""),
        ("someone@Gmail.com", ""),
        ("not-an-email", ""),
        ("a@b@c.com", ""),
        ("x@localhost", ""),
        (None, ""),
    ],
)
def test_email_domain(email, domain):
    assert email_domain(email) == domain


def test_earliest_contact_proposes_the_owner():
    a_first = dt.datetime(2025, 2, 1)
    b_first = dt.datetime(2025, 3, 10)
    assert propose_owner({"A": a_first, "B": b_first}) == "A"
    assert propose_owner({"A": None, "B": b_first}) == "B"


def test_without_contacts_the_earliest_record_wins():
    records = {"A": dt.datetime(2025, 5, 1), "B": dt.datetime(2025, 4, 1)}
    assert propose_owner({"A": None, "B": None}, records) == "B"
    assert propose_owner({}, {}) is None


def test_distribution_balances_counts():
    loads = {1: (5, 0.0), 2: (1, 0.0), 3: (3, 0.0)}
    result = distribute(["c1", "c2", "c3", "c4"], loads)
    assert [result[c] for c in ("c1", "c2", "c3", "c4")] == [2, 2, 2, 3]


def test_distribution_weighs_revenue():
    # Same count, rep 1 carries most revenue: rep 2 gets the customer.
    loads = {1: (4, 900000.0), 2: (4, 100000.0)}
    assert distribute(["c"], loads) == {"c": 2}


def test_distribution_without_reps():
    assert distribute(["c"], {}) == {}


@given(
    st.dictionaries(
        st.integers(1, 20),
        st.tuples(st.integers(0, 50), st.floats(0, 1e7)),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 30),
)
def test_distribution_assigns_everyone_to_a_known_rep(loads, count):
    customers = list(range(count))
    result = distribute(customers, loads)
    assert set(result) == set(customers)
    assert set(result.values()) <= set(loads)


def test_distribution_never_gives_a_customer_back_to_its_owner():
    loads = {1: (0, 0.0), 2: (9, 0.0)}
    assert distribute(["c", "d"], loads, {"c": 1}) == {"c": 2, "d": 1}
    assert distribute(["c"], {1: (0, 0.0)}, {"c": 1}) == {}


def test_distribution_follows_the_ability_weight():
    # Rep 1 is twice as able as rep 2: of 6 new customers, 4 and 2.
    result = distribute(list(range(6)), {1: (0, 0.0), 2: (0, 0.0)}, weights={1: 2})
    assert sorted(result.values()).count(1) == 4
    assert sorted(result.values()).count(2) == 2


def test_distribution_weight_balances_existing_load():
    # Rep 2 has 4 accounts but weight 4: it carries less than rep 1's 2 at 1.
    loads = {1: (2, 0.0), 2: (4, 0.0)}
    assert distribute(["c"], loads, weights={2: 4}) == {"c": 2}
    assert distribute(["c"], loads) == {"c": 1}


@pytest.mark.parametrize("weight", [0, -1])
def test_distribution_refuses_weights_not_above_zero(weight):
    with pytest.raises(ValueError):
        distribute(["c"], {1: (0, 0.0)}, weights={1: weight})


@given(
    st.lists(st.floats(0.25, 8.0), min_size=2, max_size=5),
    st.integers(0, 60),
)
def test_weighted_distribution_gives_more_to_the_abler(abilities, count):
    """From equal loads, everyone is assigned and a more able rep never gets
    fewer customers than a less able one."""
    loads = dict.fromkeys(range(len(abilities)), (0, 0.0))
    weights = dict(enumerate(abilities))
    result = distribute(list(range(count)), loads, weights=weights)
    assert set(result) == set(range(count))
    got = {rep: sum(1 for r in result.values() if r == rep) for rep in weights}
    for rep, weight in weights.items():
        for other, other_weight in weights.items():
            if weight > other_weight:
                assert got[rep] >= got[other]
