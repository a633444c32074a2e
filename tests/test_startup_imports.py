"""Commands that do not check records start without the rule engine and the Office
libraries (they are slow to import, and the help must come at once)."""
import json
import os
import subprocess
import sys

import pytest

from .conftest import CASES, ROOT

PROBE = """
import atexit, json, runpy, sys
atexit.register(lambda: sys.stderr.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n"))
sys.argv = ["compliance"] + sys.argv[1:]
runpy.run_module("compliance", run_name="__main__")
"""
ENGINE = {"durable", "durable_rules_engine"}
OFFICE = {"openpyxl", "docx", "docxtpl", "jinja2"}


def imported(*args: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                         env=os.environ, timeout=120)
    line = [x for x in out.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return {m.split(".")[0] for m in json.loads(line[len("MODULES "):])}


@pytest.mark.parametrize("args", [("--help",), ("rules", "list"), ("schema",), ("check", "--help")])
def test_help_catalog_and_schema_load_neither_engine_nor_office_libraries(args):
    assert not imported(*args) & (ENGINE | OFFICE)


def test_check_loads_the_engine_but_no_office_library():
    modules = imported("check", str(CASES / "01-compliant-expropriation.yaml"))
    assert "durable_rules_engine" in modules and not modules & OFFICE
