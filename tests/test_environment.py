import re
import tomllib

from analysis.config import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def name(spec: str) -> str:
    return re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> set[str]:
    project = PYPROJECT["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return {name(s) for s in specs}


def lock_versions(path: str) -> dict[str, str]:
    """Return the locked version of each package for Python 3.11, the environment's Python."""
    text = (ROOT / path).read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^ ;\\\n]+)(.*)$", text, re.M)
    return {name.lower(): version for name, version, marker in pins if ">= '3.12'" not in marker}


def conda_pins() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^  - ([a-z0-9_-]+)=([^\s#]+)", text, re.M))
    pins.pop("python")
    # Packages missing from conda-forge go under the pip: section, pinned the pip way.
    pins.update(re.findall(r"^      - ([a-z0-9_-]+)==([^\s#]+)", text, re.M))
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert set(conda_pins()) == declared()


def test_environment_yml_pins_the_locked_versions():
    locked = lock_versions("requirements-lab.lock")
    for pkg, version in conda_pins().items():
        assert locked[pkg] == version, pkg


def test_every_declared_dependency_is_locked_with_hashes():
    main = lock_versions("requirements.lock")
    lab = lock_versions("requirements-lab.lock")
    project = PYPROJECT["project"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        assert name(spec) in main, spec
    for spec in project["optional-dependencies"]["lab"]:
        assert name(spec) in lab, spec
    # The lab lock only adds to the main lock: the report is built with the same versions.
    assert all(lab[p] == v for p, v in main.items() if p in lab)
    assert "--hash=sha256:" in (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_ci_runs_exactly_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme and "make test" in readme
