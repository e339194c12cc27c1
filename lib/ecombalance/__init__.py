"""ecombalance: sample balancing (样本均衡) for e-commerce search and recommendation models.

The package holds the logic behind the notebooks in ``notebooks/``: data, preprocessing,
resampling, balanced losses, fine-tuning, evaluation, and the papermill report harness.
Sub-modules are imported on use so that ``import ecombalance`` stays light.
"""

__version__ = "0.1.0"
