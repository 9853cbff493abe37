"""Synthetic labelled 部门预算信息公开 corpus: generator, noise model, export.

from training.synth import generate_corpus, generate_document
doc = generate_document(7, noise="high", layout="cell")
summary = generate_corpus(1000, seed=0, out_dir=Path("corpora/synth"))
"""

from training.synth.corpus import SPLITS, SynthDoc, generate_corpus, generate_document
from training.synth.noise import NOISE_LEVELS
from training.synth.render import LAYOUTS

__all__ = ["LAYOUTS", "NOISE_LEVELS", "SPLITS", "SynthDoc", "generate_corpus", "generate_document"]
