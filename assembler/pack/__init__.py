"""The pack folder: the files one build owns, written all or nothing (staged, then swapped in under a journal).

A build's output folder holds its *pack*: the documents (and PDFs), the assembly report, a snapshot of the answers
and the document model as JSON, and the manifest ``pack-manifest.json`` naming every file the pack owns with its
SHA-256 (clean copies, ``--clean``, are a second pack beside the first: ``pack-manifest-clean.json``). The tool
touches only files the previous manifest names or that it writes now; anything else in the folder is left alone.

How a pack is written (the tool's own state lives in ``OUT/.assembler/``)::

    1. lock      take OUT/.assembler/lock (an OS file lock: a killed process lets go of it at once), finish
                 any interrupted swap (below), delete stale staging and temporary files
    2. check     every target is a file, a link or absent (a folder in the way stops the build here)
    3. stage     write every new file, PDFs included, into OUT/.assembler/staging/ (same disk: renames are
                 atomic), flushed to disk; a full disk or any error here deletes the staging folder, and
                 nothing in OUT has changed
    4. journal   write OUT/.assembler/journal.json (atomically): each target, whether a staged file replaces
                 it, and where the file it replaces is kept (OUT/.assembler/backup/N)
    5. swap      for each target: move the old file (or a planted link: renames never follow links) to its
                 backup, then the staged file into place; the manifest goes last
    6. commit    mark the journal committed, then delete it, the backups and the staging folder

Any error during the swap puts every old file back (roll back) and the build fails with a one-line message. If
the process dies (killed, power cut) with a journal on disk, the next command that runs (any command: a pending
swap is also noted in the user's state folder) rolls it forward — the staged files are complete, since the
journal is written only after them — or back when that fails; each step can be repeated, so a second
interruption changes nothing. Whenever no command is running, the owned files are all from one build.
"""

from __future__ import annotations

from ._disk import MANIFEST, TOOL_DIR, manifest_name, os_error
from ._journal import recover, recover_pending
from ._writer import PackWriter, check_targets, read_manifest, verify

__all__ = [
    "MANIFEST",
    "TOOL_DIR",
    "PackWriter",
    "check_targets",
    "manifest_name",
    "os_error",
    "read_manifest",
    "recover",
    "recover_pending",
    "verify",
]
