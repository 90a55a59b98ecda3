"""Checks the wheel whool built from an addon.

usage: python scripts/lib/wheel_check.py contents WHEEL ADDON_DIR OCA_REQUIREMENTS
       python scripts/lib/wheel_check.py requirements WHEEL SYS_PATH_JSON

Runs in the wheel-tools environment of scripts/test (packaging and
manifestoo-core installed), never inside Odoo.

``contents`` checks that

- the distribution is ``odoo-addon-<addon>``, of the manifest's version
  (whool may append a git post-release number);
- it requires Odoo of the manifest's series, and each dependency of the
  manifest that is not a Community core addon as ``odoo-addon-<name>`` of
  that series; those are exactly the addons of OCA_REQUIREMENTS (the wheels
  scripts/run and scripts/test install), and no dependency is an Enterprise
  addon;
- it holds the addon under ``odoo/addons/<addon>/`` and nothing else but its
  dist-info: every file of the addon under version control (every file on
  disk when there is no git), so every data, demo and asset file of the
  manifest, the i18n catalogues and the Python modules, and no
  pyproject.toml.

``requirements`` checks that the distributions on SYS_PATH_JSON (the
``sys.path`` of the Odoo interpreter, as JSON) meet each Requires-Dist of
the wheel, the way pip would see them, one level deep: Odoo's own
requirements are not pip's to judge there (an Odoo environment has
psycopg2-binary where Odoo's metadata names psycopg2). An Odoo imported
from a source tree without distribution metadata is reported, not failed.

Prints one summary line; exits 1 with the problems listed otherwise.
"""

import ast
import email.parser
import fnmatch
import importlib.metadata
import json
from pathlib import Path
import re
import subprocess
import sys
import zipfile

from manifestoo_core.core_addons import is_core_ce_addon, is_core_ee_addon
from manifestoo_core.odoo_series import OdooSeries
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def tracked_files(addon_dir):
    """The addon's files under git, relative to it; None without git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--", "."],
            cwd=addon_dir,
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    # Files deleted in the work tree but not yet in the index are gone.
    return {name for name in out.split("\0") if name and (addon_dir / name).is_file()}


def disk_files(addon_dir):
    return {
        str(path.relative_to(addon_dir))
        for path in addon_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def oca_addons(requirements_file):
    names = set()
    for line in requirements_file.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name = canonicalize_name(Requirement(line).name)
            names.add(name.removeprefix("odoo-addon-").replace("-", "_"))
    return names


def check_metadata(metadata, manifest, addon, series, problems):
    name, version = metadata["Name"], metadata["Version"]
    if name != f"odoo-addon-{addon}":
        problems.append(f"distribution name {name}, expected odoo-addon-{addon}")
    # whool appends the commits since the manifest's version changed.
    if not re.fullmatch(
        re.escape(manifest["version"]) + r"(\.post\d+|\.\d+|\.99\.dev\d+)?", version
    ):
        problems.append(
            f"version {version} is not the manifest's {manifest['version']}"
        )
    requires = {}
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        requires[canonicalize_name(requirement.name)] = requirement
    major = int(series.value.split(".")[0])
    inside = [Version(f"{series.value}.1.0.0"), Version(f"{series.value}.99.0.0")]
    outside = [Version(f"{major - 1}.0.1.0.0"), Version(f"{major + 1}.0.1.0.0")]

    def admits(requirement, versions):
        return all(
            requirement.specifier.contains(v, prereleases=True) for v in versions
        )

    odoo = requires.pop("odoo", None)
    if odoo is None:
        problems.append("no requirement on odoo")
    elif not admits(odoo, [Version(series.value)]) or any(
        odoo.specifier.contains(v, prereleases=True) for v in outside
    ):
        problems.append(f"requirement {odoo} is not Odoo {series.value}")
    non_core = set()
    for depend in manifest.get("depends", []):
        if is_core_ce_addon(depend, series):
            continue
        if is_core_ee_addon(depend, series):
            problems.append(f"depends on {depend}, an Odoo Enterprise addon")
            continue
        non_core.add(depend)
        requirement = requires.pop(canonicalize_name(f"odoo-addon-{depend}"), None)
        if requirement is None:
            problems.append(f"no requirement on odoo-addon-{depend} (manifest depends)")
        elif not admits(requirement, inside) or any(
            requirement.specifier.contains(v, prereleases=True) for v in outside
        ):
            problems.append(
                f"requirement {requirement} is not of series {series.value}"
            )
    for rest in requires.values():
        if rest.name.startswith(("odoo-addon-", "odoo_addon_")):
            problems.append(f"requirement {rest} is not in the manifest's depends")
    return non_core, sorted(str(r) for r in (metadata.get_all("Requires-Dist") or []))


def manifest_files(manifest, files):
    """Every file the manifest names: data, demo, asset globs."""
    named = {*manifest.get("data", []), *manifest.get("demo", [])}
    missing = {name for name in named if name not in files}
    for bundle in manifest.get("assets", {}).values():
        for item in bundle:
            pattern = item[-1] if isinstance(item, (list, tuple)) else item
            if not isinstance(pattern, str) or "/" not in pattern:
                continue
            addon, _, path = pattern.partition("/")
            if addon == manifest["_addon"] and not fnmatch.filter(files, path):
                missing.add(path)
    return named, missing


def wheel_metadata(wheel):
    names = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    if len(names) != 1:
        return None
    return email.parser.HeaderParser().parsestr(wheel.read(names[0]).decode("utf-8"))


def check_requirements(wheel_path, sys_path_json):
    paths = [p for p in json.loads(sys_path_json) if p]
    installed = {}
    for dist in importlib.metadata.distributions(path=paths):
        name = canonicalize_name(dist.metadata["Name"] or "")
        installed.setdefault(name, dist.version)  # first on the path wins
    with zipfile.ZipFile(wheel_path) as wheel:
        metadata = wheel_metadata(wheel)
    if metadata is None:
        return ["no single METADATA in the wheel"], ""
    problems, met = [], []
    for line in metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        version = installed.get(name)
        if version is None and name == "odoo":
            met.append(
                "odoo (no distribution metadata: install the wheel with --no-deps)"
            )
        elif version is None:
            problems.append(f"{requirement}: not installed for the Odoo interpreter")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement}: {requirement.name} {version} is installed")
        else:
            met.append(f"{requirement.name} {version}")
    return problems, "requirements met: " + ", ".join(met)


def check_contents(wheel_path, addon_dir, oca_requirements):
    wheel_path, addon_dir = Path(wheel_path), Path(addon_dir).resolve()
    addon = addon_dir.name
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text("utf-8"))
    manifest["_addon"] = addon
    series = OdooSeries.from_str(".".join(manifest["version"].split(".")[:2]))
    problems = []
    with zipfile.ZipFile(wheel_path) as wheel:
        names = [n for n in wheel.namelist() if not n.endswith("/")]
        dist_infos = {n.split("/")[0] for n in names if ".dist-info/" in n}
        if len(dist_infos) != 1:
            return [f"{len(dist_infos)} dist-info folders in the wheel"], ""
        (dist_info,) = dist_infos
        metadata = wheel_metadata(wheel)
        if metadata is None:
            return ["no METADATA in the wheel"], ""
    prefix = f"odoo/addons/{addon}/"
    content = {n[len(prefix) :] for n in names if n.startswith(prefix)}
    strays = [n for n in names if not n.startswith((prefix, f"{dist_info}/"))]
    if strays:
        problems.append(f"files outside {prefix}: {', '.join(sorted(strays)[:5])}")
    non_core, requires = check_metadata(metadata, manifest, addon, series, problems)
    oca = oca_addons(Path(oca_requirements))
    if non_core != oca:
        problems.append(
            f"non-core depends {sorted(non_core)} differ from the OCA wheels of "
            f"{oca_requirements} {sorted(oca)}"
        )

    tracked = tracked_files(addon_dir)
    expected = (tracked if tracked is not None else disk_files(addon_dir)) - {
        "pyproject.toml"
    }
    for name in sorted(expected - content)[:10]:
        problems.append(f"not in the wheel: {name}")
    if "pyproject.toml" in content:
        problems.append("pyproject.toml is in the wheel")
    named, unnamed = manifest_files(manifest, content)
    for name in sorted(unnamed):
        hint = " (not under git: git add it)" if (addon_dir / name).exists() else ""
        problems.append(f"named in the manifest, not in the wheel: {name}{hint}")
    i18n = [n for n in content if n.startswith("i18n/") and n.endswith((".po", ".pot"))]
    if not i18n:
        problems.append("no i18n catalogue in the wheel")
    for required in ("__init__.py", "__manifest__.py"):
        if required not in content:
            problems.append(f"no {required} in the wheel")
    summary = (
        f"{wheel_path.name}: {metadata['Name']} {metadata['Version']}, "
        f"{len(content)} files ({len(named)} data/demo, {len(i18n)} i18n); "
        f"requires {', '.join(requires)}"
    )
    return problems, summary


if __name__ == "__main__":
    commands = {
        "contents": (check_contents, 3),
        "requirements": (check_requirements, 2),
    }
    command, arity = commands.get(sys.argv[1] if len(sys.argv) > 1 else "", (None, 0))
    if command is None or len(sys.argv) != arity + 2:
        sys.exit(__doc__)
    found, line = command(*sys.argv[2:])
    for problem in found:
        print(f"wheel: {problem}", file=sys.stderr)
    if line:
        print(line)
    sys.exit(1 if found else 0)
