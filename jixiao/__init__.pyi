# Type information for `import jixiao`: at run time the API names load lazily (see __init__.py).
from jixiao.api import Evidence as Evidence
from jixiao.api import Result as Result
from jixiao.api import convert as convert
from jixiao.api import read as read
from jixiao.api import show as show
from jixiao.api import validate as validate
from jixiao.version import __version__ as __version__

PIPELINE_VERSION: str
__all__: list[str]
