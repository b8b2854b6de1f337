"""borlange-analysis: Sweden's official greenhouse-gas statistics as per-sector and per-partner
climate reports for any kommun (default Borlänge, SCB code 2081).

Units travel with every number: emissions are t CO2e/yr (all greenhouse gases, GWP100 AR5, as in
SMHI's Nationella emissionsdatabasen) unless a column name says otherwise.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("borlange-analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

from .data import (  # noqa: E402
    kommun_code,
    kommun_name,
    load_emissions,
    load_kommuner,
    load_population,
    load_regional_emissions,
    releases,
)

from . import (  # noqa: E402  (submodules, so that `ba.pathways` etc. work after `import borlange_analysis as ba`)
    budget,
    emissions,
    food_waste,
    indicators,
    names,
    partners,
    pathways,
    sinks,
    statements,
    targets,
)

__all__ = [
    "__version__",
    "budget",
    "emissions",
    "food_waste",
    "indicators",
    "names",
    "partners",
    "pathways",
    "sinks",
    "statements",
    "targets",
    "kommun_code",
    "kommun_name",
    "load_emissions",
    "load_kommuner",
    "load_population",
    "load_regional_emissions",
    "releases",
]
