"""The pack folder: a manifest of what a build owns, written all or nothing, never through a link, with messages
that fit the error; interrupted builds finished by the next command (the kill test is tests/slow/test_kill.py)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import assembler.pack as pack
from assembler.assembly import build
from assembler.cli import main
from assembler.errors import AssemblerError, BuildError
from assembler.model import DocumentKind

from .docx_reading import read
from .pack_checks import from_one_build

ROOT = Path(__file__).resolve().parent.parent
MSECC = ROOT / "answers" / "msecc.yaml"
SMALL = [DocumentKind.MOU, DocumentKind.DRA]  # two short documents: enough for a pack, quick to build
OWNED = {
    "msecc-memorandum-of-understanding.docx",
    "msecc-dispute-resolution-annex.docx",
    "assembly-report.json",
    "pack-manifest.json",
    ".assembler/answers.yaml",
    ".assembler/model.json",
}
if shutil.which("dot"):  # the governance diagram beside the documents (Graphviz is optional)
    OWNED |= {"msecc-governance.svg", "msecc-governance.png"}


def _files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links as their target text) with its SHA-256, but the lock."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file() and rel != ".assembler/lock":
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _answers(tmp_path: Path, name: str = "msecc.yaml", *, marker: str = "", **replace: str) -> Path:
    """A copy of the MSECC answers, with a comment ``marker`` (so its hash differs) and text replaced."""
    text = MSECC.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(f"# {marker}\n{text}", encoding="utf-8")
    return path


def test_the_manifest_names_every_owned_file_with_its_hash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(MSECC, out_dir=out, only=SMALL)
    manifest = json.loads((out / "pack-manifest.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in manifest["files"]} | {"pack-manifest.json"} == OWNED
    assert result.manifest_path == out / "pack-manifest.json"
    assert pack.verify(out) == []
    assert (out / ".assembler" / "answers.yaml").read_bytes() == MSECC.read_bytes()
    model = json.loads((out / ".assembler" / "model.json").read_text(encoding="utf-8"))
    assert [d["kind"] for d in model["documents"]] == ["mou", "dra"]
    assert model["documents"][0]["blocks"][0]["runs"]
    assert from_one_build(out) == hashlib.sha256(MSECC.read_bytes()).hexdigest()
    assert not (out / ".assembler" / "staging").exists() and not (out / ".assembler" / "journal.json").exists()


def test_two_builds_give_the_same_bytes_manifest_and_model_included(tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path / "a", only=SMALL)
    build(MSECC, out_dir=tmp_path / "b", only=SMALL)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_clean_copies_are_a_pack_of_their_own_beside_the_drafts(tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path, only=SMALL)
    build(MSECC, out_dir=tmp_path, only=SMALL, clean=True)
    assert pack.verify(tmp_path) == [] and pack.verify(tmp_path, "-clean") == []
    clean = json.loads((tmp_path / "pack-manifest-clean.json").read_text(encoding="utf-8"))
    endings = ("-clean.docx", "-clean.json", "-clean.yaml", "-clean.svg", "-clean.png")
    assert all(f["path"].endswith(endings) for f in clean["files"])


def test_files_the_pack_does_not_own_are_left_alone(tmp_path: Path) -> None:
    build(MSECC, out_dir=tmp_path, only=[*SMALL, DocumentKind.SOD])
    mine = tmp_path / "msecc-agreement-marked-up.docx"
    mine.write_bytes(b"a lawyer's own copy")
    edited = tmp_path / "msecc-scheme-of-delegation.docx"
    edited.write_bytes(b"edited in place since the build")
    build(MSECC, out_dir=tmp_path, only=[DocumentKind.DRA])
    # a document of the old pack that this build did not make is removed, unless it was changed since
    assert not (tmp_path / "msecc-memorandum-of-understanding.docx").exists()
    assert edited.read_bytes() == b"edited in place since the build"
    assert mine.read_bytes() == b"a lawyer's own copy"
    assert pack.verify(tmp_path) == []


def test_a_folder_in_the_way_stops_the_build_before_anything_changes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    (out / "msecc-dispute-resolution-annex.docx").unlink()
    (out / "msecc-dispute-resolution-annex.docx").mkdir()
    before = _files(out)
    with pytest.raises(BuildError, match="a folder is in the way"):
        build(_answers(tmp_path, marker="changed"), out_dir=out, only=SMALL)
    assert _files(out) == before


def _failing(n: int, real: Callable[..., Any], *, when: Callable[[str], bool], exc: OSError) -> Callable[..., Any]:
    calls = {"n": 0}

    def call(*args: Any, **kwargs: Any) -> Any:
        if when(str(args[-1])):
            calls["n"] += 1
            if calls["n"] == n:
                raise exc
        return real(*args, **kwargs)

    return call


def test_a_file_that_cannot_be_replaced_leaves_the_old_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    before = _files(out)

    def into_out(dst: str) -> bool:  # a document put in place (as Windows refuses for a file open in Word)
        return Path(dst).parent == out and dst.endswith(".docx")

    denied = PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(os, "replace", _failing(2, os.replace, when=into_out, exc=denied))
    with pytest.raises(BuildError, match="permission denied") as info:
        build(_answers(tmp_path, marker="changed"), out_dir=out, only=SMALL)
    assert "\n" not in info.value.message
    monkeypatch.undo()
    assert _files(out) == before
    assert pack.verify(out) == []


@pytest.mark.parametrize("at", [1, 3, 6, 7, 8, 9, 10, 11, 12])
def test_a_full_disk_at_any_write_fails_cleanly(at: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    before = _files(out)
    calls = {"n": 0}
    real = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == at:  # a full disk shows when data is flushed (or written)
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    try:
        build(_answers(tmp_path, marker="changed"), out_dir=out, only=SMALL)
    except BuildError as exc:
        assert "the disk is full" in exc.message and "close it" not in exc.message
        monkeypatch.undo()
        assert _files(out) == before
    else:
        monkeypatch.undo()
        assert calls["n"] < at, "the error was swallowed"
    from_one_build(out)
    assert not (out / ".assembler" / "staging").exists() and not (out / ".assembler" / "journal.json").exists()


def test_a_full_disk_is_one_line_and_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = CliRunner().invoke(main, ["build", str(MSECC), "--out", str(tmp_path / "out"), "--only", "dra"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "the disk is full" in lines[0] and "internal error" not in lines[0]


def test_errno_decides_the_advice() -> None:
    too_long = pack.os_error("x", OSError(errno.ENAMETOOLONG, "File name too long"))
    assert "too long" in too_long.message and "close it" not in too_long.message
    full = pack.os_error("x", OSError(errno.ENOSPC, "No space left on device"))
    assert "disk is full" in full.message and "close it" not in full.message
    assert "close it if it is open" in pack.os_error("x", PermissionError(errno.EACCES, "denied")).message


def test_a_link_planted_at_a_document_is_replaced_not_written_through(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    planted = out / "msecc-dispute-resolution-annex.docx"
    try:
        planted.symlink_to(victim)
    except OSError:
        pytest.skip("this system cannot make symbolic links")
    build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    assert victim.read_text() == "precious"
    assert not planted.is_symlink() and read(planted).text()


def test_a_link_in_place_of_the_tool_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    try:
        (out / ".assembler").symlink_to(elsewhere, target_is_directory=True)
    except OSError:
        pytest.skip("this system cannot make symbolic links")
    with pytest.raises(BuildError, match="not the tool's folder"):
        build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    assert list(elsewhere.iterdir()) == []


def test_stale_staging_and_temporary_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".assembler" / "staging").mkdir(parents=True)
    (out / ".assembler" / "staging" / "half-written.docx").write_bytes(b"PK")
    stale = out / ".msecc-dispute-resolution-annex.docx.a1b2c3d4.tmp"  # what a killed earlier version left
    stale.write_bytes(b"PK")
    other = out / ".notes.txt.a1b2c3d4.tmp"  # not a name the pack owns
    other.write_bytes(b"someone else's")
    build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    assert not stale.exists() and other.exists()
    assert not (out / ".assembler" / "staging").exists()


def test_a_long_collaborative_name_builds(tmp_path: Path) -> None:
    name = "Mid and South Essex " * 14 + "Collaborative"  # 293 characters: core properties hold 255
    answers = _answers(tmp_path, **{"name: Mid and South Essex Community Collaborative": f"name: {name}"})
    try:
        result = build(answers, out_dir=tmp_path / "out", only=[DocumentKind.DRA])
    except AssemblerError as exc:  # an input limit on the name is a clean refusal too
        assert "\n" not in exc.message
        return
    assert name in read(result.written[0]).text()


def test_a_short_name_too_long_for_a_file_name_fails_before_anything_changes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    before = _files(out)
    answers = _answers(tmp_path, **{"short_name: MSECC": "short_name: " + "S" * 240})
    with pytest.raises(AssemblerError) as info:
        build(answers, out_dir=out, only=SMALL)
    assert "too long" in str(info.value) and "internal" not in str(info.value)
    assert _files(out) == before


def test_a_212_character_short_name_builds(tmp_path: Path) -> None:
    answers = _answers(tmp_path, **{"short_name: MSECC": "short_name: " + "S" * 212})
    out = tmp_path / "out"
    try:
        result = build(answers, out_dir=out, only=[DocumentKind.MOU])
    except AssemblerError as exc:  # an input limit below 212 characters is a clean refusal too
        assert "too long" in exc.message and not out.exists()
        return
    assert len(result.written[0].name) == 245 and pack.verify(out) == []


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (no except, no finally that the test cares about)."""


def _kill_at(label: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def step(name: str) -> None:
        if name == label:
            raise Killed(name)

    monkeypatch.setattr(pack._disk, "step", step)


@pytest.mark.parametrize("label", ["journal", "place msecc-dispute-resolution-annex.docx", "commit", "tidy"])
def test_the_next_command_finishes_an_interrupted_build(
    label: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    old = from_one_build(out)
    changed = _answers(tmp_path, marker="changed")
    _kill_at(label, monkeypatch)
    with pytest.raises(Killed):
        build(changed, out_dir=out, only=SMALL)
    monkeypatch.undo()
    result = CliRunner().invoke(main, ["check", str(MSECC)])  # any command, whatever its folder
    assert "Traceback" not in result.output
    new = from_one_build(out)
    assert new == (old if label == "journal" else hashlib.sha256(changed.read_bytes()).hexdigest())
    assert not (out / ".assembler" / "journal.json").exists()
    assert not (out / ".assembler" / "staging").exists() and not (out / ".assembler" / "backup").exists()


def test_an_interrupted_build_that_cannot_be_finished_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    old = from_one_build(out)
    _kill_at("place msecc-dispute-resolution-annex.docx", monkeypatch)
    with pytest.raises(Killed):
        build(_answers(tmp_path, marker="changed"), out_dir=out, only=SMALL)
    monkeypatch.undo()

    def into_out(dst: str) -> bool:
        return Path(dst).parent == out and dst.endswith("report.json")

    monkeypatch.setattr(os, "replace", _failing(1, os.replace, when=into_out, exc=PermissionError(errno.EACCES, "no")))
    assert "undone" in pack.recover(out)
    monkeypatch.undo()
    assert from_one_build(out) == old


def test_a_second_build_into_a_busy_folder_waits_then_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    monkeypatch.setattr(pack._writer, "_LOCK_WAIT", 0.2)
    with pack._journal._locked(out / ".assembler", wait=0) as held:
        assert held
        with pytest.raises(BuildError, match="another build is writing"):
            build(MSECC, out_dir=out, only=[DocumentKind.DRA])
        assert pack.recover(out) == ""  # recovery leaves a folder alone while another process works in it


@pytest.mark.skipif(os.name == "nt", reason="the stand-in for LibreOffice is a shell script")
def test_a_pdf_that_libreoffice_did_not_make_is_not_reported_as_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / "msecc-dispute-resolution-annex.pdf"
    stale.write_bytes(b"%PDF-1.4 an old PDF from another build")
    office = tmp_path / "soffice"
    office.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 0\n")
    office.chmod(0o755)
    import assembler.assembly as assembly

    monkeypatch.setattr(assembly.shutil, "which", lambda name: str(office) if name == "soffice" else None)
    before = _files(out)
    with pytest.raises(BuildError, match=r"PDF conversion failed for msecc-dispute-resolution-annex\.docx"):
        build(MSECC, out_dir=out, only=[DocumentKind.DRA], pdf=True)
    assert _files(out) == before  # no documents without their PDFs: nothing changed


@pytest.mark.skipif(os.name == "nt", reason="the stand-in for LibreOffice is a shell script")
def test_pdfs_are_part_of_the_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    office = tmp_path / "soffice"  # writes a small PDF for each file, as LibreOffice does with --outdir
    office.write_text(
        '#!/bin/sh\nwhile [ "$1" != "--outdir" ]; do shift; done; dir="$2"; shift 2\n'
        'for f in "$@"; do b=$(basename "$f" .docx); printf "%%PDF-1.4 stand-in" > "$dir/$b.pdf"; done\n'
    )
    office.chmod(0o755)
    import assembler.assembly as assembly

    monkeypatch.setattr(assembly.shutil, "which", lambda name: str(office) if name == "soffice" else None)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out.mkdir()
    (out / "msecc-dispute-resolution-annex.pdf").symlink_to(victim)
    result = build(MSECC, out_dir=out, only=SMALL, pdf=True)
    assert victim.read_text() == "precious"
    assert [p.name for p in result.pdfs] == [p.with_suffix(".pdf").name for p in result.written]
    from_one_build(out)
    build(MSECC, out_dir=out, only=SMALL)  # without --pdf: the old pack's PDFs go with it
    assert not list(out.glob("*.pdf"))
    from_one_build(out)


def test_a_doctored_manifest_cannot_make_a_build_remove_files_elsewhere(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    precious = elsewhere / "precious.txt"
    precious.write_text("precious")
    try:
        (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    except OSError:
        pytest.skip("this system cannot make symbolic links")
    digest = hashlib.sha256(b"precious").hexdigest()
    manifest = json.loads((out / "pack-manifest.json").read_text(encoding="utf-8"))
    manifest["files"].append({"path": "sub/precious.txt", "sha256": digest})
    (out / "pack-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    assert precious.read_text() == "precious"
    manifest["files"] = [{"path": "../elsewhere/precious.txt", "sha256": digest}]
    (out / "pack-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    build(MSECC, out_dir=out, only=[DocumentKind.DRA])
    assert precious.read_text() == "precious"


def test_a_build_undone_after_an_error_stays_undone_if_killed_while_tidying(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(MSECC, out_dir=out, only=SMALL)
    old = from_one_build(out)

    def into_out(dst: str) -> bool:
        return Path(dst).parent == out and dst.endswith(".docx")

    monkeypatch.setattr(os, "replace", _failing(2, os.replace, when=into_out, exc=PermissionError(errno.EACCES, "no")))
    _kill_at("tidy", monkeypatch)
    with pytest.raises(Killed):
        build(_answers(tmp_path, marker="changed"), out_dir=out, only=SMALL)
    monkeypatch.undo()
    CliRunner().invoke(main, ["check", str(MSECC)])
    assert from_one_build(out) == old
    assert not (out / ".assembler" / "staging").exists() and not (out / ".assembler" / "backup").exists()


def test_any_os_error_in_a_command_is_one_line_that_fits_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    args = ["clauses", "preview", "mou.confidentiality", "--answers", str(MSECC), "--docx", str(tmp_path / "p.docx")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert "the disk is full" in last and "internal error" not in result.output
