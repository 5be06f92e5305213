"""iadsim: a Monte Carlo simulator of integrated air defence systems and the raids against them.

The package answers: given this equipment, this network and this state of readiness, what
happens to this raid, and where and why does the kill chain break? All parameters are notional.
"""

from iadsim._version import __version__ as __version__
