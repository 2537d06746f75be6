"""The house rules of the package layout, checked on the source (see Explanation: Architecture).

Imports point one way, down the list of layers: a module never imports one of a higher layer.
Input and output (``narcometrics.io``) never import models. Each ``__init__.py`` of a
subpackage holds only re-exports (and a docstring): plain imports, or the same names imported
on first use (``narcometrics._lazy.reexport``) with their imports under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "narcometrics"

#: The layers, lowest first. A module may import its own layer and the layers before it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_version", "errors", "units", "_json", "_data", "_renamed", "_lazy"),
    ("_paths",),
    ("_frame",),
    ("_cattrs", "_checks", "_fields", "_display", "_views", "_views_indicators", "citation"),
    ("records",),
    ("serialize",),
    ("tables",),
    ("aggregate",),
    ("substances",),
    ("training",),
    ("factors",),
    ("estimate",),
    ("rates",),
    ("indicators",),
    ("io",),
    ("normalise",),
    ("datasets",),
    ("stream", "checks", "iati"),
    ("report", "_report_data", "_report_render", "_report_html"),
    ("plot",),
    ("provenance",),
    ("dask",),
    ("testing",),
    ("cli", "__main__"),
)

#: Deprecated aliases that import the module a name moved to (each removed after one release).
DEPRECATED_ALIASES: dict[str, set[str]] = {"io/_deprecated.py": {"stream"}}

#: What input and output may never import: the models.
MODELS = frozenset({"aggregate", "training", "factors", "estimate", "rates", "indicators"})


def _layer_of(top: str) -> int | None:
    for level, names in enumerate(LAYERS):
        if top in names:
            return level
    return None


def _top(module: str) -> str:
    return module.split(".")[0]


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found.append((parts[0], path))
    return found


def _imported(path: Path) -> set[str]:
    """The top-level narcometrics modules a file imports (absolute and relative)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = path.relative_to(PACKAGE).parent.parts
    names: set[str] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("narcometrics."):
                    names.add(alias.name.split(".")[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package_parts[: len(package_parts) - node.level + 1])
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
                if module:
                    names.add(_top(module))
                else:
                    names.update(alias.name for alias in node.names)
            elif node.module == "narcometrics":
                names.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("narcometrics."):
                names.add(node.module.split(".")[1])
    return names


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:`` (imports for annotations only)."""
    found: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            stack.extend(node.orelse)
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def test_every_module_has_a_layer() -> None:
    missing = sorted({top for top, _ in _modules() if top != "__init__"} - _known())
    assert not missing, f"modules with no layer in tests/test_architecture.py: {missing}"


def _known() -> set[str]:
    return {name for names in LAYERS for name in names} | {"data"}


@pytest.mark.parametrize(("top", "path"), _modules(), ids=lambda v: str(v))
def test_imports_point_one_way(top: str, path: Path) -> None:
    if top == "__init__":
        return  # the package face re-exports (lazily) from every layer
    level = _layer_of(top)
    assert level is not None
    allowed = DEPRECATED_ALIASES.get(str(path.relative_to(PACKAGE)), set())
    upward = sorted(
        name
        for name in _imported(path) - allowed
        if (other := _layer_of(name)) is not None and other > level and name != top
    )
    assert not upward, f"{path.relative_to(PACKAGE)} imports a higher layer: {upward}"


def test_input_and_output_never_import_models() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(_imported(path) & MODELS)
        for top, path in _modules()
        if top == "io" and _imported(path) & MODELS
    }
    assert not offenders, offenders


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"


def _lazy_reexports(node: ast.If) -> dict[str, tuple[str, ...]] | None:
    """The modules and names of ``if TYPE_CHECKING: <imports> else: __getattr__, __dir__ =
    reexport(__name__, {<module>: (<names>), ...})``; None for anything else."""
    if not all(isinstance(n, ast.ImportFrom) for n in node.body) or len(node.orelse) != 1:
        return None
    assign = node.orelse[0]
    if not (
        isinstance(assign, ast.Assign)
        and ast.unparse(assign.targets[0]) == "(__getattr__, __dir__)"
        and isinstance(assign.value, ast.Call)
        and ast.unparse(assign.value.func) == "reexport"
        and ast.unparse(assign.value.args[0]) == "__name__"
        and isinstance(assign.value.args[1], ast.Dict)
    ):
        return None
    try:
        mapping = ast.literal_eval(assign.value.args[1])
    except ValueError:
        return None
    return {module: tuple(names) for module, names in mapping.items()}


def _holds_only_reexports(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if _is_type_checking(node) and _lazy_reexports(node) is not None:  # type: ignore[arg-type]
            continue  # the same re-exports, imported on first use
        if isinstance(node, ast.Try) and all(
            isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body
        ):
            continue  # an optional-dependency guard around imports
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                continue
        return False
    return True


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_subpackage_init_holds_only_reexports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _holds_only_reexports(tree), f"{path.relative_to(PACKAGE)} holds implementation"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE),
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_lazy_reexports_name_the_same_modules_and_names_as_their_imports_and_all(
    path: Path,
) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    blocks = [n for n in tree.body if _is_type_checking(n)]
    if not blocks:
        return  # plain imports
    (block,) = blocks
    assert isinstance(block, ast.If)
    lazy = _lazy_reexports(block)
    assert lazy is not None
    imported = {
        node.module: tuple(alias.name for alias in node.names)
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert all(alias.asname is None for n in block.body for alias in n.names)  # type: ignore[attr-defined]
    assert lazy == imported
    (exported,) = [
        ast.literal_eval(n.value)
        for n in tree.body
        if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "__all__"
    ]
    assert sorted(exported) == sorted(name for names in lazy.values() for name in names)


@pytest.mark.parametrize(
    "package",
    sorted(
        p.parent.relative_to(PACKAGE).as_posix().replace("/", ".")
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE
    ),
)
def test_every_name_a_subpackage_exports_is_there(package: str) -> None:
    try:
        module = importlib.import_module(f"narcometrics.{package}")
    except ModuleNotFoundError as error:  # an optional extra (dask) that is not installed
        if (error.name or "").startswith("narcometrics"):
            raise
        pytest.skip(f"narcometrics.{package} needs {error.name}")
    exported = getattr(module, "__all__", ())
    for name in exported:
        assert getattr(module, name) is not None, name
    assert set(exported) <= set(dir(module))
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        module.not_a_name  # noqa: B018


def test_the_architecture_page_names_every_layer() -> None:
    page = (PACKAGE.parents[1] / "docs" / "explanation" / "architecture.md").read_text("utf-8")
    drawing = page.split("```text", 1)[1].split("```", 1)[0]
    named = set(re.findall(r"[a-z_]+", drawing))
    missing = sorted({name for names in LAYERS for name in names} - named)
    assert not missing, f"docs/explanation/architecture.md does not draw: {missing}"
