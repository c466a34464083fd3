"""One row, one statement: inserts for the paths that run on every request.

``Model.save()`` and ``QuerySet.create()`` plan every insert anew (which fields, which
expressions, which SQL). For a row of twenty-odd fields that planning costs more CPU than the
database spends storing the row, and intake writes several rows per report. Here each model's
INSERT is built once per database and reused; the values still go through each field's own
``pre_save`` and ``get_db_prep_save``, so they are stored exactly as ``save()`` would store them.
``insert_together`` writes a row and the rows that point to it in one statement on PostgreSQL.

What this does not do: call the model's ``save()`` or send ``pre_save``/``post_save``. A model
with such signal receivers is refused (``TypeError``), so nothing that listens is skipped
silently, unless the caller names it in ``receivers_done`` (with a test that names the
receivers); the caller also sets whatever the model's own ``save()`` would set.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection
from functools import cache
from operator import itemgetter
from typing import Generic, NamedTuple, TypeVar

from django.db import connection, connections, models, transaction
from django.db.models import NOT_PROVIDED
from django.db.models.signals import post_save, pre_save


class _Plan(NamedTuple):
    fields: tuple  # what an INSERT writes: every concrete field but generated or returned ones
    columns: tuple  # their quoted column names
    table: str  # quoted
    key: str  # the primary key's quoted column
    returning: bool  # whether the database hands the new key back (RETURNING)


@cache
def _plan(model: type[models.Model], alias: str) -> _Plan:
    connection = connections[alias]
    meta = model._meta
    quote = connection.ops.quote_name
    fields = tuple(f for f in meta.concrete_fields if not f.generated and not f.db_returning)
    return _Plan(
        fields,
        tuple(quote(f.column) for f in fields),
        quote(meta.db_table),
        quote(meta.pk.column),
        meta.pk.db_returning and connection.features.can_return_columns_from_insert,
    )


def _check(obj: models.Model, receivers_done: Collection[type]) -> None:
    model = type(obj)
    if model in receivers_done:
        return
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise TypeError(f"{model.__name__} has save signal receivers: use save()")


def _row(obj: models.Model, alias: str, linked: Collection[str] = ()) -> tuple[str, list]:
    """``INSERT INTO t (columns) VALUES (placeholders)`` for ``obj``, and its parameters.

    A NULL column with no database default is left out (it is NULL anyway): fewer parameters
    to send, and the few shapes a model's rows take stay in the driver's statement cache.
    Columns named in ``linked`` take the key of the row inserted first in the same statement.
    """
    connection = connections[alias]
    plan = _plan(type(obj), alias)
    names, placeholders, params = [], [], []
    for f, column in zip(plan.fields, plan.columns, strict=True):
        if f.attname in linked:
            names.append(column)
            placeholders.append("(SELECT key FROM row0)")
            continue
        value = f.get_db_prep_save(f.pre_save(obj, True), connection)
        if value is None and f.db_default is NOT_PROVIDED:
            continue
        names.append(column)
        placeholders.append("%s")
        params.append(value)
    sql = f"INSERT INTO {plan.table} ({', '.join(names)}) VALUES ({', '.join(placeholders)})"  # noqa: S608
    return sql, params


def _saved(obj: models.Model, alias: str) -> models.Model:
    obj._state.adding = False
    obj._state.db = alias
    return obj


def insert(
    obj: models.Model, *, using: str = "default", receivers_done: Collection[type] = ()
) -> models.Model:
    """INSERT ``obj`` as one new row and set its primary key; returns ``obj``."""
    _check(obj, receivers_done)
    connection = connections[using]
    sql, params = _row(obj, using)
    plan = _plan(type(obj), using)
    with connection.cursor() as cursor:
        cursor.execute(sql + (f" RETURNING {plan.key}" if plan.returning else ""), params)
        if plan.returning:
            obj.pk = cursor.fetchone()[0]
        elif obj._meta.pk.db_returning:
            obj.pk = connection.ops.last_insert_id(cursor, obj._meta.db_table, obj._meta.pk.column)
    return _saved(obj, using)


def _links(child: models.Model, parent: models.Model) -> list:
    """The child's foreign keys whose related object is ``parent`` (set before it had a key)."""
    return [
        f
        for f in child._meta.concrete_fields
        if f.is_relation and f.many_to_one and f.get_cached_value(child, None) is parent
    ]


def insert_together(
    parent: models.Model,
    *children: models.Model,
    using: str = "default",
    receivers_done: Collection[type] = (),
) -> None:
    """INSERT ``parent`` and ``children``, which may point to it, all or none; sets their keys.

    On PostgreSQL this is one statement (each row a data-modifying WITH, the children taking
    the parent's new key from it), so one round trip writes a report with its first event.
    Elsewhere the rows are written one by one in a transaction.
    """
    for obj in (parent, *children):
        _check(obj, receivers_done)
    # Each child's foreign keys to the parent, found while the parent has no key yet.
    links = [[f.attname for f in _links(child, parent)] for child in children]
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using):
            insert(parent, using=using, receivers_done=receivers_done)
            for child, attnames in zip(children, links, strict=True):
                for attname in attnames:
                    setattr(child, attname, parent.pk)
                insert(child, using=using, receivers_done=receivers_done)
        return

    parts, params, keyed = [], [], []
    for i, (obj, linked) in enumerate(zip((parent, *children), ([], *links), strict=True)):
        sql, values = _row(obj, using, linked)
        plan = _plan(type(obj), using)
        returning = f" RETURNING {plan.key} AS key" if plan.returning else ""
        parts.append(f"row{i} AS ({sql}{returning})")
        params.extend(values)
        if plan.returning:
            keyed.append((i, obj))
    select = ", ".join(f"(SELECT key FROM row{i})" for i, _ in keyed)  # noqa: S608
    sql = f"WITH {', '.join(parts)} SELECT {select or '1'}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchone()
    for (_, obj), key in zip(keyed, keys, strict=True):
        obj.pk = key
    for child, attnames in zip(children, links, strict=True):
        for attname in attnames:
            setattr(child, attname, parent.pk)
    for obj in (parent, *children):
        _saved(obj, using)


class Inserter:
    """Many rows into one table, fast: PostgreSQL's binary COPY, else one executemany INSERT.

    Rows give the values of ``fields`` (attnames, ready for the database: datetimes through
    ``connection.ops.adapt_datetimefield_value``); every other column gets its field's default,
    prepared once (a nullable column whose default is NULL is left to the database).
    ``bulk_create`` compiles every value of every row through the ORM, which made the Traffy import
    ~6× slower (and the search index's ~2× slower). Like ``bulk_create``, no ``save()`` or
    signals run.
    """

    def __init__(self, model, fields: list[str]) -> None:
        concrete = [
            f
            for f in model._meta.concrete_fields
            if f.attname in fields or not (f.primary_key and f.db_returning)
        ]
        by_name = {f.attname: f for f in concrete}
        unknown = [name for name in fields if name not in by_name]
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {unknown}")
        rest = []
        constants = []
        for f in concrete:
            if f.attname in fields:
                continue
            if (
                (f.has_default() and callable(f.default))
                or getattr(f, "auto_now", False)
                or getattr(f, "auto_now_add", False)
            ):
                raise ValueError(f"{model.__name__}.{f.attname} needs a value in each row")
            value = f.get_db_prep_save(f.get_default(), connection)
            if value is None and f.null and f.db_default is NOT_PROVIDED:
                continue
            rest.append(f)
            constants.append(value)
        self.constants = tuple(constants)
        # (position in a row, referenced table, referenced column) of each foreign key given
        self.references = [
            (i, f.target_field.model._meta.db_table, f.target_field.column)
            for i, f in enumerate(by_name[name] for name in fields)
            if f.is_relation and f.many_to_one
        ]
        self.db_table = model._meta.db_table
        self.column_names = [by_name[name].column for name in fields] + [f.column for f in rest]
        qn = connection.ops.quote_name
        self.table = qn(self.db_table)
        self.columns = ", ".join(qn(column) for column in self.column_names)
        self._types: list[int] | None = None

    def _type_oids(self, cursor) -> list[int]:
        """The columns' PostgreSQL types, which a binary COPY must be told."""
        if self._types is None:
            cursor.execute(
                "SELECT attname, atttypid FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [self.table],
            )
            oids = dict(cursor.fetchall())
            self._types = [int(oids[column]) for column in self.column_names]
        return self._types

    def insert(self, rows: list[tuple], references=None) -> None:
        """Write ``rows``; ``references``, if given, is told (``add(table, column, values)``)
        which rows of other tables they refer to (see the Traffy importer's References)."""
        if not rows:
            return
        if references is not None:
            for i, table, column in self.references:
                references.add(table, column, map(itemgetter(i), rows))
        constants = self.constants
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                types = self._type_oids(cursor)
                sql = f"COPY {self.table} ({self.columns}) FROM STDIN WITH (FORMAT BINARY)"
                # Django wraps execute()'s errors, not copy()'s: the same exceptions either way.
                with connection.wrap_database_errors, cursor.copy(sql) as copy:
                    copy.set_types(types)
                    for row in rows:
                        copy.write_row(row + constants)
            else:
                marks = ", ".join(["%s"] * len(self.column_names))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})",  # noqa: S608
                    [row + constants for row in rows],
                )


def compression(table: str, columns: list[str], method: str = "lz4"):
    """A migration operation: PostgreSQL compresses these columns' long values (TOAST) with
    ``method`` from now on (values already stored keep theirs). A no-op on other databases and
    on a PostgreSQL built without that method; reversing it returns to the default, pglz."""
    from django.db import migrations

    def set_to(name: str):
        def run(apps, schema_editor) -> None:
            db = schema_editor.connection
            if db.vendor != "postgresql":
                return
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT %s = ANY(enumvals) FROM pg_settings"
                    " WHERE name = 'default_toast_compression'",
                    [name],
                )
                row = cursor.fetchone()
                if not (row and row[0]):
                    return
                qn = db.ops.quote_name
                for column in columns:
                    cursor.execute(
                        f"ALTER TABLE {qn(table)} ALTER COLUMN {qn(column)} SET COMPRESSION {name}"
                    )

        return run

    return migrations.RunPython(set_to(method), set_to("pglz"), elidable=False)


T = TypeVar("T")


class Writers(Generic[T]):
    """Threads that write batches, each on its own database connection, while the calling
    thread prepares the next ones (the Traffy import, the search index after it).

    Only on PostgreSQL outside a transaction: elsewhere (or with ``count`` 0) ``submit`` writes
    in the calling thread, since other connections would neither see the caller's uncommitted
    rows nor, on SQLite, write at the same time. ``submit`` blocks while ``count`` batches
    already wait (memory stays bounded) and raises a writer's failure in the calling thread.
    As a context manager it waits for the rest on the way out, or, after an error, only for
    the batches in hand.
    """

    def __init__(self, commit: Callable[[T], None], count: int) -> None:
        self.commit = commit
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            count = 0
        self.queue: queue.Queue[T | None] = queue.Queue(maxsize=max(count, 1))
        self.failure: BaseException | None = None
        self.abort = False
        self.closed = False
        self.threads = [
            threading.Thread(target=self._work, name=f"writer-{i}", daemon=True)
            for i in range(count)
        ]
        for thread in self.threads:
            thread.start()

    def __enter__(self) -> Writers[T]:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close(abort=exc_type is not None)

    def _work(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.failure is None and not self.abort:
                    try:
                        self.commit(batch)
                    except BaseException as exc:
                        self.failure = self.failure or exc
        finally:
            connections.close_all()  # this thread's connections only

    def submit(self, batch: T) -> None:
        if not self.threads:
            self.commit(batch)
            return
        while True:
            if self.failure is not None:
                raise self.failure
            try:
                self.queue.put(batch, timeout=0.2)
                return
            except queue.Full:
                continue

    def close(self, abort: bool = False) -> None:
        """Wait for the writers: after the batches queued, or (abort) after the ones in hand."""
        self.abort = self.abort or abort
        if not self.closed:
            self.closed = True
            for _ in self.threads:
                self.queue.put(None)
        for thread in self.threads:
            thread.join()
        if self.failure is not None and not abort:
            raise self.failure
