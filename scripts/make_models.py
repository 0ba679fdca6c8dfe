"""Build the sample model zoo (``make models``).

Trains small scikit-learn models, exports them to ONNX, derives reduced-precision
variants (FP16, INT8 dynamic, INT8 QDQ, BF16 storage) and copies three
placeholder-weight CNNs from the ``onnx`` package test data. Every model is written
to ``<content>/<id>/model.onnx``; a table of id, sha256, size and measured accuracy
is printed at the end.

Seeds are fixed, so running the script twice gives byte-identical files.

Example:
    python scripts/make_models.py --content content
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ml_dtypes
import numpy as np
import numpy.typing as npt
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxconverter_common.float16 import convert_float_to_float16
from onnxruntime.quantization import (
    CalibrationDataReader,
    QuantFormat,
    QuantType,
    quantize_dynamic,
    quantize_static,
)
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.base import ClassifierMixin
from sklearn.datasets import load_digits, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

SEED = 0
TEST_SIZE = 0.25
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
MODEL_VERSION = 1
CALIBRATION_SIZE = 200
LIGHT_DATA_DIR = Path(onnx.__file__).parent / "backend" / "test" / "data" / "light"

#: Models with a measured accuracy, mapped to the dataset of their held-out split.
EVALUATED_MODELS = {
    "digits-mlp-fp32": "digits",
    "digits-mlp-fp16": "digits",
    "digits-mlp-int8-dynamic": "digits",
    "digits-mlp-int8-qdq": "digits",
    "digits-mlp-bf16": "digits",
    "iris-logreg": "iris",
}

#: Placeholder-weight CNNs copied byte for byte from the onnx package test data.
LIGHT_MODELS = {
    "resnet50-light": "light_resnet50.onnx",
    "densenet121-light": "light_densenet121.onnx",
    "squeezenet-light": "light_squeezenet.onnx",
}

DOC_STRINGS = {
    "digits-mlp-fp32": "64-unit MLP classifying 8x8 scikit-learn digits (FP32).",
    "digits-mlp-fp16": "64-unit MLP for 8x8 digits, FP16 weights and compute, FP32 I/O.",
    "digits-mlp-int8-dynamic": "64-unit MLP for 8x8 digits, INT8 weights, dynamic "
    "activation quantization.",
    "digits-mlp-int8-qdq": "64-unit MLP for 8x8 digits, static INT8 QDQ quantization "
    "calibrated on 200 training images.",
    "digits-mlp-bf16": "64-unit MLP for 8x8 digits, BF16 weight storage cast to FP32 for compute.",
    "iris-logreg": "Logistic regression classifying iris flowers from 4 measurements.",
}

#: Dataset name -> (loader, divisor that scales the features).
DATASETS: dict[str, tuple[Callable[..., tuple[np.ndarray, np.ndarray]], float]] = {
    "digits": (load_digits, 16.0),
    "iris": (load_iris, 1.0),
}


@dataclass(frozen=True)
class Split:
    """A fixed stratified train/test split with float32 features.

    Attributes:
        x_train: Training features, shape (n_train, n_features).
        x_test: Held-out features, shape (n_test, n_features).
        y_train: Training labels.
        y_test: Held-out labels.
    """

    x_train: npt.NDArray[np.float32]
    x_test: npt.NDArray[np.float32]
    y_train: npt.NDArray[np.int64]
    y_test: npt.NDArray[np.int64]


def load_split(dataset: str) -> Split:
    """Load a bundled scikit-learn dataset and split it 75/25, stratified, seed 0.

    Digits pixels (0..16) are scaled to [0, 1]; iris features are kept as is.

    Args:
        dataset: ``"digits"`` or ``"iris"``.

    Returns:
        The split used for training, calibration and evaluation.
    """
    loader, divisor = DATASETS[dataset]
    x, y = loader(return_X_y=True)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=TEST_SIZE, random_state=SEED, stratify=y
    )
    return Split(
        x_train=(x_train / divisor).astype(np.float32),
        x_test=(x_test / divisor).astype(np.float32),
        y_train=y_train.astype(np.int64),
        y_test=y_test.astype(np.int64),
    )


def clone(model: onnx.ModelProto) -> onnx.ModelProto:
    """Deep-copy a model, so tools that edit their input leave the parent intact.

    Args:
        model: Model to copy.

    Returns:
        An independent copy.
    """
    result = onnx.ModelProto()
    result.CopyFrom(model)
    return result


def drop_invented_dim_names(model: onnx.ModelProto) -> None:
    """Turn the ``unk__<n>`` dims that shape inference invents back into unknown dims.

    The quantizers and the FP16 converter name every unknown output dim ``unk__<n>``;
    clearing those keeps a derived model's interface identical to its parent's.

    Args:
        model: Model to update in place.
    """
    for port in [*model.graph.input, *model.graph.output]:
        for dim in port.type.tensor_type.shape.dim:
            if dim.dim_param.startswith("unk__"):
                dim.ClearField("dim_param")


def finalize(model: onnx.ModelProto, model_id: str) -> onnx.ModelProto:
    """Set the zoo's model_version, doc_string and graph name; tidy the interface.

    skl2onnx names the graph with a random UUID; naming it after the zoo id keeps
    the file byte-identical from run to run.

    Args:
        model: Model to update in place.
        model_id: Zoo id, used as graph name and to look up the doc string.

    Returns:
        The same model, for chaining.
    """
    model.model_version = MODEL_VERSION
    model.doc_string = DOC_STRINGS[model_id]
    model.graph.name = model_id
    drop_invented_dim_names(model)
    return model


def dedupe_opsets(model: onnx.ModelProto) -> None:
    """Keep one opset_import entry per domain (the highest version).

    skl2onnx can emit the default domain twice; a card cannot describe that.

    Args:
        model: Model to update in place.
    """
    versions: dict[str, int] = {}
    for entry in model.opset_import:
        versions[entry.domain] = max(entry.version, versions.get(entry.domain, 0))
    del model.opset_import[:]
    model.opset_import.extend(helper.make_opsetid(d, v) for d, v in versions.items())


def sklearn_to_onnx(
    estimator: ClassifierMixin, input_name: str, n_features: int
) -> onnx.ModelProto:
    """Export a fitted classifier with skl2onnx (no ZipMap, FLOAT input).

    Args:
        estimator: Fitted scikit-learn classifier.
        input_name: Name of the graph input.
        n_features: Number of input features.

    Returns:
        The exported model.
    """
    model: onnx.ModelProto = convert_sklearn(
        estimator,
        initial_types=[(input_name, FloatTensorType([None, n_features]))],
        options={id(estimator): {"zipmap": False}},
        target_opset=TARGET_OPSET,
    )
    dedupe_opsets(model)
    return model


def train_digits_mlp(split: Split) -> MLPClassifier:
    """Train the 64-unit MLP on the digits training split.

    Args:
        split: The digits split.

    Returns:
        The fitted classifier.
    """
    clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=500, random_state=SEED)
    return clf.fit(split.x_train, split.y_train)


def train_iris_logreg(split: Split) -> LogisticRegression:
    """Train a logistic regression on the iris training split.

    Args:
        split: The iris split.

    Returns:
        The fitted classifier.
    """
    clf = LogisticRegression(max_iter=1000, random_state=SEED)
    return clf.fit(split.x_train, split.y_train)


def float_cast_nodes(model: onnx.ModelProto) -> list[str]:
    """Names of Cast nodes that cast to FLOAT.

    convert_float_to_float16 keeps their ``to`` attribute, which leaves a FLOAT
    tensor feeding FP16 ops; blocking them makes the converter insert proper casts.

    Args:
        model: FP32 model.

    Returns:
        Node names to keep in FP32.
    """
    return [
        node.name
        for node in model.graph.node
        if node.op_type == "Cast"
        and any(a.name == "to" and a.i == TensorProto.FLOAT for a in node.attribute)
    ]


def to_fp16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Convert weights and compute to FP16, keeping FLOAT inputs and outputs.

    Args:
        model: FP32 parent model (not modified).

    Returns:
        The FP16 model.
    """
    fp16: onnx.ModelProto = convert_float_to_float16(
        clone(model), keep_io_types=True, node_block_list=float_cast_nodes(model)
    )
    return fp16


class TrainingImages(CalibrationDataReader):  # type: ignore[misc]
    """Feeds a fixed subset of training rows, one row per batch, to the calibrator."""

    def __init__(self, input_name: str, rows: npt.NDArray[np.float32]) -> None:
        """Create the reader.

        Args:
            input_name: Graph input name.
            rows: Calibration rows, shape (n, n_features).
        """
        self._batches: Iterator[dict[str, npt.NDArray[np.float32]]] = iter(
            [{input_name: rows[i : i + 1]} for i in range(len(rows))]
        )

    def get_next(self) -> dict[str, npt.NDArray[np.float32]] | None:
        """Return the next batch, or None when exhausted."""
        return next(self._batches, None)


def to_int8_dynamic(model: onnx.ModelProto) -> onnx.ModelProto:
    """Quantize MatMul weights to INT8; activations are quantized at run time.

    Args:
        model: FP32 parent model (not modified).

    Returns:
        The dynamically quantized model.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model.onnx"
        quantize_dynamic(clone(model), out, weight_type=QuantType.QInt8)
        return onnx.load(out)


def to_int8_qdq(model: onnx.ModelProto, calibration: Split) -> onnx.ModelProto:
    """Statically quantize the MatMuls (INT8 QDQ, MinMax over training rows).

    Only MatMul is quantized, so bias add, ReLU and softmax stay FP32 and the
    probabilities output keeps full resolution.

    Args:
        model: FP32 parent model (not modified).
        calibration: Split whose first CALIBRATION_SIZE training rows calibrate.

    Returns:
        The QDQ model.
    """
    reader = TrainingImages(model.graph.input[0].name, calibration.x_train[:CALIBRATION_SIZE])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model.onnx"
        quantize_static(
            clone(model),
            out,
            reader,
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["MatMul"],
            activation_type=QuantType.QInt8,
            weight_type=QuantType.QInt8,
        )
        return onnx.load(out)


def to_bf16_storage(model: onnx.ModelProto) -> onnx.ModelProto:
    """Store every FLOAT initializer as BFLOAT16 and Cast it back to FLOAT.

    onnxruntime's CPU provider has few BF16 kernels, so the arithmetic stays FP32;
    only the stored weights are rounded to BF16 (round to nearest even).

    Args:
        model: FP32 parent model (not modified).

    Returns:
        The BF16-storage model.
    """
    result = clone(model)
    graph = result.graph
    initializers, casts = [], []
    for init in graph.initializer:
        if init.data_type != TensorProto.FLOAT:
            initializers.append(init)
            continue
        weights = numpy_helper.to_array(init).astype(ml_dtypes.bfloat16)
        stored = numpy_helper.from_array(weights, f"{init.name}_bf16")
        initializers.append(stored)
        casts.append(
            helper.make_node(
                "Cast",
                [stored.name],
                [init.name],
                name=f"{init.name}_to_fp32",
                to=TensorProto.FLOAT,
            )
        )
    nodes = casts + list(graph.node)
    del graph.initializer[:], graph.node[:]
    graph.initializer.extend(initializers)
    graph.node.extend(nodes)
    return result


def build_trained_models() -> dict[str, onnx.ModelProto]:
    """Train, export and derive all models that have a measured accuracy.

    Returns:
        Zoo id -> finalized model.
    """
    digits, iris = load_split("digits"), load_split("iris")
    fp32 = sklearn_to_onnx(train_digits_mlp(digits), "pixels", digits.x_train.shape[1])
    iris_model = sklearn_to_onnx(train_iris_logreg(iris), "features", 4)
    models = {
        "digits-mlp-fp32": fp32,
        "digits-mlp-fp16": to_fp16(fp32),
        "digits-mlp-int8-dynamic": to_int8_dynamic(fp32),
        "digits-mlp-int8-qdq": to_int8_qdq(fp32, digits),
        "digits-mlp-bf16": to_bf16_storage(fp32),
        "iris-logreg": iris_model,
    }
    return {model_id: finalize(m, model_id) for model_id, m in models.items()}


def write_model(model: onnx.ModelProto, path: Path) -> None:
    """Check a model and save it.

    Args:
        model: Model to save.
        path: Destination .onnx file; parent folders are created.
    """
    onnx.checker.check_model(model, full_check=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    onnx.save_model(model, path)


def accuracy(path: Path, split: Split) -> float:
    """Fraction of correct labels on the held-out split, with onnxruntime CPU.

    Args:
        path: Model file; its first output must be the predicted label.
        split: Split whose test part is evaluated.

    Returns:
        Accuracy rounded to 4 decimals.
    """
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: split.x_test}
    labels = session.run([session.get_outputs()[0].name], feed)[0]
    return round(float(np.mean(labels == split.y_test)), 4)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file.

    Args:
        path: File to hash.

    Returns:
        The lower-case hex digest.
    """
    return hashlib.sha256(path.read_bytes()).hexdigest()


def print_table(content: Path, accuracies: dict[str, float]) -> None:
    """Print id, sha256, size and accuracy of every model under ``content``.

    Args:
        content: Content folder.
        accuracies: Zoo id -> measured accuracy (missing for placeholder models).
    """
    ids = [*EVALUATED_MODELS, *LIGHT_MODELS]
    print(f"{'id':<24} {'sha256':<64} {'bytes':>7} accuracy")
    total = 0
    for model_id in ids:
        path = content / model_id / "model.onnx"
        size = path.stat().st_size
        total += size
        acc = f"{accuracies[model_id]:.4f}" if model_id in accuracies else "-"
        print(f"{model_id:<24} {sha256_of(path)} {size:>7} {acc}")
    print(f"total: {total} bytes")


def main() -> None:
    """Build every model of the sample zoo and print the summary table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=Path("content"))
    content: Path = parser.parse_args().content
    for model_id, model in build_trained_models().items():
        write_model(model, content / model_id / "model.onnx")
    for model_id, filename in LIGHT_MODELS.items():
        (content / model_id).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LIGHT_DATA_DIR / filename, content / model_id / "model.onnx")
    splits = {name: load_split(name) for name in DATASETS}
    accuracies = {
        model_id: accuracy(content / model_id / "model.onnx", splits[dataset])
        for model_id, dataset in EVALUATED_MODELS.items()
    }
    print_table(content, accuracies)


if __name__ == "__main__":
    main()
