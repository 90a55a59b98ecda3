"""Customer ownership maths: matching keys, proposed owner, balanced
distribution (SPEC R45–R48)."""

import re
import unicodedata

# Legal-form suffixes stripped from company names before matching, longest
# first so "股份有限公司" goes before "有限公司" and "公司".
COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "集团",
    "公司",
    "co ltd",
    "co limited",
    "company limited",
    "corporation",
    "incorporated",
    "limited",
    "company",
    "group",
    "gmbh",
    "corp",
    "inc",
    "llc",
    "ltd",
    "plc",
    "co",
    "sa",
    "ag",
)

# Webmail domains shared by unrelated people: never a matching key.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "qq.com",
        "foxmail.com",
        "163.com",
        "126.com",
        "yeah.net",
        "139.com",
        "189.cn",
        "sina.com",
        "sina.cn",
        "sohu.com",
        "aliyun.com",
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
    }
)

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def _fold(text):
    """Full-width to half-width, lower case, punctuation to spaces."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def normalize_company_name(name):
    """Matching key of a company name: case, width, punctuation, spaces and
    legal-form suffixes (有限公司, Co., Ltd., Inc. …) ignored.

    >>> normalize_company_name("上海华光科技股份有限公司")
    '上海华光科技'
    >>> normalize_company_name("ACME Trading Co., Ltd.")
    'acmetrading'
    """
    folded = _fold(name)
    changed = True
    while changed and folded and folded not in COMPANY_SUFFIXES:
        changed = False
        for suffix in COMPANY_SUFFIXES:
            if suffix.isascii():
                if folded.endswith(" " + suffix):
                    folded = folded[: -len(suffix) - 1].strip()
                    changed = True
                    break
            elif folded.endswith(suffix):
                folded = folded[: -len(suffix)].strip()
                changed = True
                break
    return folded.replace(" ", "")


def normalize_vat(vat):
    """Tax ID or registry number without spaces, dashes and case."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", vat or "").upper())


def normalize_phone(phone, min_digits=7):
    """Digits of a phone number without the international prefix (00, +86)
    nor the trunk zero; '' when too short to identify anyone."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("86") and len(digits) >= 11:
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= min_digits else ""


def email_domain(email):
    """Company domain of an e-mail address; '' for webmail and bad input."""
    email = unicodedata.normalize("NFKC", email or "").strip().lower()
    if email.count("@") != 1:
        return ""
    domain = email.split("@")[1].strip(" >.")
    if "." not in domain or domain in PUBLIC_EMAIL_DOMAINS:
        return ""
    return domain


def propose_owner(first_contacts, record_dates=None):
    """The owner to propose in a conflict (SPEC R45): the user with the
    earliest dated logged contact; without contacts, the earliest record.

    ``first_contacts`` maps user → first contact datetime (or None),
    ``record_dates`` user → creation datetime of their record. Ties go to the
    smaller user key so the proposal is stable. None when nobody qualifies.
    """
    dated = [(day, user) for user, day in (first_contacts or {}).items() if day]
    if not dated:
        dated = [(day, user) for user, day in (record_dates or {}).items() if day]
    if not dated:
        return None
    return min(dated)[1]


def distribute(customers, loads, excluded=None, weights=None):
    """Balanced assignment of ``customers`` (ordered keys) to reps.

    ``loads`` maps rep → (account count, trailing revenue). Each customer goes
    to the rep whose load score is lowest, the score being the rep's share of
    the average count plus their share of the average revenue, divided by
    the rep's ability weight (``weights``: rep → weight above 0, default 1),
    so a rep of weight 2 carries about twice the load of a rep of weight 1;
    each new customer adds one account. Ties go to the smaller rep key.
    ``excluded`` maps a customer to the rep who may not get it (its current
    owner); a customer nobody may get is left out. Returns {customer: rep}.
    """
    excluded = excluded or {}
    weights = {rep: float((weights or {}).get(rep, 1.0)) for rep in loads}
    if any(not weight > 0 for weight in weights.values()):
        raise ValueError("Ability weights must be above zero")
    if not loads:
        return {}
    counts = {rep: float(count) for rep, (count, _revenue) in loads.items()}
    revenue = {rep: float(rev or 0.0) for rep, (_count, rev) in loads.items()}
    total_revenue = sum(max(r, 0.0) for r in revenue.values())
    avg_revenue = total_revenue / len(loads) if total_revenue > 0 else 0.0
    result = {}
    for customer in customers:
        avg_count = (sum(counts.values()) / len(counts)) or 1.0

        def score(rep, avg_count=avg_count):
            rev_share = max(revenue[rep], 0.0) / avg_revenue if avg_revenue else 0.0
            # The half account (Sainte-Laguë) keeps each rep near their
            # ability share whatever the weights; equal weights ignore it.
            load = (counts[rep] + 0.5) / avg_count + rev_share
            return (load / weights[rep], rep)

        allowed = [rep for rep in loads if rep != excluded.get(customer)]
        if not allowed:
            continue
        rep = min(allowed, key=score)
        result[customer] = rep
        counts[rep] += 1
    return result
