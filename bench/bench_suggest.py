"""Benchmark ``suggest``: the tier-suggestion cron, batch by batch, over the
key-account customers of ``bench_partner._setup`` (run from there, in the
same transaction as ``partner_write`` and ``partner_search``)."""

from harness import _queries


def bench_suggest(env, partners, batch_size=100):
    """Queries of each cron batch over all key accounts: constant per batch."""
    Suggestion = env["key_account.tier.suggestion"]
    counts, done = [], []

    def one_batch():
        done.append(Suggestion._cron_suggest(batch_size))

    while True:
        counts.append(_queries(env, one_batch))
        if not done[-1]:
            counts.pop()
            break
    # The first batch also fills process-wide caches (defaults, access rules).
    steady = set(counts[1:])
    print(
        f"BENCH suggest_batch{batch_size} accounts={len(partners)} "
        f"batches={len(counts)} queries_per_batch={'/'.join(map(str, counts))} "
        f"constant_after_first={len(steady) == 1}"
    )
