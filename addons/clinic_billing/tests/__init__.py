from . import test_coverage
