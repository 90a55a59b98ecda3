"""Odoo's own test classes, run in the registry of an installed database.

usage: python3 scripts/lib/core_tests.py KNOWN_FAILURES MODULES -- ODOO_ARG...

Loads the registry of the database named by ODOO_ARG (-d) with every
installed addon (key_account included, when installed), no module installed
nor updated, then runs the test classes of MODULES (comma-separated) that
--test-tags selects: each module's at_install classes, then the
post_install classes of them all, as Odoo would at install time, but in the
complete registry. The http server runs, for HttpCase and tours.

KNOWN_FAILURES lists tests that fail on a database without key_account too,
one a line: ``Class.test_method  reason`` (``Class.setUpClass`` for a class
whose set-up fails; blank lines and ``#`` comments ignored).

Prints one line per module, ``core: N passed, M failed (K known)`` and the
unexpected failures; exits 1 when any failure is not known, 2 when no test
ran, else 0. Failures, errors and tests that did not run because their
class's set-up failed all count as failed.
"""

import logging
import re
import sys
import threading
import time

import odoo
import odoo.cli.server
from odoo.modules import module as odoo_module
from odoo.service import server
from odoo.tools import config

_logger = logging.getLogger("key_account.core_tests")
_SUBTEST = re.compile(r"^Subtest (\S+)")
_CLASS_ERROR = re.compile(r"^(setUpClass|tearDownClass) \((?:[\w.]+\.)?(\w+)\)$")


def read_known(path):
    known = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _sep, reason = line.partition(" ")
            known[name] = reason.strip()
    return known


def result_class():
    """Odoo's test result class, keeping which tests started and which
    failed (the test framework is imported once Odoo runs in test mode)."""
    from odoo.tests.result import OdooTestResult  # noqa: PLC0415

    class Result(OdooTestResult):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.failed_keys = set()
            self.started = set()

        def key(self, test):
            """``Class.method`` of a test, a subtest or a class set-up error."""
            description = self.getDescription(test)
            match = _SUBTEST.match(description)
            if match:
                return match[1]
            match = _CLASS_ERROR.match(description)
            if match:
                return f"{match[2]}.{match[1]}"
            return description

        def startTest(self, test):
            self.started.add(test.id())
            super().startTest(test)

        def addError(self, test, err):
            self.failed_keys.add(self.key(test))
            super().addError(test, err)

        def addFailure(self, test, err):
            self.failed_keys.add(self.key(test))
            super().addFailure(test, err)

    return Result


def run_suite(registry, names, position):
    """{module: (test keys, failed keys)} of one suite."""
    from odoo.tests import loader  # noqa: PLC0415

    suite = loader.make_suite(names, position)
    if not suite.countTestCases():
        return {}
    if position == "post_install" and suite.has_http_case():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["ir.qweb"]._pregenerate_assets_bundles()
    _logger.info("core tests: %s classes of %s", position, ", ".join(names))
    report = registry._assertion_report
    result = result_class()(global_report=report)
    odoo_module.current_test = True
    threading.current_thread().testing = True
    try:
        suite(result)
    finally:
        threading.current_thread().testing = False
        odoo_module.current_test = False
    report.update(result)
    classes_down = {k.split(".")[0] for k in result.failed_keys if k.endswith("Class")}
    outcome = {}
    owner_of_class = {}
    for test in suite:
        cls = type(test).__qualname__
        key = f"{cls}.{test._testMethodName}"
        owner_of_class[cls] = test.test_module
        tests, failed = outcome.setdefault(test.test_module, ([], set()))
        tests.append(key)
        if key in result.failed_keys or (
            test.id() not in result.started and cls in classes_down
        ):
            failed.add(key)  # failed, or did not run: its class's set-up failed
    for key in result.failed_keys:
        if key.endswith(".tearDownClass"):
            owner = owner_of_class.get(key.split(".")[0], names[0])
            outcome.setdefault(owner, ([], set()))[1].add(key)
    return outcome


def summarize(results, known, seconds):
    """Logs the counts; returns the exit code."""

    def is_known(key):
        return key in known or f"{key.split('.')[0]}.setUpClass" in known

    passed = failed_n = known_n = 0
    unexpected = []
    for module, (tests, failed) in results.items():
        m_known = sum(1 for k in failed if is_known(k))
        m_passed = len(tests) - len(failed & set(tests))
        _logger.info(
            "core %s: %d tests, %d passed, %d failed (%d known)",
            module,
            len(tests),
            m_passed,
            len(failed),
            m_known,
        )
        passed += m_passed
        failed_n += len(failed)
        known_n += m_known
        unexpected += sorted(k for k in failed if not is_known(k))
    _logger.info(
        "core: %d passed, %d failed (%d known) in %.0fs",
        passed,
        failed_n,
        known_n,
        seconds,
    )
    for key in unexpected:
        _logger.error("core: unexpected failure: %s", key)
    seen = {k for _tests, failed in results.values() for k in failed}
    fixed = sorted(k for k in known if k not in seen and not k.endswith("Class"))
    if fixed:
        _logger.info("core: listed as known, did not fail: %s", ", ".join(fixed))
    if unexpected:
        return 1
    return 0 if passed + failed_n else 2


def main(known_path, modules, odoo_args):
    known = read_known(known_path)
    outcome = {"rc": 2}

    def preload_registries(dbnames):
        from odoo.modules.registry import Registry  # noqa: PLC0415

        (dbname,) = dbnames
        # Load every installed addon without running the at_install tests
        # module by module (they would run in a partial registry).
        config["test_enable"] = False
        try:
            registry = Registry.new(dbname)
        finally:
            config["test_enable"] = True
        if registry._assertion_report is None:
            registry._assertion_report = result_class()()
        missing = [m for m in modules if m not in registry._init_modules]
        if missing:
            _logger.error("core tests: not installed in %s: %s", dbname, missing)
            return 1
        _logger.info(
            "core tests: registry of %s, key_account %s",
            dbname,
            "installed" if "key_account" in registry._init_modules else "not installed",
        )
        t0 = time.time()
        results = {m: ([], set()) for m in modules}
        runs = [([m], "at_install") for m in modules] + [(modules, "post_install")]
        for names, position in runs:
            for module, (tests, failed) in run_suite(registry, names, position).items():
                results.setdefault(module, ([], set()))
                results[module][0].extend(tests)
                results[module][1].update(failed)
        outcome["rc"] = summarize(results, known, time.time() - t0)
        return outcome["rc"]

    server.preload_registries = preload_registries
    try:
        odoo.cli.server.main(odoo_args)
    except SystemExit as exc:
        if exc.code not in (0, None) and outcome["rc"] == 0:
            return 1
    return outcome["rc"]


if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[3] != "--":
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], [m for m in sys.argv[2].split(",") if m], sys.argv[4:]))
