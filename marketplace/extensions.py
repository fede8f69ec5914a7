"""Discovery of the marketplace's plugins.

A plugin is a package under ``plugins/``: a Django app (it has ``apps.py``)
and, when its ``__init__.py`` names one in ``SALEOR_PLUGIN``, a Saleor
plugin too. Dropping a package there is all it takes to join: nothing in
``marketplace/`` lists the plugins.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class PluginSpec:
    name: str
    app: str
    saleor_plugin: str | None


def _read_saleor_plugin(init_file: Path) -> str | None:
    # Read the declaration without importing the package: settings are not
    # loaded yet, and a plugin package may import Django models.
    tree = ast.parse(init_file.read_text(), filename=str(init_file))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "SALEOR_PLUGIN"
            for target in node.targets
        ):
            return ast.literal_eval(node.value)
    return None


def discover_plugins(root: Path, enabled=()) -> list[PluginSpec]:
    """List the plugin packages under ``root``, sorted by name."""
    specs = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if not (path / "apps.py").is_file() or not (path / "__init__.py").is_file():
            continue
        specs.append(
            PluginSpec(
                name=path.name,
                app=f"{root.name}.{path.name}",
                saleor_plugin=_read_saleor_plugin(path / "__init__.py"),
            )
        )
    if enabled:
        known = {spec.name for spec in specs}
        unknown = set(enabled) - known
        if unknown:
            raise ImproperlyConfigured(
                "MARKETPLACE_PLUGINS names unknown plugins: "
                + ", ".join(sorted(unknown))
            )
        specs = [spec for spec in specs if spec.name in enabled]
    return specs
