"""The BibTeX export compiled by biber + biblatex-apa + pdfLaTeX: every entry is printed.

Needs Debian's ``biber texlive-bibtex-extra texlive-latex-base texlive-latex-recommended``
(about 100 MB of downloads, under a minute to install; ``.ci/run`` installs them when it can).
Skipped, with the reason, where they are not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from embedres.export import keys, registry
from tests.support.corpus import corpus

_MISSING = [tool for tool in ("biber", "pdflatex", "kpsewhich") if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(_MISSING), reason=f"biber/LaTeX not installed ({', '.join(_MISSING)} missing)"
)

_DOC = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage[backend=biber,style=apa]{biblatex}
\usepackage{url}
\addbibresource{refs.bib}
\AtEveryBibitem{\typeout{EMBEDRES-PRINTED:\thefield{entrykey}}}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False, errors="replace"
    )


def test_biber_and_biblatex_apa_print_every_entry(tmp_path: Path) -> None:
    found = _run(["kpsewhich", "apa.bbx", "etoolbox.sty"], tmp_path).stdout.split()
    if len(found) < 2:
        pytest.skip("biblatex-apa or etoolbox not installed (texlive-bibtex-extra, -recommended)")
    cs = corpus()
    (tmp_path / "refs.bib").write_text(registry.get("bibtex").render(cs, "apa"), "utf-8")
    (tmp_path / "doc.tex").write_text(_DOC, "utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc"]
    assert _run(latex, tmp_path).returncode == 0
    biber = _run(["biber", "doc"], tmp_path)
    assert biber.returncode == 0, biber.stdout[-2000:]
    assert not re.search(r"(?m)^(WARN|ERROR) ", biber.stdout), biber.stdout
    for _ in range(2):
        done = _run(latex, tmp_path)
        assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 0
    log = (tmp_path / "doc.log").read_text("utf-8", errors="replace")
    printed = re.findall(r"EMBEDRES-PRINTED:(\S+)", log)
    assert sorted(printed) == sorted(keys.unique(c.key for c in cs))
    assert "undefined references" not in log and "Missing character" not in log
