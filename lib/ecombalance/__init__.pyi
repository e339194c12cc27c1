from ecombalance.api import Comparison as Comparison
from ecombalance.api import compare as compare
from ecombalance.api import load as load
from ecombalance.api import report as report
from ecombalance.data.table import Table as Table
from ecombalance.exceptions import DataError as DataError

__version__: str
__all__ = ["Comparison", "DataError", "Table", "compare", "load", "report"]
