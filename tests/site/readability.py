"""How plain a page's Finnish is: the share of long sentences and of long words, and LIX.

Measured on what a reader sees in the page's <main> (not the hidden honeypot, scripts or
markup). Every heading, list item, label, choice, help text and button is a sentence of its own,
as the reader meets it; other text is split after ".", "!" or "?". A word is a run of letters
(a hyphenated compound, "laaja-alaiset", is one word; its hyphen is not a letter). Addresses,
numbers and e-mail addresses are not words.

- long sentence: more than 15 words (Selkokeskus advises short sentences, about 8 to 12 words);
- long word: more than 14 letters (Finnish compounds: "ennakkovalmennus" has 16);
- LIX (Björnsson): words per sentence + 100 × share of words longer than 6 letters. textstat's
  LIX is the same formula; textstat is not installed here, so it is computed below.
"""

import re
from dataclasses import dataclass
from html import unescape

LONG_SENTENCE_WORDS = 15
LONG_WORD_LETTERS = 14

_BLOCKS = r"</?(?:p|li|h[1-6]|label|legend|option|button|dt|dd|td|th|div|section|ul|ol|br)\b[^>]*>"
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@dataclass(frozen=True)
class Plainness:
    sentences: int
    words: int
    long_sentences: float  # share, 0..1
    long_words: float  # share, 0..1
    lix: float

    def row(self, name: str) -> str:
        return (
            f"| {name} | {self.sentences} | {self.words} | {self.long_sentences:.1%} "
            f"| {self.long_words:.1%} | {self.lix:.0f} |"
        )


def main_text(html: str) -> str:
    found = re.search(r"<main\b.*?</main>", html, re.S)
    html = found.group(0) if found else html
    # A list to choose from (the 300 municipalities) is not text a reader reads through.
    html = re.sub(r"<(script|style|template|select)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<div class="hp-field">.*?</div>', " ", html, flags=re.S)
    html = re.sub(_BLOCKS, "\n", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def sentences(text: str) -> list[list[str]]:
    text = re.sub(r"\S+@\S+|https?://\S+|\S+\.(?:fi|org|ics)\b", " ", text)
    result = []
    for block in text.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+", block):
            words = _WORD.findall(sentence)
            if words:
                result.append(words)
    return result


def measure(html: str) -> Plainness:
    found = sentences(main_text(html))
    words = [w for s in found for w in s]
    letters = [len(w.replace("-", "")) for w in words]
    count = max(len(words), 1)
    return Plainness(
        sentences=len(found),
        words=len(words),
        long_sentences=sum(len(s) > LONG_SENTENCE_WORDS for s in found) / max(len(found), 1),
        long_words=sum(n > LONG_WORD_LETTERS for n in letters) / count,
        lix=len(words) / max(len(found), 1) + 100 * sum(n > 6 for n in letters) / count,
    )
