"""Benchmark: the word diff and who-wrote-what on the formatted text (workshops/marked_markdown.py).

Run from the project root:

    .venv/bin/python benchmarks/formatted_diff.py

Pure functions, so no database. Data: sections of 500, 5,000 and 20,000 words of generated prose
in paragraphs, with headings, bold words and a list every few paragraphs; the new version has a
sentence inserted every fourth paragraph, a word replaced every seventh and one paragraph
removed. Who-wrote-what gives the text to six authors in runs of 40 words.

Measured, per size: ``render_word_diff`` (the compare page, the restore page and a review round's
"what changed", each once per section shown) and ``render_attributed`` (the who-wrote-what page),
the median and 95th percentile of several runs. The pages add their own few milliseconds.
"""

import argparse
import os
import platform
import statistics
import time

import common

os.environ.setdefault("DEBUG", "0")
common.setup_django()

from workshops.attribution import words  # noqa: E402
from workshops.marked_markdown import AUTHOR, Mark, render_attributed, render_word_diff  # noqa: E402

SIZES = (500, 5_000, 20_000)
AUTHORS = 6


def section_text(word_count, *, changed):
    """Paragraphs of sample sentences with some formatting, about ``word_count`` words long."""
    blocks, count, number = [], 0, 0
    while count < word_count:
        sentences = common.rotated_sentences(number)[:3]
        if number % 5 == 0:
            blocks.append(f"## Part {number // 5 + 1}")
        if number % 6 == 3:
            blocks.append("\n".join(f"- {sentence}" for sentence in sentences))
        else:
            text = " ".join(sentences).replace("child", "**child**", 1)
            if changed and number % 4 == 1:
                text += " We talk this through together before the next session."
            if changed and number % 7 == 2:
                text = text.replace("often", "sometimes", 1)
            if not (changed and number == 9):
                blocks.append(text)
        count = sum(len(block.split()) for block in blocks)
        number += 1
    return "\n\n".join(blocks)


def timed(function, *arguments, runs, **keywords):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function(*arguments, **keywords)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), common.percentile(samples, 0.95)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, {common.cpu_model()}, Python {platform.python_version()}")
    marks = {
        author: Mark(AUTHOR, label=f"Author {author}:", style=author, key=chr(65 + author))
        for author in range(AUTHORS)
    }
    print("| words | word diff median | p95 | who wrote what median | p95 |")
    print("|---|---|---|---|---|")
    for size in SIZES:
        old, new = section_text(size, changed=False), section_text(size, changed=True)
        credited = [[author % AUTHORS, 40] for author in range(len(words(new)) // 40 + 1)]
        diff = timed(render_word_diff, old, new, added="added:", removed="removed:", runs=args.runs)
        credits = timed(render_attributed, new, credited, marks, runs=args.runs)
        print(
            f"| {len(words(new)):,} | {diff[0]:.1f} ms | {diff[1]:.1f} ms "
            f"| {credits[0]:.1f} ms | {credits[1]:.1f} ms |"
        )


if __name__ == "__main__":
    main()
