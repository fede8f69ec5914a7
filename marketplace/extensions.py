"""Discovery of the marketplace's plugins.

A plugin is a package under ``plugins/``: a Django app (it has ``apps.py``)
and, when its ``__init__.py`` names one in ``SALEOR_PLUGIN``, a Saleor
plugin too. Dropping a package there is all it takes to join: nothing in
``marketplace/`` lists the plugins.

``PLUGIN_ORDER`` (an integer, 100 when absent) in the same ``__init__.py``
places the plugin among the others: Saleor calls the hooks of its plugins
in list order, each receiving the value of the one before, so the plugin
with the highest order has the last word on a price.
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
    order: int = 100


def _read_declarations(init_file: Path) -> dict:
    # Read the declarations without importing the package: settings are not
    # loaded yet, and a plugin package may import Django models.
    tree = ast.parse(init_file.read_text(), filename=str(init_file))
    declarations = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id in _DECLARATIONS:
                declarations[target.id] = ast.literal_eval(node.value)
    return declarations


_DECLARATIONS = {"SALEOR_PLUGIN", "PLUGIN_ORDER"}


def discover_plugins(root: Path, enabled=()) -> list[PluginSpec]:
    """List the plugin packages under ``root``, by order, then name."""
    specs = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if not (path / "apps.py").is_file() or not (path / "__init__.py").is_file():
            continue
        declarations = _read_declarations(path / "__init__.py")
        specs.append(
            PluginSpec(
                name=path.name,
                app=f"{root.name}.{path.name}",
                saleor_plugin=declarations.get("SALEOR_PLUGIN"),
                order=declarations.get("PLUGIN_ORDER", 100),
            )
        )
    specs.sort(key=lambda spec: (spec.order, spec.name))
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
