"""Generate a large synthetic news corpus from the evaluation texts, for benchmarks.

Sentences of the reports in ``eval/corpus/*.json`` are shuffled and
recombined into new documents of the same language, with numbers, years and
month names varied, so the text has the density of place names, HTML and
accents of the real test reports. The output is deterministic for a seed::

    python bench/corpus.py                          # >= 50 MiB -> bench/out/corpus.jsonl
    python bench/corpus.py --mb 5 --format txt      # a directory of .txt files
    python bench/corpus.py --format parquet --out bench/out/corpus.parquet

Prints the path, documents and size on stdout.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO / "eval" / "corpus"
OUT = REPO / "bench" / "out"

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡\"“<])|\n+")
_NUMBER = re.compile(r"\b\d+\b")
_MONTHS = {
    "en": "January February March April May June July August September October November December".split(),
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
}


def load_reports(folder: Path = EVAL) -> list[dict]:
    """The evaluation reports (``text``, ``title``, ``lang``)."""
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    if not reports:
        raise SystemExit(f"no evaluation reports in {folder}")
    return reports


def sentence_pools(reports: list[dict]) -> dict[str, dict[str, list[str]]]:
    """Per language: titles and body sentences."""
    pools: dict[str, dict[str, list[str]]] = {}
    for r in reports:
        pool = pools.setdefault(r.get("lang", "en"), {"titles": [], "sentences": []})
        title = r.get("title") or ""
        body = r["text"][len(title):] if title and r["text"].startswith(title) else r["text"]
        pool["titles"].append(title or body.split("\n", 1)[0])
        pool["sentences"].extend(s.strip() for s in _SENTENCE.split(body) if len(s.strip()) > 20)
    return pools


def vary(text: str, rng: random.Random, lang: str) -> str:
    """Change numbers, years and month names (keeping their form)."""
    def number(m: re.Match) -> str:
        value = m.group(0)
        if len(value) == 4 and value[:2] in ("19", "20"):
            return str(rng.randint(2000, 2024))
        n = int(value)
        return str(rng.randint(max(1, n // 2), n * 2 + 3)) if n < 10_000 else value

    text = _NUMBER.sub(number, text)
    for i, month in enumerate(_MONTHS.get(lang, ())):
        if month in text or month.capitalize() in text:
            other = _MONTHS[lang][rng.randrange(12)]
            text = text.replace(month, other).replace(month.capitalize(), other.capitalize())
    return text


def documents(pools: dict, *, target_bytes: int, seed: int):
    """Yield ``(id, lang, published, text)`` until ``target_bytes`` of text are made."""
    rng = random.Random(seed)
    langs = sorted(pools)
    made = 0
    i = 0
    while made < target_bytes:
        lang = langs[rng.randrange(len(langs))]
        pool = pools[lang]
        title = vary(rng.choice(pool["titles"]), rng, lang)
        body = [vary(s, rng, lang) for s in rng.sample(pool["sentences"], rng.randint(5, 25))]
        paragraphs = [" ".join(body[k:k + 3]) for k in range(0, len(body), 3)]
        text = title + "\n\n" + "\n\n".join(paragraphs)
        published = f"{rng.randint(2008, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        made += len(text.encode("utf-8"))
        yield f"synthetic-{i:07d}", lang, published, text
        i += 1


def write(docs, out: Path, fmt: str) -> tuple[int, int]:
    """Write documents as JSON lines, Parquet or a directory of .txt files; (documents, bytes of text)."""
    n = size = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        with open(out, "w", encoding="utf-8") as fh:
            for doc_id, lang, published, text in docs:
                fh.write(json.dumps({"id": doc_id, "lang": lang, "published": published, "text": text},
                                    ensure_ascii=False) + "\n")
                n, size = n + 1, size + len(text.encode("utf-8"))
    elif fmt == "txt":
        out.mkdir(parents=True, exist_ok=True)
        for doc_id, _lang, _published, text in docs:
            (out / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            n, size = n + 1, size + len(text.encode("utf-8"))
    else:
        import pandas as pd

        rows = [{"id": d, "lang": lang, "published": p, "text": t} for d, lang, p, t in docs]
        pd.DataFrame(rows).to_parquet(out, index=False, row_group_size=2000)
        n, size = len(rows), sum(len(r["text"].encode("utf-8")) for r in rows)
    return n, size


def make_corpus(*, mb: float = 50, seed: int = 2014, fmt: str = "jsonl", out: Path | None = None) -> Path:
    """Generate the corpus (``mb`` MiB of text) unless an identical one exists; return its path.

    The default name carries the seed, the size and a digest of the
    evaluation texts, so a changed evaluation corpus makes a new one.
    """
    reports = load_reports()
    digest = hashlib.sha256(json.dumps([r["text"] for r in reports]).encode()).hexdigest()[:8]
    stem = f"corpus-{seed}-{mb:g}-{digest}"
    out = out or OUT / (stem + {"jsonl": ".jsonl", "txt": "", "parquet": ".parquet"}[fmt])
    if out.exists():
        return out
    pools = sentence_pools(reports)
    tmp = out.with_name(out.name + ".partial")
    write(documents(pools, target_bytes=int(mb * 2**20), seed=seed), tmp, fmt)
    tmp.rename(out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="MiB of text (default 50)")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--format", choices=("jsonl", "txt", "parquet"), default="jsonl")
    parser.add_argument("--out", type=Path, default=None, help="default: bench/out/corpus-SEED-MB.<format>")
    args = parser.parse_args(argv)
    path = make_corpus(mb=args.mb, seed=args.seed, fmt=args.format, out=args.out)
    print(path)
    print(f"{path}: {sum(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir())) / 2**20:.1f} MiB",
          file=sys.stderr)


if __name__ == "__main__":
    main()
