r"""The numpydoc sections (Parameters ... Examples) of the public losses of :mod:`ecombalance.models._losses`.

Kept apart so that ``_losses.py`` stays within 500 lines: :func:`document` appends them on import to the docstrings
written there (summary, formula, paper). Text shared by several losses is in :data:`TEXT`, named ``$logits`` etc.
"""

from __future__ import annotations

import inspect
from string import Template
from typing import Any

TEXT = {
    "logits": """logits : torch.Tensor of shape (n_samples, n_classes)
    Unnormalised class scores :math:`f(x)`, floating point (float16 and bfloat16 are computed in float32).""",
    "targets": """targets : torch.Tensor of shape (n_samples,)
    Integer class indices in ``[0, n_classes)`` (not one-hot vectors or probabilities).""",
    "class_counts": r"""class_counts : array-like of shape (n_classes,)
    Training samples per class :math:`N_c` (a list, NumPy array or tensor) in logit-column order, all positive.""",
    "reduction": r"""reduction : {"mean", "sum", "none"}, default="mean"
    How the per-sample losses :math:`\ell_i` are combined: their mean, their sum, or none (one per sample).""",
    "weight": r"""weight : array-like of shape (n_classes,), default=None
    Per-class weight :math:`w_c`; ``"mean"`` is then torch's weighted mean. None weighs every class 1.""",
    "weighting": r"""weighting : {"balanced", "sqrt", "effective"}, default="balanced"
    How the class weights :math:`w_c` follow from the counts: ``"balanced"`` :math:`w_c = N / (C N_c)`
    (King & Zeng 2001; scikit-learn's ``"balanced"``), ``"sqrt"`` :math:`w_c \propto N_c^{-1/2}`,
    ``"effective"`` the inverse effective number :math:`w_c \propto (1-\beta)/(1-\beta^{N_c})` (Cui et al.
    2019); the last two normalised to :math:`\sum_c w_c = C`. Balanced classes get all ones.""",
    "beta": r"""beta : float, default=0.999
    The :math:`\beta \in [0, 1)` of the effective number of samples :math:`(1-\beta^{N_c})/(1-\beta)`;
    :math:`\beta = 0` gives all ones, :math:`\beta \to 1` tends to inverse frequency.""",
    "gamma": r"""gamma : float, default=2.0
    Focusing parameter :math:`\gamma \ge 0`: the larger, the less the well-classified samples count.""",
    "alpha": r"""alpha : array-like of shape (n_classes,), default=None
    Optional per-class weight :math:`\alpha_c` (none by default).""",
    "base": """base : {"softmax", "focal"}, default="softmax"
    The loss :math:`L` that is weighted: softmax cross-entropy or the focal loss with ``gamma``.""",
    "focal_gamma": r"""gamma : float, default=2.0
    The focal loss's :math:`\gamma`, used with ``base="focal"`` only.""",
    "tau": r"""tau : float, default=1.0
    Scale :math:`\tau` of the log-prior offsets; :math:`\tau = 0` is cross-entropy.""",
    "max_margin": r"""max_margin : float, default=0.5
    The largest margin, that of the rarest class (> 0): it sets :math:`K` in :math:`\Delta_c = K / N_c^{1/4}`.""",
    "scale": r"""scale : float, default=30.0
    Scale :math:`s` of the margin-shifted logits.""",
    "returns": """Returns
-------
torch.Tensor
    The loss: a scalar for ``"mean"`` and ``"sum"``, one value per sample for ``"none"``.""",
    "raises": """Raises
------
TypeError
    If ``logits`` is not a floating-point tensor or ``targets`` not a tensor of integer class indices.
ValueError
    If ``logits`` is not 2-D, ``targets`` does not match its rows or holds a class outside
    ``[0, n_classes)``, or ``reduction`` is unknown.""",
    "bad_counts": "Also if ``class_counts`` is not one finite, positive value per logit column",
    "examples": "Examples\n--------\n>>> import torch",
    "batch": """>>> logits = torch.tensor([[2.0, -1.0], [0.5, 0.5], [-1.0, 1.5]])
>>> targets = torch.tensor([0, 0, 1])""",
}
TEXT["parameters"] = "Parameters\n----------\n" + TEXT["logits"] + "\n" + TEXT["targets"]
TEXT.update({key: "References\n----------\n.. [1] " + reference for key, reference in {
    "lin2017": 'Lin, T.-Y., et al. "Focal Loss for Dense Object Detection." ICCV 2017, arXiv:1708.02002.',
    "cui2019": 'Cui, Y., et al. "Class-Balanced Loss Based on Effective Number of Samples." CVPR 2019, '
               "arXiv:1901.05555.",
    "menon2021": 'Menon, A. K., et al. "Long-tail learning via logit adjustment." ICLR 2021, arXiv:2007.07314.',
    "ren2020": 'Ren, J., et al. "Balanced Meta-Softmax for Long-Tailed Visual Recognition." NeurIPS 2020, '
               "arXiv:2007.10740.",
    "cao2019": 'Cao, K., et al. "Learning Imbalanced Datasets with Label-Distribution-Aware Margin Loss." '
               "NeurIPS 2019, arXiv:1906.07413.",
}.items()})

# each loss function's module (its parameters: the function's but logits, targets), its example and the loss shown
MODULES = {
    "cross_entropy": ("CrossEntropyLoss", "CrossEntropyLoss(weight=[1.0, 9.0])", "0.132"),
    "weighted_cross_entropy": ("WeightedCrossEntropyLoss", "WeightedCrossEntropyLoss(class_counts=[90, 10])", "0.132"),
    "focal_loss": ("FocalLoss", "FocalLoss(gamma=2.0)", "0.058"),
    "class_balanced_loss": ("ClassBalancedLoss", 'ClassBalancedLoss(class_counts=[90, 10], base="focal")', "0.0123"),
    "logit_adjusted_loss": ("LogitAdjustedLoss", "LogitAdjustedLoss(class_counts=[90, 10], tau=1.0)", "0.2214"),
    "balanced_softmax_loss": ("BalancedSoftmaxLoss", "BalancedSoftmaxLoss(class_counts=[90, 10])", "0.2214"),
    "ldam_loss": ("LDAMLoss", None, None),  # written out in SECTIONS: its parameters are those of the re-weighting
}

MODULE = """
    Called as ``loss(logits, targets)``; its tensors (class counts, weights) are buffers, moved by ``.to(device)``.

    Parameters
    ----------
    $own

    See Also
    --------
    $function : The same loss as a function.

    $examples
    >>> from ecombalance.models import $name
    $batch
    >>> loss = $build
    >>> round(loss(logits, targets).item(), 4)
    $value
"""

FORWARD = """
    Compute the loss of a batch, with the settings given to the module.

    $parameters

    $returns

    See Also
    --------
    $function : The same loss as a function.
"""

SECTIONS = {
    "cross_entropy": """
        $parameters
        $weight
        $reduction

        $returns

        $raises

        See Also
        --------
        weighted_cross_entropy : The class weights computed from the class counts.
        CrossEntropyLoss : The same loss as a module.

        $examples
        >>> from ecombalance.models import cross_entropy
        $batch
        >>> cross_entropy(logits, targets, reduction="none")
        tensor([0.0486, 0.6931, 0.0789])
        >>> round(cross_entropy(logits, targets, weight=[1.0, 9.0]).item(), 4)
        0.132
    """,
    "weighted_cross_entropy": """
        $parameters
        $class_counts
        $weighting
        $beta
            Used by ``"effective"`` only.
        $reduction

        $returns

        $raises
            $bad_counts, ``weighting`` is unknown or ``beta`` lies outside ``[0, 1)``.

        See Also
        --------
        cross_entropy : The same loss with weights given directly.
        WeightedCrossEntropyLoss : The same loss as a module.

        $examples
        >>> from ecombalance.models import weighted_cross_entropy
        $batch
        >>> round(weighted_cross_entropy(logits, targets, class_counts=[90, 10]).item(), 4)
        0.132
    """,
    "focal_loss": """
        $parameters
        $gamma
        $alpha
        $reduction

        $returns

        $raises
            Also if ``gamma`` is negative or ``alpha`` does not hold one value per class.

        See Also
        --------
        class_balanced_loss : The focal loss weighted by the effective number of samples (``base="focal"``).
        FocalLoss : The same loss as a module.

        $lin2017

        $examples
        >>> from ecombalance.models import cross_entropy, focal_loss
        $batch
        >>> focal_loss(logits, targets, reduction="none")
        tensor([1.0928e-04, 1.7329e-01, 4.5397e-04])
        >>> bool(focal_loss(logits, targets, gamma=0.0) == cross_entropy(logits, targets))
        True
    """,
    "class_balanced_loss": """
        $parameters
        $class_counts
        $beta
        $base
        $focal_gamma
        $reduction

        $returns

        $raises
            $bad_counts, ``beta`` lies outside ``[0, 1)`` or ``base`` is unknown.

        See Also
        --------
        weighted_cross_entropy : Cross-entropy with ``weighting="effective"`` (torch's weighted mean).
        ClassBalancedLoss : The same loss as a module.

        $cui2019

        $examples
        >>> from ecombalance.models import class_balanced_loss
        $batch
        >>> round(class_balanced_loss(logits, targets, class_counts=[90, 10]).item(), 4)
        0.0984
    """,
    "logit_adjusted_loss": """
        $parameters
        $class_counts
        $tau
        $reduction

        $returns

        $raises
            $bad_counts.

        See Also
        --------
        balanced_softmax_loss : The same loss at :math:`\\tau = 1`.
        posthoc_logit_adjust : The adjustment applied after training instead.
        LogitAdjustedLoss : The same loss as a module.

        $menon2021

        $examples
        >>> from ecombalance.models import cross_entropy, logit_adjusted_loss
        $batch
        >>> round(logit_adjusted_loss(logits, targets, class_counts=[90, 10]).item(), 4)
        0.2214
        >>> bool(logit_adjusted_loss(logits, targets, [90, 10], tau=0.0) == cross_entropy(logits, targets))
        True
    """,
    "balanced_softmax_loss": """
        $parameters
        $class_counts
        $reduction

        $returns

        $raises
            $bad_counts.

        See Also
        --------
        logit_adjusted_loss : The same loss for any :math:`\\tau`.
        BalancedSoftmaxLoss : The same loss as a module.

        $ren2020

        $examples
        >>> from ecombalance.models import balanced_softmax_loss, logit_adjusted_loss
        $batch
        >>> round(balanced_softmax_loss(logits, targets, class_counts=[90, 10]).item(), 4)
        0.2214
        >>> bool(balanced_softmax_loss(logits, targets, [90, 10]) == logit_adjusted_loss(logits, targets, [90, 10]))
        True
    """,
    "ldam_loss": """
        $parameters
        $class_counts
        $max_margin
        $scale
        $weight
        $reduction

        $returns

        $raises
            $bad_counts or ``max_margin`` is not positive.

        See Also
        --------
        drw_class_weights : The deferred re-weighting that LDAM is trained with (LDAM-DRW).
        LDAMLoss : The same loss as a module, with deferred re-weighting.

        $cao2019

        $examples
        >>> from ecombalance.models import ldam_loss
        $batch
        >>> round(ldam_loss(logits, targets, class_counts=[90, 10]).item(), 4)
        2.8868
    """,
    "drw_class_weights": """
        Parameters
        ----------
        $class_counts
        epoch : int
            The current epoch, counted from 0.
        drw_epoch : int or None
            The first epoch of the re-weighting; None never switches.
        beta : float, default=0.9999
            The :math:`\\beta \\in [0, 1)` of the effective-number weights.

        Returns
        -------
        torch.Tensor of shape (n_classes,)
            The weights, float64.

        Raises
        ------
        ValueError
            If ``class_counts`` is not finite and positive, or ``beta`` lies outside ``[0, 1)`` (from ``drw_epoch`` on).

        See Also
        --------
        LDAMLoss : Applies these weights when its ``set_epoch`` is called.

        $cao2019

        Examples
        --------
        >>> from ecombalance.models import drw_class_weights
        >>> drw_class_weights([90, 10], epoch=0, drw_epoch=2).tolist()
        [1.0, 1.0]
        >>> [round(w, 4) for w in drw_class_weights([90, 10], epoch=2, drw_epoch=2).tolist()]
        [0.2007, 1.7993]
    """,
    "posthoc_logit_adjust": """
        Parameters
        ----------
        logits : array-like or torch.Tensor of shape (n_samples, n_classes)
            Logits :math:`f(x)` of a trained model (a list, NumPy array or tensor).
        class_priors : array-like of shape (n_classes,)
            The training priors :math:`\\pi_c` or class counts (normalised here), in column order.
        tau : float, default=1.0
            Scale :math:`\\tau` of the adjustment.

        Returns
        -------
        numpy.ndarray or torch.Tensor of shape (n_samples, n_classes)
            The adjusted logits, of the same type as ``logits``: a tensor for a tensor, else a float64 array.

        Raises
        ------
        ValueError
            If ``logits`` is not 2-D or ``class_priors`` does not hold one finite, positive value per column.

        See Also
        --------
        ecombalance.sampling.prior_shift : Move logits or probabilities to other priors than uniform.
        logit_adjusted_loss : The same adjustment built into training.

        $menon2021

        Examples
        --------
        >>> import numpy as np
        >>> from ecombalance.models import posthoc_logit_adjust
        >>> adjusted = posthoc_logit_adjust(np.array([[1.0, 0.0]]), class_priors=[90, 10])
        >>> adjusted.round(4)
        array([[1.1054, 2.3026]])
        >>> int(adjusted.argmax(axis=1)[0])
        1
    """,
    "init_bias_with_log_prior": """
        Parameters
        ----------
        linear : torch.nn.Linear
            The output layer, built with a bias; its bias is set in place.
        class_counts : array-like of shape (n_classes,)
            Training samples per class (or priors), one per output of ``linear``, all finite and positive.

        Returns
        -------
        torch.nn.Linear
            ``linear`` itself.

        Raises
        ------
        TypeError
            If ``linear`` is not a :class:`torch.nn.Linear`.
        ValueError
            If ``linear`` has no bias or ``class_counts`` does not hold one value per output.

        $examples
        >>> from ecombalance.models import init_bias_with_log_prior
        >>> layer = init_bias_with_log_prior(torch.nn.Linear(4, 2), class_counts=[90, 10])
        >>> [round(p, 4) for p in layer(torch.zeros(1, 4)).softmax(dim=1)[0].tolist()]
        [0.9, 0.1]
    """,
    "make_loss": """
        Parameters
        ----------
        name : str
            ``"ce"``, ``"weighted_ce"``, ``"focal"``, ``"class_balanced"``, ``"logit_adjusted"``,
            ``"balanced_softmax"``, ``"ldam"`` or ``"seed_balanced"``.
        class_counts : array-like of shape (n_classes,), default=None
            Training samples per class, in logit-column order; required by every loss but ``"ce"`` and
            ``"focal"`` (ignored by those two).
        **params : dict
            The loss's own parameters: ``gamma``, ``alpha`` (focal), ``beta``, ``base`` (class_balanced),
            ``weighting`` (weighted_ce), ``tau`` (logit_adjusted), ``max_margin``, ``scale``, ``drw_epoch``
            (ldam), ``alpha``/``beta`` (seed_balanced), ``reduction``.

        Returns
        -------
        torch.nn.Module
            The loss, called as ``loss(logits, targets)``.

        Raises
        ------
        ValueError
            If ``name`` is not in :data:`LOSSES`, or the loss needs ``class_counts`` and none is given.
        TypeError
            If ``params`` holds a parameter the loss does not take.

        See Also
        --------
        FocalLoss, LDAMLoss, LogitAdjustedLoss : Some of the modules it builds.

        $examples
        >>> from ecombalance.models import make_loss
        $batch
        >>> make_loss("focal", gamma=1.0)
        FocalLoss()
        >>> loss = make_loss("logit_adjusted", class_counts=[90, 10], tau=1.0)
        >>> round(loss(logits, targets).item(), 4)
        0.2214
    """,
    "LDAMLoss": """
        Parameters
        ----------
        $class_counts
        $max_margin
        $scale
        drw_epoch : int, default=None
            The first epoch (counted from 0) of the deferred re-weighting; None never re-weights.
        beta : float, default=0.9999
            The :math:`\\beta \\in [0, 1)` of the effective-number weights of the re-weighting.
        $reduction

        Attributes
        ----------
        weight : torch.Tensor of shape (n_classes,)
            The class weights of the current epoch (all ones before ``drw_epoch``).

        See Also
        --------
        ldam_loss : The same loss as a function.
        drw_class_weights : The weights of each epoch.

        $examples
        >>> from ecombalance.models import LDAMLoss
        $batch
        >>> loss = LDAMLoss(class_counts=[90, 10], drw_epoch=2)
        >>> loss.weight.tolist()
        [1.0, 1.0]
        >>> loss.set_epoch(2)
        >>> [round(w, 4) for w in loss.weight.tolist()]
        [0.2007, 1.7993]
        >>> round(loss(logits, targets).item(), 4)
        0.7899
    """,
    "LDAMLoss.set_epoch": """
        Set the class weights for ``epoch``: all ones before ``drw_epoch``, re-weighted from it on.

        Call it at the start of each epoch; the weights are :func:`drw_class_weights` ``(class_counts,
        epoch, drw_epoch, beta)``.

        Parameters
        ----------
        epoch : int
            The epoch about to start, counted from 0.
    """,
}


def document(namespace: dict[str, Any]) -> None:
    """Append the sections of :data:`SECTIONS` and :data:`MODULES` to the docstrings of the losses in ``namespace``
    (the globals of :mod:`ecombalance.models._losses`)."""
    for name, sections in SECTIONS.items():
        owner, _, attribute = name.rpartition(".")
        obj = getattr(namespace[owner], attribute) if owner else namespace[name]
        obj.__doc__ = _join(obj.__doc__, sections)
    for function, (module, build, value) in MODULES.items():
        cls = namespace[module]
        if build is not None:
            own = inspect.cleandoc(SECTIONS[function]).partition("$parameters\n")[2].partition("\n\n")[0]
            sections = Template(inspect.cleandoc(MODULE)).safe_substitute(
                own=own, function=function, name=module, build=build, value=value)
            cls.__doc__ = _join(cls.__doc__, sections)
        cls.forward.__doc__ = _join(None, FORWARD, function=function)


def _join(written: str | None, sections: str, **extra: str) -> str:
    """``written`` (the docstring next to the code) and ``sections`` with the shared text filled in."""
    text = Template(inspect.cleandoc(sections)).substitute(TEXT, **extra)
    return "\n\n".join(part for part in (inspect.cleandoc(written or ""), text) if part) + "\n"
