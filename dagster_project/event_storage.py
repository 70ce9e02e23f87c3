"""The instance's event log: Dagster's own SQLite storage, writing a batch of events in one transaction.

A full build records about 6,000 events: every asset is partitioned by financial year, so a run over
17 years plans and records 17 materialisations per asset (2,250 of each) and 396 check evaluations.
Dagster's SQLite storage writes each event on its own: a new engine, a connection and a commit on the
run's shard, and two or three more statements and commits on the index shard for an asset event
(about 18 ms an event on this VM, half a cold build's time between steps).

Dagster already groups these events: the planned events of a run are sent as one batch, and the
materialisations of one output over a partition range as another, when ``DAGSTER_EVENT_BATCH_SIZE``
is set (this module sets it, see ``BATCH_SIZE``). Its SQLite storage then stores a batch one event
after another anyway (``EventLogStorage.store_event_batch``). This class stores a batch in one
transaction per shard: each event goes through Dagster's own ``store_event`` (the same rows, the same
asset records, tags and check rows), inside a connection that stays open for the batch, so the
batch's events are committed together or not at all (Dagster falls back to storing them one by one
if a batch fails).

The project's dagster.yaml names this class (instance.py), so ``totalplace build``, the Dagster UI,
its daemon and the run workers it launches all write the same files as Dagster's default storage
would (``<DAGSTER_HOME>/history/runs``): an instance made before this class existed keeps its runs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    from dagster._core.events.log import EventLogEntry

# Events per batch at most (Dagster's default, 0, stores every event on its own). A run's planned
# events are about 2,700; one output's materialisations are one per partition (17 at most here).
BATCH_SIZE = 5000
os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", str(BATCH_SIZE))


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose ``store_event_batch`` holds one connection (and transaction)
    per shard open for the whole batch."""

    def __init__(self, base_dir: str, inst_data: Any = None):
        self._batch = threading.local()  # set before Dagster's __init__, which already connects
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        # Dagster's own names SqliteEventLogStorage, not cls: without this, dagster.yaml's class is ignored
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _open(self, shard: str) -> Iterator[Any]:
        """A connection in a transaction on ``shard``, as Dagster's ``_connect`` opens it, for a caller that
        already holds the storage's lock (a plain ``threading.Lock``: ``_connect`` inside a batch would wait
        on itself)."""
        engine = create_engine(
            self.conn_string_for_shard(shard), poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
        )
        try:
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn
        finally:
            engine.dispose()

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        held = getattr(self._batch, "connections", None)
        if held is None:  # not in a batch: Dagster's own way, one connection per use
            with super()._connect(shard) as conn:
                yield conn
        elif shard in held:
            yield held[shard]
        else:  # a shard first used inside the batch (the lock is this thread's already)
            conn = held[shard] = self._stack.enter_context(self._open(shard))
            yield conn

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if len(events) <= 1 or getattr(self._batch, "connections", None) is not None:
            for event in events:
                self.store_event(event)
            return
        with self._db_lock, ExitStack() as stack:
            self._stack = stack
            self._batch.connections = {}
            try:
                for event in events:
                    self.store_event(event)
            finally:
                # leaving the stack commits every shard's transaction (or rolls it back on an error)
                self._batch.connections = None
