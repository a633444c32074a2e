"""Fill a Word template (docxtpl: Jinja2 tags in a .docx) and write the result atomically.

A user's own template (--template, e.g. with the office's letterhead) gets the same
variables as the bundled one (docs/word-documents.md). Whatever goes wrong with a template
or the output path ends as an InputError: one line naming the file and the fix, exit 2.
"""
from __future__ import annotations

import io
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate, Listing

from ..atomic import atomic_writer
from ..errors import InputError

DOCS = "docs/word-documents.md"


def multiline(text: str) -> Listing:
    """Text whose line breaks stay line breaks in a Word paragraph or table cell."""
    return Listing(text)


def _template_bytes(template: Path | None, bundled: str) -> tuple[str, bytes]:
    if template is None:
        return bundled, (resources.files("compliance.formats") / "templates" / bundled).read_bytes()
    try:
        return str(template), Path(template).read_bytes()
    except FileNotFoundError:
        raise InputError(str(template), "template not found; pass an existing .docx file to --template") from None
    except IsADirectoryError:
        raise InputError(str(template), "is a folder; pass a .docx file to --template") from None
    except OSError as e:
        raise InputError(str(template), f"cannot read the template ({e.strerror}); check the path and permissions") \
            from None


def check_output(output: Path, inputs: list[Path]) -> None:
    """The output must be a .docx in an existing folder, and never one of the inputs."""
    if output.suffix.lower() != ".docx":
        raise InputError(str(output), "the output must be a .docx file; name it e.g. 审查意见.docx", "-o")
    if not output.parent.is_dir() and str(output.parent) not in ("", "."):
        raise InputError(str(output), f"folder {output.parent} does not exist; create it or write elsewhere", "-o")
    if output.is_dir():
        raise InputError(str(output), "is a folder; name the .docx file to write", "-o")
    for path in inputs:
        try:
            same = path.exists() and output.exists() and output.resolve() == path.resolve()
        except OSError:
            same = False
        if same:
            raise InputError(str(output), f"would overwrite the input {path}; choose another output file", "-o")


def render_docx(template: Path | None, bundled: str, context: dict[str, Any], output: Path) -> None:
    name, data = _template_bytes(template, bundled)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        doc = DocxTemplate(io.BytesIO(data))
        doc.render(context, jinja_env=env)
        buffer = io.BytesIO()
        doc.save(buffer)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError):
        raise InputError(name, "is not a Word .docx document; save the template as .docx (Word 2007 or later)") \
            from None
    except jinja2.TemplateSyntaxError as e:
        raise InputError(name, f"template syntax error: {e.message}; check the {{{{ }}}} and {{% %}} tags "
                         f"(see {DOCS})") from None
    except jinja2.UndefinedError as e:
        raise InputError(name, f"the template names something the document does not have ({e.message}); "
                         f"the variables are listed in {DOCS}") from None
    except jinja2.TemplateError as e:
        raise InputError(name, f"the template could not be filled: {e}; see {DOCS}") from None
    try:
        with atomic_writer(output, binary=True) as f:
            f.write(buffer.getvalue())
    except OSError as e:
        raise InputError(str(output), f"cannot write the document ({e.strerror}); check the folder and permissions",
                         "-o") from None
