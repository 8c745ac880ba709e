"""langdetect's algorithm (1.0.9, pinned) with the same answers, a few times faster.

langdetect's Detector weighs a text in seven seeded trials, each multiplying a probability
per language by the profile of an n-gram drawn at random from the text, normalising every
fifth draw until one language passes 0.99999. Everything here does those operations on the
same floats in the same order, so the answers are the ones langdetect gives, to the last bit
(tests/importer/test_detector.py compares them on many texts). What it saves is Python work:

- n-grams: each character normalised once per process (``str.translate``), and a text cut
  into words whose n-grams are worked out once per word and profile set, not per character;
- trials: a batch of texts (a file's share, films/importer/workers.py) is weighed side by
  side; each keeps its own seeded random stream, draws (``Random.getrandbits`` as
  ``Random.choice`` does, without its two method calls) and convergence, while numpy
  multiplies the texts' probability rows, the five draws between two normalisations in one
  step. numpy's products and quotients are the IEEE operations Python's floats make; the
  sums, whose order numpy would change, are Python's ``sum`` per row.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from random import Random

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.utils.ngram import NGram

# langdetect's Detector constants, by their names there.
_ALPHA = Detector.ALPHA_DEFAULT
_ALPHA_WIDTH = Detector.ALPHA_WIDTH
_ITERATION_LIMIT = Detector.ITERATION_LIMIT
_PROB_THRESHOLD = Detector.PROB_THRESHOLD
_CONV_THRESHOLD = Detector.CONV_THRESHOLD
_BASE_FREQ = Detector.BASE_FREQ
_TRIALS = 7  # Detector.__init__: n_trial
_CHECK_EVERY = 5  # _detect_block: the convergence check runs when i % 5 == 0

_SPACES = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # Detector.cleaning_text: 'A' <= ch <= 'z'
# Detector.cleaning_text's other count: from U+0300 on, except Latin Extended Additional.
_NON_LATIN = re.compile("[^\x00-\u02ff\u1e00-\u1eff]")
# Bounds each profile set's cache of words' n-grams (some megabytes): a long import meets
# new words for ever.
_MAX_CACHED_WORDS = 100_000


class _NormalizedChars(dict):
    """``NGram.normalize`` per code point, for ``str.translate``: each character worked out once."""

    def __missing__(self, code: int) -> str:
        self[code] = normalized = NGram.normalize(chr(code))
        return normalized


_NORMALIZED = _NormalizedChars()


def cleaned_text(text: str, *, max_length: int) -> str:
    """The text langdetect weighs: ``Detector.append`` then ``Detector.cleaning_text``."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = NGram.normalize_vi(text)
    text = _SPACES.sub(" ", text[:max_length])
    # Mostly another script: its Latin letters say nothing (langdetect drops them).
    if len(_LATIN.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
        text = _LATIN.sub("", text)
    return text


def _word_ngrams(word: str, *, closed: bool) -> list[str]:
    """The n-grams ``Detector._extract_ngrams`` takes from one word, in its order.

    A word is a run of characters between spaces (after normalising); ``closed`` when a space
    follows it. After each character: itself, the two and the three characters ending there
    (with the space before the word); inside a run of capitals (from its second) none.
    """
    padded = " " + word + (" " if closed else "")
    if any(map(str.isupper, word[1:])):
        return _capitalised_word_ngrams(padded, len(word))
    found = [word[0], padded[:2]]
    if len(word) > 1:
        rest = [""] * (3 * len(word) - 3)
        rest[0::3] = word[1:]
        rest[1::3] = [padded[end - 1 : end + 1] for end in range(2, len(word) + 1)]
        rest[2::3] = [padded[end - 2 : end + 1] for end in range(2, len(word) + 1)]
        found += rest
    if closed:
        found += (padded[-2:], padded[-3:])
    return found


def _capitalised_word_ngrams(padded: str, length: int) -> list[str]:
    found: list[str] = []
    previous_upper = False
    for end in range(1, length + 1):
        char = padded[end]
        upper = char.isupper()
        if not (upper and previous_upper):
            found.append(char)
            found.append(padded[end - 1 : end + 1])
            if end >= 2:
                found.append(padded[end - 2 : end + 1])
        previous_upper = upper
    if len(padded) > length + 1:  # closed
        found += (padded[-2:], padded[-3:])
    return found


@dataclass(eq=False)
class Profiles:
    """A factory's profiles as the trials read them: one row of weights per n-gram."""

    languages: tuple[str, ...]
    rows: dict[str, int]  # n-gram -> its row of ``weights``
    weights: np.ndarray  # n-grams x languages, langdetect's word_lang_prob_map

    def __post_init__(self) -> None:
        self._words: dict[tuple[str, bool], list[int]] = {}
        _LOADED.append(self)

    def ngram_rows(self, text: str) -> list[int]:
        """``Detector._extract_ngrams`` of a cleaned text, as rows: the n-grams these know."""
        words = text.translate(_NORMALIZED).split(" ")
        cache = self._words
        if len(cache) > _MAX_CACHED_WORDS:
            cache.clear()
        known = self.rows
        result: list[int] = []
        last = len(words) - 1
        for index, word in enumerate(words):
            if not word:
                continue
            key = (word, index < last)
            rows = cache.get(key)
            if rows is None:
                found = map(known.get, _word_ngrams(word, closed=key[1]))
                rows = cache[key] = [row for row in found if row is not None]
            result.extend(rows)
        return result

    def probabilities(self, texts: list[str], *, seed: int) -> list[list[tuple[str, float]]]:
        """``Detector.get_probabilities`` of each cleaned text: (language, probability), best first.

        Empty for a text with no n-gram these profiles know (langdetect raises then).
        """
        rows = [self.ngram_rows(text) for text in texts]
        weighed = [index for index, found in enumerate(rows) if found]
        totals = _trials([rows[index] for index in weighed], self.weights, seed)
        results: list[list[tuple[str, float]]] = [[] for _ in texts]
        for index, row in zip(weighed, totals.tolist(), strict=True):
            ranked = [
                (language, probability)
                for language, probability in zip(self.languages, row, strict=True)
                if probability > _PROB_THRESHOLD
            ]
            ranked.sort(key=lambda pair: pair[1], reverse=True)
            results[index] = ranked
        return results


def _drawer(random: Random, rows: list[int]) -> Callable[[], int]:
    """``Random.choice(rows)``: ``rows[Random._randbelow(len(rows))]``, which is this."""
    getrandbits = random.getrandbits
    count = len(rows)
    bits = count.bit_length()

    def draw() -> int:
        index = getrandbits(bits)
        while index >= count:
            index = getrandbits(bits)
        return rows[index]

    return draw


def _trials(texts: list[list[int]], weights: np.ndarray, seed: int) -> np.ndarray:
    """``Detector._detect_block`` after the n-grams, for many texts side by side.

    Each text has its own seeded random stream, trials and convergence, exactly as in
    langdetect; numpy multiplies the texts' probability rows together. A step is one draw
    for a text that starts a trial and five for the others (the missing four multiply by 1.0,
    which changes no float); the products run left to right as langdetect's loop does, and
    each row's sum is Python's ``sum`` over the row, as in ``Detector._normalize_prob``.
    """
    count, languages = len(texts), weights.shape[1]
    totals = np.zeros((count, languages))
    prob = np.empty((count, languages))
    weight = np.empty(count)
    randoms = [Random(seed) for _ in texts]
    draws = [_drawer(random, rows) for random, rows in zip(randoms, texts, strict=True)]
    trials = [0] * count
    iteration: list[int | None] = [None] * count  # None: the trial's first draw is next

    def start_trial(text: int) -> None:
        alpha = _ALPHA + randoms[text].gauss(0.0, 1.0) * _ALPHA_WIDTH
        weight[text] = alpha / _BASE_FREQ
        prob[text] = 1.0 / languages
        iteration[text] = None

    for text in range(count):
        start_trial(text)
    active = list(range(count))
    while active:
        drawn: list[int] = []
        starting: list[int] = []
        for position, text in enumerate(active):
            draw = draws[text]
            if iteration[text] is None:
                drawn += (draw(), 0, 0, 0, 0)
                starting.append(position)
            else:
                drawn += (draw(), draw(), draw(), draw(), draw())
        rows = np.array(active)
        factors = weights[np.array(drawn).reshape(len(active), _CHECK_EVERY)]
        factors += weight[rows, None, None]
        if starting:
            factors[starting, 1:] = 1.0
        step = prob[rows]
        for draw_factors in factors.transpose(1, 0, 2):
            step *= draw_factors
        step /= np.array([sum(row) for row in step.tolist()])[:, None]
        prob[rows] = step
        converged = (step.max(axis=1) > _CONV_THRESHOLD).tolist()
        still_active = []
        for text, done in zip(active, converged, strict=True):
            current = iteration[text]
            iteration[text] = current = 0 if current is None else current + _CHECK_EVERY
            if not done and current < _ITERATION_LIMIT:
                still_active.append(text)
                continue
            totals[text] += prob[text] / _TRIALS
            trials[text] += 1
            if trials[text] < _TRIALS:
                start_trial(text)
                still_active.append(text)
        active = still_active
    return totals


_LOADED: list[Profiles] = []


def forget_words() -> None:
    """Empty every profile set's cache of words' n-grams (a benchmark starts each run cold)."""
    for profiles in _LOADED:
        profiles._words.clear()


@cache
def profiles_of(factory: DetectorFactory) -> Profiles:
    """The factory's profiles, arranged once per process (before workers fork, if any)."""
    grams = list(factory.word_lang_prob_map)
    return Profiles(
        languages=tuple(factory.langlist),
        rows={gram: row for row, gram in enumerate(grams)},
        weights=np.array([factory.word_lang_prob_map[gram] for gram in grams], dtype=np.float64),
    )
