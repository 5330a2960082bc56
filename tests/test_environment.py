import re
import tomllib

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from analysis.config import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# conda-forge names that differ from PyPI's (environment.yml uses conda-forge's).
CONDA_FORGE_NAMES = {
    "duckdb": "python-duckdb",
    "country-converter": "country_converter",
}
# Declared dependencies that conda-forge does not carry: environment.yml's pip section.
NOT_ON_CONDA_FORGE = {"ecomplexity"}


def name(spec: str) -> str:
    return re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0].lower().replace("_", "-")


def bound(spec: str) -> str:
    return spec[len(re.split(r"[<>=!~ ;\[]", spec, maxsplit=1)[0]) :].strip()


def declared_specs() -> dict[str, str]:
    project = PYPROJECT["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return {name(s): bound(s) for s in specs}


def declared() -> set[str]:
    return set(declared_specs())


def lock_versions(path: str) -> dict[str, str]:
    """Return the locked version of each package for Python 3.11, the environment's Python."""
    text = (ROOT / path).read_text(encoding="utf-8")
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^ ;\\\n]+)(.*)$", text, re.M)
    return {name.lower(): version for name, version, marker in pins if ">= '3.12'" not in marker}


def environment_yml() -> tuple[dict[str, str], dict[str, str]]:
    """Return the conda-forge and the pip packages of environment.yml, each with its bound."""
    text = (ROOT / "environment.yml").read_text(encoding="utf-8").split("\ndependencies:\n")[1]
    conda = dict(re.findall(r"^  - ([A-Za-z0-9][A-Za-z0-9_.-]*)([^\s#]*)", text, re.M))
    pip = dict(re.findall(r"^      - ([A-Za-z0-9][A-Za-z0-9_.-]*)([^\s#]*)", text, re.M))
    return conda, pip


def conda_pins() -> dict[str, str]:
    """Return environment.yml's packages under their PyPI names, with their version bounds."""
    conda, pip = environment_yml()
    pypi_names = {v: k for k, v in CONDA_FORGE_NAMES.items()}
    pins = {pypi_names.get(n, n): spec for n, spec in conda.items() if n not in ("python", "pip")}
    pins.update(pip)
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert set(conda_pins()) == declared()


def test_environment_yml_has_the_bounds_of_pyproject():
    specs = declared_specs()
    for pkg, spec in conda_pins().items():
        assert spec == specs[pkg], pkg
    conda, _ = environment_yml()
    assert conda["python"] == PYPROJECT["project"]["requires-python"]


def test_environment_yml_uses_pip_only_for_what_conda_forge_lacks():
    conda, pip = environment_yml()
    assert set(pip) == NOT_ON_CONDA_FORGE
    assert not set(CONDA_FORGE_NAMES) & set(conda), "use conda-forge's names"
    assert "--editable ." in (ROOT / "environment.yml").read_text(encoding="utf-8")


def test_locked_versions_meet_the_environment_bounds():
    locked = lock_versions("requirements-lab.lock")
    for pkg, spec in conda_pins().items():
        assert Version(locked[pkg]) in SpecifierSet(spec), (pkg, locked[pkg], spec)


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
