"""Every setting checked before anything is served: `ingram-mock serve` refuses what cannot
work with one line naming the flag (exit 2), instead of a traceback after "serving on" or
a failure at the first save. Each option's own value was checked when it was read
(`config.values`); here are the checks that need the file system, an import, or two
settings together."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mock_server.config import ConfigError, Settings


def check_settings(settings: Settings) -> None:
    """Raise ConfigError, naming the flag, for the first setting that cannot work."""
    _check_store(settings)
    _check_clients(settings)
    _check_fixtures(settings.fixtures_dir)
    if settings.contract_path is not None:
        _check_contract(settings.contract_path)
    if settings.faults_file is not None:
        _check_faults(settings.faults_file)
    if settings.overrides_file is not None:
        _check_overrides(settings.overrides_file)
    if settings.state_file is not None:
        _check_state_file(settings.state_file)
    if settings.violations_report is not None:
        _writable_folder("--violations-report", settings.violations_report)


def _check_store(settings: Settings) -> None:
    shared = settings.store != "memory"
    if settings.workers > 1 and not shared:
        raise ConfigError(
            "--workers above 1 needs --store redis://...: in memory, each process has its own"
        )
    if settings.state_file is not None and shared:
        raise ConfigError(
            "--state-file keeps an in-memory state; Redis keeps its own (RDB/AOF persistence)"
        )
    if shared:
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ConfigError(
                "--store redis://... needs the redis package, which is not installed: "
                "install the project with its redis extra (pip install '.[redis]')"
            ) from None


def _check_clients(settings: Settings) -> None:
    from mock_server.gateway.tokens import ClientApp

    seen: dict[str, ClientApp] = {}
    for spec in settings.clients:
        app = ClientApp.parse(spec)  # each was parsed when read
        if seen.setdefault(app.client_id, app) != app:
            raise ConfigError(f"--client: client {app.client_id!r} is registered twice")


def _check_fixtures(folder: Path) -> None:
    from mock_server.store.fixtures import (
        load_accounts,
        load_catalog,
        load_quotes,
        load_regions,
    )

    if not folder.is_dir():
        raise ConfigError(f"--fixtures-dir {folder}: no such folder")
    try:
        load_catalog(folder)
        load_regions(folder)
        load_quotes(folder)
        load_accounts(folder)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"--fixtures-dir {folder}: {_reason(error)}") from None


def _check_contract(path: Path) -> None:
    from mock_server.contract.document import load_contract

    if not path.is_file():
        raise ConfigError(f"--contract {path}: no such file")
    try:
        load_contract(str(path))
    except Exception as error:  # any way the document cannot be used, said in one line
        raise ConfigError(f"--contract {path}: {_reason(error)}") from None


def _check_faults(path: Path) -> None:
    from mock_server.rehearsal.faults import FaultBook, InvalidRule, rules_from_file

    try:
        FaultBook().add_all(rules_from_file(path))
    except InvalidRule as error:
        raise ConfigError(f"--faults {path}: {error.field}: {error.message}") from None
    except (OSError, ValueError) as error:
        raise ConfigError(f"--faults {path}: {_reason(error)}") from None


def _check_overrides(path: Path) -> None:
    from mock_server.rehearsal.overrides import check_overrides_file

    problem = check_overrides_file(path)
    if problem:
        raise ConfigError(f"--overrides {problem}")


def _check_state_file(path: Path) -> None:
    """The folder takes a file (the state is written to a sibling and renamed), and a file
    already there is a snapshot this mock can restore."""
    from mock_server.rehearsal.snapshots import SnapshotRefused, check_document, read_file

    _writable_folder("--state-file", path)
    if path.is_dir():
        raise ConfigError(f"--state-file {path}: is a folder, not a file")
    try:
        document = read_file(path)
        if document is not None:
            check_document(document)
    except SnapshotRefused as error:
        raise ConfigError(f"--state-file {path}: cannot restore it: {error}") from None
    except OSError as error:
        raise ConfigError(f"--state-file {path}: {_reason(error)}") from None


def _writable_folder(flag: str, path: Path) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ConfigError(f"{flag} {path}: no folder {folder} to write it in")
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as error:
        raise ConfigError(f"{flag} {path}: cannot write in {folder}: {_reason(error)}") from None
    os.close(handle)
    os.unlink(probe)


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).splitlines()[0] if str(error) else type(error).__name__
