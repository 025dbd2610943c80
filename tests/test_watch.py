"""``assembler build FILE --watch``: a change to the answers or to the clause library builds the pack again in the
same process; a bad save is reported and the watch goes on."""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from assembler.cli import main
from assembler.errors import InputError
from assembler.watch import Rebuild, watch

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
OPTIONS = {"only": None, "papers": False, "diagram": False}
NAME = "Mid and South Essex Community Collaborative"


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


class _Watching:
    """A watch on its own thread; ``next()`` waits for its next build."""

    def __init__(self, answers: Path, out: Path, library: Path | None = None) -> None:
        self.builds: queue.Queue[Rebuild] = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=watch,
            kwargs={
                "answers": answers,
                "options": OPTIONS,
                "out_dir": out,
                "library_dir": library,
                "on_rebuild": self.builds.put,
                "stop": self.stop,
                "interval": 0.05,
            },
        )
        self.thread.start()

    def next(self) -> Rebuild:
        return self.builds.get(timeout=60)


@pytest.fixture
def watching(tmp_path: Path) -> Iterator[tuple[_Watching, Path]]:
    answers = tmp_path / "mine.yaml"
    shutil.copy(MSECC, answers)
    running = _Watching(answers, tmp_path / "out")
    yield running, answers
    running.stop.set()
    running.thread.join(timeout=30)
    assert not running.thread.is_alive()


def test_a_changed_answers_file_builds_again(watching: tuple[_Watching, Path]) -> None:
    running, answers = watching
    first = running.next()
    assert first.reason == "first build" and first.error is None
    agreement = next(p for p in first.result.written if "agreement" in p.name)
    assert f"{NAME} Two" not in _text(agreement)

    answers.write_text(answers.read_text(encoding="utf-8").replace(NAME, f"{NAME} Two"), encoding="utf-8")
    second = running.next()
    assert second.reason == "answers changed" and second.error is None
    assert f"{NAME} Two" in _text(agreement)


def test_a_bad_save_is_reported_and_the_next_save_builds(watching: tuple[_Watching, Path]) -> None:
    running, answers = watching
    assert running.next().error is None
    good = answers.read_text(encoding="utf-8")
    answers.write_text(good + "\nbroken: [\n", encoding="utf-8")
    failed = running.next()
    assert isinstance(failed.error, InputError) and failed.result is None
    assert "YAML error" in " ".join(failed.error.lines())
    answers.write_text(good.replace(NAME, f"{NAME} Three"), encoding="utf-8")
    mended = running.next()
    assert mended.error is None
    assert any(f"{NAME} Three" in _text(p) for p in mended.result.written)


def test_an_edited_clause_builds_again(tmp_path: Path) -> None:
    library = tmp_path / "library"
    shutil.copytree(ROOT / "clause_library", library)
    answers = tmp_path / "mine.yaml"
    shutil.copy(MSECC, answers)
    running = _Watching(answers, tmp_path / "out", library)
    try:
        first = running.next()
        assert first.error is None
        clause = library / "cjv" / "boilerplate.clause"
        text = clause.read_text(encoding="utf-8")
        clause.write_text(text.replace("## **Counterparts.**", "## **Counterparts (edited).**"), encoding="utf-8")
        second = running.next()
        assert second.reason == "library changed" and second.error is None
        agreement = next(p for p in second.result.written if "agreement" in p.name)
        assert "Counterparts (edited)." in _text(agreement)
    finally:
        running.stop.set()
        running.thread.join(timeout=30)


@pytest.mark.parametrize(
    "extra",
    [[str(ROOT / "answers" / "nottingham.yaml")], ["--compare", "somewhere"], []],
    ids=["two files", "compare", "folder"],
)
def test_watch_takes_one_answers_file(extra: list[str], tmp_path: Path) -> None:
    target = str(ROOT / "answers") if not extra else str(MSECC)
    result = CliRunner().invoke(main, ["build", target, "--watch", *extra, "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "--watch" in result.output and "one answers file" in result.output


def test_the_command_says_each_build_and_stops_on_ctrl_c(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import assembler.watch as watching_module

    real = watching_module.watch

    def until_interrupted(*args: object, **kwargs: object) -> None:
        stop = threading.Event()
        report = kwargs["on_rebuild"]

        def counted(rebuild: Rebuild) -> None:
            report(rebuild)  # type: ignore[operator]
            stop.set()  # one build, then Ctrl-C

        real(*args, **{**kwargs, "on_rebuild": counted, "stop": stop})  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(watching_module, "watch", until_interrupted)
    answers = tmp_path / "mine.yaml"
    shutil.copy(MSECC, answers)
    result = CliRunner().invoke(main, ["build", str(answers), "--watch", "--no-diagram", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"watching {answers}")
    assert lines[1].startswith(f"built {tmp_path / 'o'} (first build, ")
    assert "5 document(s)" in lines[1] and "[●] to complete" in lines[1]
    assert lines[-1] == "stopped watching"
