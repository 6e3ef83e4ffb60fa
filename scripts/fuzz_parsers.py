"""Wide mutation fuzzing of every parser on its real sample: the suite's fixed examples, times N."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sbom.errors import ParseError
from tests.sbom import test_robustness as robustness


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=3000, help="mutations per parser")
    args = parser.parse_args()
    bugs = 0
    for p in robustness.PARSERS:
        sample = robustness.SAMPLES.get(p.NAME)
        if not sample:
            continue
        for seed in range(args.seeds):
            try:
                p.parse(robustness.mutate(sample, seed).decode("utf-8", "replace"), "fuzz/input")
            except (ParseError, RecursionError):
                pass
            except Exception as exc:  # anything but ParseError is a parser bug
                bugs += 1
                where = traceback.extract_tb(exc.__traceback__)[-1]
                print(f"{p.NAME} seed {seed}: {exc!r} at {where.filename}:{where.lineno}")
                break
    print(f"{len(robustness.PARSERS)} parsers x {args.seeds} mutations: {bugs} failing parsers")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
