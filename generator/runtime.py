"""Runtime: an onnxruntime session that starts only after the model's provenance is checked.

```python
from generator.runtime import open_session
from generator.verify import Policy

session = open_session("model.onnx")                      # warns, never refuses a sound file
session = open_session("model.onnx", Policy(require_signed=True, public_keys=(key,)))
```

The check reads the file's metadata with the streaming reader (`generator.inspect`), which never
loads the weights; onnxruntime then loads the model as it always does. The default policy only
warns, so existing callers keep working; a model whose external data leaves its folder or is a
hardlink is refused under every policy, before a session exists. The file is checked, then
opened by path: keep models where only their publisher can write, or a swap between the two
steps goes unseen.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from generator.findings import Severity
from generator.verify import WARN_ONLY, Policy, Verdict, verify_model


class ProvenanceWarning(UserWarning):
    """What a warn-only check found: a missing, stale or contradicted provenance claim."""


class ProvenanceError(Exception):
    """The policy refused the model: no session was created."""

    def __init__(self, verdict: Verdict) -> None:
        self.verdict = verdict
        super().__init__("\n".join(verdict.lines()))


def open_session(path: str | os.PathLike[str], policy: Policy | None = None,
                 **ort_kwargs: Any) -> Any:
    """Check a model against a policy, then create its onnxruntime InferenceSession.

    Args:
        path: The .onnx file.
        policy: What the model must have; None for the warn-only default.
        **ort_kwargs: Passed to `onnxruntime.InferenceSession` (providers, sess_options, ...).

    Returns:
        The `onnxruntime.InferenceSession`.

    Raises:
        ProvenanceError: When the model fails the policy; no session is created.
    """
    model = Path(path)
    verdict = verify_model(model, policy or WARN_ONLY)
    for finding in verdict.findings:
        if finding.severity is Severity.WARNING:
            warnings.warn(str(finding), ProvenanceWarning, stacklevel=2)
    if not verdict.passed:
        raise ProvenanceError(verdict)
    import onnxruntime

    return onnxruntime.InferenceSession(str(model), **ort_kwargs)
