"""Fuzz target: any bytes, as a .yaml or .json record file, through the loader and the check path.

The property: `load_record` returns a record or raises `InputError` (one line, naming the
file); a loaded record is then checked without any exception at all (input problems become
the record's `error`). Anything else is a crash.

Two drivers share `one_input`:

- atheris (libFuzzer, coverage-guided), for long local runs:
      pip install atheris
      python fuzz/fuzz_records.py -max_total_time=600 fuzz/corpus
- hypothesis with a fixed budget (`hypothesis_run`), which the normal test suite runs for a
  few seconds (tests/test_hostile_inputs.py) and which scales with FUZZ_EXAMPLES.

See fuzz/README.md. A crash found either way becomes a regression test in
tests/test_hostile_inputs.py.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 1)

# Bytes that tend to break YAML/JSON readers and the checks behind them.
TOKENS = [
    b"&a ", b"*a", b"<<: *a", b"{", b"}", b"[", b"]", b": ", b"- ", b"\t", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
    b"\x80", b"\xb2\xe2", b"---\n", b"!!binary aGk=", b"!!set {a}", b"!foo ", b"? [a]\n: 1\n", b".nan", b".inf",
    b"1e999", b"9" * 5000, b"-1", b"0x10", b'"\\ud800"', b'"\\x07"', b"null", b"~", b"yes", b"on: 1\n",
    "２０２５－０２－３０".encode(), "二〇二五年四月二十五日".encode(), "卫政[２０２５]12号".encode(), b"2025-02-30",
    b"1850-01-01", b"2025.3", b"kind: ", b"date: ", b"steps:\n", b"format: decision-record/2\n", b"'", b'"', b"#",
    b"\r\n", b"\n  ", b"x" * 70000,
]


def seeds() -> list[tuple[str, bytes]]:
    """Every example record, as YAML and as JSON, plus small hostile ones."""
    out: list[tuple[str, bytes]] = []
    for folder in (ROOT / "cases", ROOT / "rules" / "_examples"):
        for path in sorted(folder.glob("*.yaml")):
            raw = path.read_bytes()
            out.append((".yaml", raw))
            try:
                import yaml
                data = yaml.safe_load(raw)
                out.append((".json", json.dumps(data, ensure_ascii=False, default=str).encode()))
            except Exception:  # noqa: BLE001 - a seed that is not plain data is still a YAML seed
                pass
    out += [(".yaml", b"a: &a [1, 2]\nb: [*a, *a]\n"), (".json", b"{\"format\": \"decision-record/1\"}"),
            (".yaml", b"- 1\n"), (".yaml", b"format: decision-record/1\nsteps: [{kind: decision}]\n")]
    return out


class Target:
    """Loads and checks one input at a time; the checker is built once."""

    def __init__(self, check: bool = True):
        from compliance.evaluate import Evaluator
        from compliance.report import Checker
        from compliance.rulebook import load_rulebook

        self.checker = Checker(Evaluator(load_rulebook())) if check else None
        self.dir = Path(tempfile.mkdtemp(prefix="compliance-fuzz-"))

    def one_input(self, data: bytes, suffix: str = ".yaml") -> str:
        """'error', 'checked' or raises: the only thing a fuzzer should ever see raised is a bug."""
        from compliance.errors import InputError
        from compliance.records import load_record

        path = self.dir / f"input{suffix}"
        path.write_bytes(data)
        try:
            loaded = load_record(path)
        except InputError as e:
            for lang in ("zh", "en"):       # one line per problem, each naming the file
                lines = e.lines(lang)
                if any("\n" in line or not line.startswith(str(path)) for line in lines):
                    raise AssertionError(f"an input error must be one line per problem naming the file: {lines!r}") \
                        from None
            return "error"
        if self.checker is not None:
            report = self.checker.check_loaded(loaded, AS_OF, "zh")
            if report.error is not None and any("\n" in line for line in report.error.lines()):
                raise AssertionError(f"an input error must be one line per problem: {report.error!r}")
            if report.error is not None and "engine" in report.error.message:
                raise AssertionError(f"input reached the engine's limits unguarded: {report.error}")
        return "checked"


def mutate(seed: bytes, edits: list[tuple[int, int, int, int]]) -> bytes:
    """Apply (operation, position, length, token) edits to a seed."""
    data = bytearray(seed)
    for op, pos, length, token in edits:
        pos = pos % (len(data) + 1)
        if op == 0:                                   # insert a token
            data[pos:pos] = TOKENS[token % len(TOKENS)]
        elif op == 1:                                 # delete a range
            del data[pos:pos + length % 64]
        elif op == 2 and data:                        # flip a byte
            data[pos % len(data)] ^= 1 + token % 255
        elif op == 3:                                 # duplicate or drop a line
            lines = bytes(data).split(b"\n")
            i = pos % len(lines)
            lines[i:i + 1] = [lines[i]] * (2 if length % 2 else 0)
            data = bytearray(b"\n".join(lines))
        elif op == 4:                                 # swap two lines
            lines = bytes(data).split(b"\n")
            i, j = pos % len(lines), (pos + length) % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


def hypothesis_run(target: Target, max_examples: int, seed: int | None = 0) -> Counter:
    """A fixed-budget run: mutated seeds and raw bytes. Raises on the first crash."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    corpus = seeds()
    edit = st.tuples(st.integers(0, 4), st.integers(0, 1 << 20), st.integers(0, 1 << 10), st.integers(0, 255))

    @settings(max_examples=max_examples, deadline=None, database=None, derandomize=seed is not None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(
        st.tuples(st.integers(0, len(corpus) - 1), st.lists(edit, min_size=1, max_size=6)),
        st.tuples(st.just(-1), st.binary(max_size=300)),
    ))
    def run(case):
        index, edits = case
        if index < 0:
            outcomes[target.one_input(edits, ".yaml")] += 1
            return
        suffix, raw = corpus[index]
        outcomes[target.one_input(mutate(raw, edits), suffix)] += 1

    outcomes: Counter = Counter()
    run()
    return outcomes


def main() -> None:  # pragma: no cover - the atheris driver, for local runs
    import atheris

    with atheris.instrument_imports():
        import compliance.loader  # noqa: F401
        import compliance.models  # noqa: F401
        import compliance.records  # noqa: F401
    target = Target(check=os.environ.get("FUZZ_CHECK", "1") != "0")

    def test_one_input(data: bytes) -> None:
        suffix = ".json" if data[:1] == b"{" else ".yaml"
        target.one_input(data, suffix)

    corpus_dirs = [a for a in sys.argv[1:] if not a.startswith("-")]
    for folder in corpus_dirs:  # start from the example records
        os.makedirs(folder, exist_ok=True)
        for i, (_suffix, raw) in enumerate(seeds()):
            seed_file = Path(folder) / f"seed-{i:03d}"
            if not seed_file.exists():
                seed_file.write_bytes(raw)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
