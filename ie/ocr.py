"""OCR: one page image in, an `OcrPage` out (text lines with a box for every character).

Ingest calls this for image files and for PDF pages without a text layer, and turns the lines
into `Document` text and boxes exactly like a born-digital PDF's, so segment, the table
geometry and the records run unchanged.

Engines (chosen by measurement, benchmarks/OCR.md):

- ``rapidocr`` (default, extra ``ocr``): PaddleOCR's PP-OCRv4 Chinese detection and
  recognition models, shipped inside the rapidocr-onnxruntime wheel and run by ONNX Runtime on
  one thread. This module drives the wheel's detector, recogniser and 0°/180° line classifier
  itself instead of calling `RapidOCR()` whole, for three reasons measured on 150 dpi pages:
  the detector runs on a page scaled to `det_side` pixels (the wheel's own setting never
  scales a page down), the recogniser reads lines 32 pixels high instead of 48 (2.4 s instead
  of 5.7 s a page, the same characters), and decoding the CTC output here gives each
  character its position along the line, which becomes its box.
- ``tesseract``: Debian's ``tesseract-ocr`` with ``tesseract-ocr-chi-sim`` (an apt package,
  not a Python one), called as a program; faster, but fewer characters right.

Both return lines in an upright, deskewed frame: a page turned by 90°, 180° or 270° is turned
back (text-line shapes tell 90° from 0°, the line classifier 180° from 0°), and a page skewed by
a few degrees gets its line boxes rotated back by the median angle of its long lines.
"""

from __future__ import annotations

import math
import re
import shutil
import statistics
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Protocol

import numpy as np

from ie.errors import IngestError

OCR_MODES = ("auto", "always", "never")
DEFAULT_ENGINE = "rapidocr"
ENGINES = ("rapidocr", "tesseract")
# Pages are rendered (PDF) or read (images) at this resolution for OCR.
DEFAULT_DPI = 150


class OcrUnavailable(IngestError):
    """OCR is needed but the engine is not installed."""


@dataclass(frozen=True, slots=True)
class OcrChar:
    ch: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One detected text line, its characters left to right (pixels, upright page frame)."""

    chars: tuple[OcrChar, ...]
    score: float

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.chars)


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruled line of a table (pixels, upright page frame): horizontal or vertical."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class OcrPage:
    """What OCR read on one page: lines, the upright page size in pixels, and what was undone
    (`rotation`: degrees the page was turned clockwise to be upright; `skew`: degrees), and the
    table rules found (`rules`: horizontal ones first)."""

    lines: tuple[OcrLine, ...]
    width: int
    height: int
    rotation: int = 0
    skew: float = 0.0
    rules: tuple[tuple[Rule, ...], tuple[Rule, ...]] = ((), ())


class OcrEngine(Protocol):
    name: str
    version: str

    def read(self, image: np.ndarray) -> OcrPage:
        """Read one page (a greyscale or BGR uint8 array)."""
        ...


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How the rapidocr engine reads a page. Defaults measured in benchmarks/OCR.md."""

    det_side: int = 1280  # the detector sees the page scaled so its longer side is this
    rec_height: int = 32  # line height the recogniser reads first (the wheel's default: 48)
    # Figures are read again at this height: at 32 pixels a digit spans two CTC steps and
    # repeated digits merge ("18,330.37" read as "18.3"); at 48 they do not.
    figure_height: int = 48
    rec_batch: int = 6
    min_ratio: float = 4.0  # lines are padded to at least this width:height
    min_score: float = 0.4  # lines read with a lower mean confidence are dropped
    threads: int = 1


@lru_cache(maxsize=4)
def get_engine(name: str = DEFAULT_ENGINE) -> OcrEngine:
    """The OCR engine `name`, loaded once per process (so no page pays the model load)."""
    if name == "rapidocr":
        return RapidOcrEngine()
    if name == "tesseract":
        return TesseractEngine()
    raise IngestError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")


# --- geometry shared by the engines ----------------------------------------------------------


def profile_skew(gray: np.ndarray, limit: float = 3.0) -> float:
    """A page's skew in degrees (positive: lines fall to the right), by projection profile: the
    angle whose rotation makes the rows of ink sharpest (the sum of squared differences of
    neighbouring row sums is largest), searched in 0.25° steps to ±`limit`, then in 0.05°
    steps around the best. Works on pages of short table cells, where too few text-line boxes
    are long enough to show an angle. `gray`: uint8, dark ink on light paper."""
    import cv2

    h, w = gray.shape[:2]
    scale = min(1.0, 1000 / max(h, w))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
        turned = cv2.warpAffine(ink, matrix, (small.shape[1], small.shape[0]))
        return float(np.sum(np.diff(turned.sum(axis=1)) ** 2))

    coarse = max(np.arange(-limit, limit + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(coarse - 0.2, coarse + 0.2 + 1e-9, 0.05), key=sharpness)
    return round(float(fine), 2)


def find_rules(gray: np.ndarray, em: float) -> tuple[tuple[Rule, ...], tuple[Rule, ...]]:
    """Horizontal and vertical ruled lines of an upright page: runs of ink at least three ems
    long and thinner than a third of an em (a morphological opening with a long thin kernel).
    `gray`: uint8, dark ink on light paper."""
    import cv2

    ink = (gray < 170).astype(np.uint8)
    length = max(15, int(3 * em))
    out = []
    for shape in ((length, 1), (1, length)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, shape)
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        found = []
        for x, y, w, h, _area in stats[1:count]:
            thin = h if shape[1] == 1 else w
            if thin < max(3.0, em / 3):
                found.append(Rule(float(x), float(y), float(x + w), float(y + h)))
        out.append(tuple(found))
    return out[0], out[1]


def split_at_rules(line: OcrLine, verticals: Sequence[Rule]) -> list[OcrLine]:
    """A line cut where a vertical rule crosses it between two characters (the detector joins
    the texts of neighbouring cells when they sit close to the rule between them)."""
    cuts = [
        r.x0
        for r in verticals
        if r.top <= line.top + 2 and r.bottom >= line.bottom - 2 and line.x0 < r.x0 < line.x1
    ]
    if not cuts:
        return [line]
    pieces: list[list[OcrChar]] = [[]]
    for a, b in zip(line.chars, (*line.chars[1:], None), strict=True):
        pieces[-1].append(a)
        if b is not None and any((a.x0 + a.x1) / 2 < x < (b.x0 + b.x1) / 2 for x in cuts):
            pieces.append([])
    return [OcrLine(tuple(p), line.score) for p in pieces if p]


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def line_chars(
    text: str, centres: list[float], x0: float, x1: float, top: float, bottom: float
) -> tuple[OcrChar, ...]:
    """Boxes for a line's characters from their centres (fractions of the line's width).

    An ideograph is an em wide, where the em is the median step between neighbouring
    ideographs (the line's height when there are none); a digit, letter or half-width mark half
    an em. A box never crosses the middle between its centre and a neighbour's."""
    xs = [x0 + f * (x1 - x0) for f in centres]
    steps = [
        b - a
        for a, b, ca, cb in zip(xs, xs[1:], text, text[1:], strict=False)
        if _wide(ca) and _wide(cb) and b > a
    ]
    height = bottom - top
    em = statistics.median(steps) if len(steps) >= 2 else height * 0.8
    em = min(em, height)
    mid = (top + bottom) / 2
    out = []
    for k, (ch, x) in enumerate(zip(text, xs, strict=True)):
        half = em / 2 if _wide(ch) else em / 4
        left = x - half if k == 0 else max(x - half, (xs[k - 1] + x) / 2)
        right = x + half if k == len(xs) - 1 else min(x + half, (x + xs[k + 1]) / 2)
        out.append(OcrChar(ch, left, mid - em / 2, max(right, left + 0.5), mid + em / 2))
    return tuple(out)


# What the recogniser read in one crop: text, each character's confidence and centre.
_Reading = tuple[str, list[float], list[float]]
_FIGURE_CHARS = frozenset("0123456789.,%-．，")
_FIGURE_RUN = re.compile(r"[0-9.,%\-．，]*[0-9][0-9.,%\-．，]*")

_FIGURE_LINE = re.compile(r"[0-9.,，%\-－]+")

# --- reading order -------------------------------------------------------------------------


def _ruled_between(upper: OcrLine, lower: OcrLine, horizontals: Sequence[Rule]) -> bool:
    left, right = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    return any(
        upper.bottom - 2 <= r.top <= lower.top + 2 and r.x0 <= right and r.x1 >= left
        for r in horizontals
    )


def reading_order(
    lines: Sequence[OcrLine], horizontals: Sequence[Rule] = ()
) -> list[list[list[OcrLine]]]:
    """A page's lines as rows of blocks, top to bottom and left to right, the order in which
    a born-digital PDF's text comes out of pdfium: a cell whose text wraps over several lines is
    one block, its lines together, before the cells beside it.

    A line joins the block above it when neither is a figure or a code (they never wrap), they
    are left-aligned or centred on each other within
    an em and either the page is ruled (`horizontals`: at least three rules) and no rule runs
    between them within 3 em, or the page is not ruled and the gap is under 0.35 em (the gap
    between wrapped lines; a table's rows are further apart). A block joins a row when their
    vertical extents overlap by more than 0.3 em. Only the 40 most recent blocks are looked
    back at, so the cost is linear in the number of lines."""
    if not lines:
        return []
    em = statistics.median(ln.bottom - ln.top for ln in lines)
    ruled = len(horizontals) >= 3
    blocks: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.top, ln.x0)):
        if _FIGURE_LINE.fullmatch(line.text):  # a figure or a code never wraps
            blocks.append([line])
            continue
        for block in reversed(blocks[-40:]):
            if _FIGURE_LINE.fullmatch(block[-1].text):
                continue
            last = block[-1]
            gap = line.top - last.bottom
            if not -0.3 * em < gap < (3 * em if ruled else 0.35 * em):
                continue
            if ruled and _ruled_between(last, line, horizontals):
                continue
            left = abs(line.x0 - last.x0) < em
            centred = abs((line.x0 + line.x1) - (last.x0 + last.x1)) / 2 < em
            if (left or centred) and min(line.x1, last.x1) > max(line.x0, last.x0):
                block.append(line)
                break
        else:
            blocks.append([line])
    rows: list[list[list[OcrLine]]] = []
    top = bottom = 0.0
    for block in sorted(blocks, key=lambda b: (b[0].top, b[0].x0)):
        b_top, b_bottom = block[0].top, block[-1].bottom
        if rows and min(bottom, b_bottom) - max(top, b_top) > 0.3 * em:
            rows[-1].append(block)
            top, bottom = min(top, b_top), max(bottom, b_bottom)
        else:
            rows.append([block])
            top, bottom = b_top, b_bottom
    return [sorted(row, key=lambda b: b[0].x0) for row in rows]


# --- rapidocr --------------------------------------------------------------------------------


class RapidOcrEngine:
    """PP-OCRv4 through rapidocr-onnxruntime's ONNX sessions (see the module docstring)."""

    name = "rapidocr"

    def __init__(self, settings: OcrSettings | None = None) -> None:
        self.settings = settings or OcrSettings()
        try:
            import cv2
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable(
                "OCR is needed but not installed: pip install 'budget-ie[ocr]'"
            ) from exc
        self._cv2 = cv2
        s = self.settings
        wheel = RapidOCR(
            intra_op_num_threads=s.threads,
            inter_op_num_threads=1,
            rec_img_shape=[3, s.rec_height, 320],
            # The detector scales a page up to this shorter side but never down; pages are
            # scaled down here (det_side), so only a tiny image is ever scaled up.
            det_limit_side_len=32,
            det_limit_type="min",
        )
        self._det = wheel.text_det
        self._cls = wheel.text_cls
        self._rec_session = wheel.text_rec.session
        self._alphabet = wheel.text_rec.postprocess_op.character
        self.version = f"rapidocr-onnxruntime {metadata.version('rapidocr-onnxruntime')} PP-OCRv4"

    # detection ---------------------------------------------------------------------------

    def _detect(self, img: np.ndarray) -> list[np.ndarray]:
        cv2 = self._cv2
        h, w = img.shape[:2]
        scale = min(1.0, self.settings.det_side / max(h, w))
        small = (
            img
            if scale == 1.0
            else cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        )
        boxes, _ = self._det(small)
        if boxes is None:
            return []
        return [np.asarray(b, dtype=np.float32) / scale for b in boxes]

    def _crop(self, img: np.ndarray, quad: np.ndarray) -> np.ndarray:
        """The line under `quad`, cut out and straightened (a perspective warp)."""
        cv2 = self._cv2
        width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
        height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
        width, height = max(width, 1), max(height, 1)
        target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
        matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
        return cv2.warpPerspective(
            img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
        )

    # orientation -------------------------------------------------------------------------

    def _upside_down(self, img: np.ndarray, quads: list[np.ndarray]) -> bool:
        """Whether most of the page's widest lines read as turned by 180° (line classifier)."""
        wide = sorted(quads, key=lambda q: -float(np.linalg.norm(q[0] - q[1])))[:8]
        crops = [self._crop(img, q) for q in wide]
        if not crops:
            return False
        _, labels, _ = self._cls(crops)
        flipped = sum(1 for label, score in labels if "180" in label and score > 0.9)
        return flipped * 2 > len(crops)

    def _upright(self, img: np.ndarray) -> tuple[np.ndarray, list[np.ndarray], int]:
        cv2 = self._cv2
        quads = self._detect(img)
        rotation = 0
        sizes = [
            (float(np.linalg.norm(q[0] - q[1])), float(np.linalg.norm(q[0] - q[3]))) for q in quads
        ]
        tall = sum(1 for w, h in sizes if h > 2 * w)
        long = sum(1 for w, h in sizes if w > 2 * h)
        if tall > max(2, long):
            img = cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)
            rotation = 90
            quads = self._detect(img)
        if self._upside_down(img, quads):
            img = cv2.rotate(img, cv2.ROTATE_180)
            rotation = (rotation + 180) % 360
            quads = self._detect(img)
        return img, quads, rotation

    # recognition -------------------------------------------------------------------------

    def _recognize(self, crops: list[np.ndarray], height: int) -> list[_Reading]:
        """Text, each character's confidence and centre (a fraction of the crop's width) for
        each crop, read at `height` pixels: greedy CTC decoding that keeps the time steps."""
        cv2 = self._cv2
        s = self.settings
        out: list[_Reading] = [("", [], [])] * len(crops)
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for b in range(0, len(order), s.rec_batch):
            batch = order[b : b + s.rec_batch]
            ratio = max([crops[i].shape[1] / crops[i].shape[0] for i in batch] + [s.min_ratio])
            width = int(height * ratio)
            arr = np.zeros((len(batch), 3, height, width), dtype=np.float32)
            widths = []
            for k, i in enumerate(batch):
                crop = crops[i]
                w = min(width, max(1, math.ceil(height * crop.shape[1] / crop.shape[0])))
                resized = cv2.resize(crop, (w, height)).astype(np.float32)
                arr[k, :, :, :w] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
                widths.append(w)
            preds = self._rec_session(arr)[0]
            steps = preds.shape[1]
            best = preds.argmax(axis=2)
            prob = preds.max(axis=2)
            for k, i in enumerate(batch):
                chars, probs, centres = [], [], []
                run_start = None
                for t in range(steps + 1):
                    idx = int(best[k, t]) if t < steps else 0
                    prev = int(best[k, t - 1]) if t > 0 else 0
                    if run_start is not None and idx != prev:
                        centre = (run_start + t) / 2 * width / steps
                        chars.append(self._alphabet[prev])
                        probs.append(float(prob[k, run_start:t].max()))
                        centres.append(min(1.0, centre / widths[k]))
                        run_start = None
                    if t < steps and idx != 0 and idx != prev:
                        run_start = t
                out[i] = ("".join(chars), probs, centres)
        return out

    def _refine_figures(self, crops: list[np.ndarray], lines: list[_Reading]) -> list[_Reading]:
        """Each run of figure characters read again at `figure_height` from the part of its
        line between its neighbours, and put back in place of the first reading."""
        pieces: list[np.ndarray] = []
        where: list[tuple[int, int, int, float, float]] = []
        for i, (text, _, centres) in enumerate(lines):
            for m in _FIGURE_RUN.finditer(text):
                a, b = m.start(), m.end()
                left = (centres[a - 1] + centres[a]) / 2 if a > 0 else 0.0
                right = (centres[b - 1] + centres[b]) / 2 if b < len(text) else 1.0
                width = crops[i].shape[1]
                x0, x1 = int(left * width), max(int(left * width) + 1, math.ceil(right * width))
                pieces.append(crops[i][:, x0:x1])
                where.append((i, a, b, x0 / width, x1 / width))
        if not pieces:
            return lines
        again = self._recognize(pieces, self.settings.figure_height)
        edits: dict[int, list[tuple[int, int, _Reading]]] = {}
        for (i, a, b, left, right), (text, probs, centres) in zip(where, again, strict=True):
            keep = [
                (c, p, left + x * (right - left))
                for c, p, x in zip(text, probs, centres, strict=True)
                if c in _FIGURE_CHARS
            ]
            if any(c.isdigit() for c, _, _ in keep):
                new = (
                    "".join(c for c, _, _ in keep),
                    [p for _, p, _ in keep],
                    [x for *_, x in keep],
                )
                edits.setdefault(i, []).append((a, b, new))
        out = list(lines)
        for i, changes in edits.items():
            text, probs, centres = lines[i]
            for a, b, (t, p, x) in sorted(changes, key=lambda e: -e[0]):
                text, probs, centres = (
                    text[:a] + t + text[b:],
                    probs[:a] + p + probs[b:],
                    centres[:a] + x + centres[b:],
                )
            out[i] = (text, probs, centres)
        return out

    def read(self, image: np.ndarray) -> OcrPage:
        cv2 = self._cv2
        img = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image
        img, quads, rotation = self._upright(img)
        h, w = img.shape[:2]
        if not quads:
            return OcrPage((), w, h, rotation)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        skew = profile_skew(gray)
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
        straight = cv2.warpAffine(gray, matrix, (w, h), borderValue=255) if skew else gray
        crops = [self._crop(img, q) for q in quads]
        recognised = self._refine_figures(crops, self._recognize(crops, self.settings.rec_height))
        lines = []
        for quad, (text, probs, centres) in zip(quads, recognised, strict=True):
            score = float(np.mean(probs)) if probs else 0.0
            if not text.strip() or score < self.settings.min_score:
                continue
            keep = [(c, x) for c, x in zip(text, centres, strict=True) if not c.isspace()]
            points = quad @ matrix[:, :2].T + matrix[:, 2]
            x0, x1 = float(points[:, 0].min()), float(points[:, 0].max())
            top, bottom = float(points[:, 1].min()), float(points[:, 1].max())
            chars = line_chars(
                "".join(c for c, _ in keep), [x for _, x in keep], x0, x1, top, bottom
            )
            lines.append(OcrLine(chars, score))
        em = statistics.median(ln.bottom - ln.top for ln in lines) if lines else 20.0
        horizontals, verticals = find_rules(straight, em)
        if verticals:
            lines = [piece for line in lines for piece in split_at_rules(line, verticals)]
        return OcrPage(tuple(lines), w, h, rotation, round(skew, 2), (horizontals, verticals))


# --- tesseract -------------------------------------------------------------------------------


class TesseractEngine:
    """Tesseract 5 (chi_sim) run as a program; each recognised word's box is shared evenly
    among its characters. No orientation or skew handling beyond Tesseract's own."""

    name = "tesseract"

    def __init__(self) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise OcrUnavailable(
                "the tesseract engine needs the tesseract program and its Chinese data "
                "(Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
            )
        self._exe = exe
        first = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
        self.version = first.splitlines()[0] if first else "tesseract"

    def read(self, image: np.ndarray) -> OcrPage:
        import cv2

        ok, png = cv2.imencode(".png", image)
        if not ok:
            raise IngestError("could not encode a page image for tesseract")
        done = subprocess.run(
            [self._exe, "stdin", "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
            input=png.tobytes(),
            capture_output=True,
            env={"OMP_THREAD_LIMIT": "1", "PATH": ""},
        )
        if done.returncode != 0:
            raise IngestError(f"tesseract failed: {done.stderr.decode(errors='replace')[:200]}")
        lines: dict[tuple[int, int, int], list[tuple[str, float, int, int, int, int]]] = {}
        for row in done.stdout.decode("utf-8", errors="replace").splitlines()[1:]:
            parts = row.split("\t")
            if len(parts) < 12 or not parts[11].strip() or float(parts[10]) < 0:
                continue
            key = (int(parts[2]), int(parts[3]), int(parts[4]))
            left, top, width, height = (int(v) for v in parts[6:10])
            lines.setdefault(key, []).append(
                (parts[11].strip(), float(parts[10]) / 100, left, top, width, height)
            )
        out = []
        for words in lines.values():
            chars: list[OcrChar] = []
            for text, _, left, top, width, height in words:
                step = width / len(text)
                chars.extend(
                    OcrChar(ch, left + k * step, top, left + (k + 1) * step, top + height)
                    for k, ch in enumerate(text)
                )
            out.append(OcrLine(tuple(chars), statistics.mean(w[1] for w in words)))
        h, w = image.shape[:2]
        return OcrPage(tuple(out), w, h)
