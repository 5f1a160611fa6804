"""Query shapes whose SQL is built once per process, for the queries that every page runs.

Building a query's SQL is most of what a query costs the web process: for the signed-in
person's row (with their district and state) the ORM spends about 0.7 ms of CPU building the
SQL and 0.07 ms sending it and reading the row. A page runs 5 to 13 such queries.

``PreparedQuery(build, int, str, ...)`` calls ``build`` once per database with a stand-in value
for each argument, finds where each stand-in landed among the SQL's parameters, and from then
on runs that SQL with the call's values in their places. What comes back is what the queryset
itself returns: model instances (with the objects ``select_related`` joins, and annotations),
or the tuples, values or dicts of ``values_list``/``values``.

Only a shape whose SQL does not depend on the values may be prepared, and building refuses
any other (``ValueError`` at the first call, so a test that runs the query finds it):
- every argument is an ``int``, a ``str``, a ``uuid.UUID`` or an aware ``datetime`` that
  reaches the SQL unchanged, or as the database's own text for it (SQLite stores a UUID as its
  hex and a time as UTC text); not ``__in`` lists, whose SQL has a placeholder per value, and
  not ``__contains``-style lookups, which wrap the value;
- a ``list`` argument is a list of ids, and reaches the SQL through ``AnyOf`` (one parameter
  however many ids: an array on PostgreSQL, JSON text on SQLite);
- every other parameter is a constant (``None``, ``bool``, ``int``, ``str``): a date or a time
  among them would be the moment the shape was built, not the moment of the call;
- building twice gives the same SQL and parameters;
- ``frozen=True`` lifts the second rule, for a caller that keeps one prepared query per value
  of everything its ``build`` reads besides the arguments (a district's rules under the stamp
  they move, and the day): its dates and amounts are then the shape's own;
- no ``prefetch_related``. A ``select_for_update`` shape runs only inside a transaction, as
  the ORM's does.

``written_join_order=True`` is for a shape whose joins are lookups of a few rows' parents by
primary key (a page of a queue with its people, plans and credentials): PostgreSQL then keeps
the joins in the order the SQL writes them (``join_collapse_limit = 1``, for that statement
alone) rather than weighing every order, which for eight tables costs more than running the
query (2.7 ms of planning against 0.6 ms, for the same plan). The setting goes with the query
in one statement list, an implicit transaction of its own, so it ends with it; inside a
transaction, where it would outlive the query, the query is planned as usual.

On PostgreSQL each shape is also a server-side prepared statement: ``PREPARE``d on a connection
the first time it runs there, then ``EXECUTE``d with the call's values, so PostgreSQL parses it
once per connection and, after a few runs, may keep its plan (``plan_cache_mode``). For the
13 queries of a plan page that halves PostgreSQL's CPU (2.5–3.0 ms to 1.2 ms a page). Each
parameter is declared with the type PostgreSQL gives psycopg2's literal for the same value (an
``int`` is a ``bigint``, a quoted string is ``unknown`` and takes its type from where it
stands), so the statement means what the plain SQL means. A statement lives as long as its
connection (a rolled-back transaction keeps it). Behind a pooler that hands one connection's
session to another (PgBouncer's transaction pooling), set ``DATABASE_PREPARED_STATEMENTS=0``:
the queries then run as plain SQL, as on SQLite.

A kept plan is one plan for every value, chosen by PostgreSQL from average estimates. For a
lookup by key that is the plan each value gets anyway; for a list whose length depends on the
value it can be a poor one (a reviewer's first page of the queue: 0.7 ms of execution for 1,000
waiting with its own plan, 11 ms with the kept one, which sorts all 1,000 before the limit). Such
a shape says ``planned_per_call=True`` and runs as plain SQL, planned for each call's values.
A shape that is read in an index's order, a page of a long list, can instead say
``in_index_order=True``: PostgreSQL then plans it once, without a sort, and keeps that plan for
every value (``enable_sort = off`` and ``plan_cache_mode = force_generic_plan``, for that
statement alone, as ``written_join_order`` sets its own), a plan that walks the index and stops
at the page's end: 1.0 ms for a page of a reviewer's 1,000 waiting, against 2.2 ms planned for
each call. Inside a transaction, where the settings would outlive the query, it is planned as
usual.
"""

import datetime as dt
import itertools
import json
import logging
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, connections, transaction
from django.db.models import BooleanField, Expression, F
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    QuerySet,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.utils import create_namedtuple_class
from django.db.transaction import TransactionManagementError

# Stand-ins no real argument takes: large negative ids, and strings no form accepts.
_STAND_INS = {
    int: lambda i: -7_300_000_001 - i,
    str: lambda i: f"\u2063prepared-argument-{i}\u2063",
    uuid.UUID: lambda i: uuid.UUID(int=(0x7E57 << 112) + i),
    dt.datetime: lambda i: dt.datetime(1901, 2, 3, 4, 5, 6, 700_000 + i, tzinfo=dt.UTC),
    list: lambda i: [-7_300_000_101 - i, -7_300_000_201 - i],
}
# How a database may hold an argument of each type other than as itself: (value, connection)
# → the parameter the ORM passes.
_AS_STORED = {
    uuid.UUID: lambda value, connection: value.hex,
    dt.datetime: lambda value, connection: connection.ops.adapt_datetimefield_value(value),
    list: lambda value, connection: AnyOf.parameter(value, connection),
}
# Sent before a query in the same statement list (``written_join_order``): ``SET LOCAL`` lasts
# until that list's implicit transaction ends, with the query.
_WRITTEN_JOIN_ORDER = "SET LOCAL join_collapse_limit = 1; "
_IN_INDEX_ORDER = "SET LOCAL enable_sort = off; SET LOCAL plan_cache_mode = force_generic_plan; "
# Choices (TextChoices, IntegerChoices) are str and int.
_CONSTANTS = (type(None), bool, int, str)
# A server-side statement's parameter types: the type PostgreSQL gives psycopg2's literal for
# such a value (``5``, ``'text'``, ``true``, ``'…'::uuid``, ``ARRAY[…]``, ``NULL``). A quoted
# string or NULL is ``unknown``: its type comes from where it stands, as the literal's does.
_STATEMENT_TYPES = {
    bool: "boolean",
    int: "bigint",
    str: "unknown",
    type(None): "unknown",
    uuid.UUID: "uuid",
    dt.date: "date",
    Decimal: "numeric",
    float: "double precision",
    list: "bigint[]",
}
_statement_names = itertools.count(1)
try:
    from psycopg2 import Error as DATABASE_ERRORS
except ImportError:  # no PostgreSQL driver: no server-side statements either
    DATABASE_ERRORS = ()
logger = logging.getLogger(__name__)


def _statement_type(value) -> str | None:
    if type(value) is dt.datetime:
        return "timestamp" if value.tzinfo is None else "timestamptz"
    for kind in type(value).__mro__:  # a choice (TextChoices, IntegerChoices) as its str or int
        if kind in _STATEMENT_TYPES:
            return _STATEMENT_TYPES[kind]
    return None


def _numbered(sql: str, count: int) -> str | None:
    """``sql`` with psycopg2's ``%s`` placeholders as ``$1``, ``$2``… and ``%%`` as ``%``; None
    if it has another ``%`` sequence or not ``count`` placeholders."""
    out, number, i = [], 0, 0
    while True:
        j = sql.find("%", i)
        if j < 0:
            out.append(sql[i:])
            break
        out.append(sql[i:j])
        follows = sql[j + 1 : j + 2]
        if follows == "%":
            out.append("%")
        elif follows == "s":
            number += 1
            out.append(f"${number}")
        else:
            return None
        i = j + 2
    return "".join(out) if number == count else None


@dataclass(frozen=True)
class _Shape:
    sql: str
    params: tuple  # the constants, with None where an argument goes
    # (parameter position, argument index, how it goes: None as itself, else ``_AS_STORED``'s)
    slots: tuple[tuple[int, int, Callable | None], ...]
    rows: Callable[[list, str], list]
    for_update: bool
    # On PostgreSQL: the server-side statement's name, its PREPARE and its EXECUTE (with a
    # placeholder per parameter); None: plain SQL only.
    statement: tuple[str, str, str] | None = None


class PreparedQuery:
    # Every prepared query of the process, for ``prepare_all`` (weakly: a frozen one kept per
    # district and day goes when its keeper drops it).
    _every: "weakref.WeakSet[PreparedQuery]" = weakref.WeakSet()

    def __init__(
        self,
        build: Callable[..., QuerySet],
        *types: type,
        frozen: bool = False,
        written_join_order: bool = False,
        planned_per_call: bool = False,
        in_index_order: bool = False,
    ):
        unknown = [t for t in types if t not in _STAND_INS]
        if unknown:
            raise TypeError(
                f"prepared arguments are int, str, uuid.UUID, datetime or list, not {unknown}"
            )
        self._build = build
        self._types = types
        self._frozen = frozen
        self._written_join_order = written_join_order
        self._planned_per_call = planned_per_call
        self._in_index_order = in_index_order
        self._prepared: tuple[_Shape, str] | None = None
        PreparedQuery._every.add(self)

    @classmethod
    def prepare_all(cls) -> int:
        """Build the SQL of every prepared query not built yet (a web worker does it at boot,
        ``microcreds.warm``); how many were built."""
        built = 0
        # In a transaction: the ORM compiles a locking read (``select_for_update``) only there.
        with transaction.atomic():
            for prepared in list(cls._every):
                if prepared._prepared is None:
                    prepared._shape()
                    built += 1
        return built

    def all(self, *args) -> list:
        """Every row, as the queryset built with ``args`` would return them."""
        if len(args) != len(self._types):
            raise TypeError(f"{len(self._types)} arguments expected, {len(args)} given")
        for value, kind in zip(args, self._types, strict=True):
            if type(value) is not kind:
                raise TypeError(f"{value!r} is not {kind.__name__}")
            if kind is list and not all(type(item) is int for item in value):
                raise TypeError(f"{value!r} is not a list of ids")
        shape, using = self._shape()
        params = list(shape.params)
        connection = connections[using]
        for position, index, stored in shape.slots:
            params[position] = args[index] if stored is None else stored(args[index], connection)
        if shape.for_update and connection.get_autocommit():
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        sql = shape.sql
        with connection.cursor() as cursor:
            # Plain SQL where queries are watched (logged with DEBUG or by a test that counts
            # them, or wrapped): what is watched is then what each reads, not a statement's name.
            if (
                shape.statement is not None
                and not connection.queries_logged
                and not connection.execute_wrappers
                and _statement_ready(connection, shape.statement)
            ):
                sql = shape.statement[2]
            if connection.vendor == "postgresql" and connection.get_autocommit():
                if self._written_join_order:
                    sql = _WRITTEN_JOIN_ORDER + sql
                if self._in_index_order:
                    sql = _IN_INDEX_ORDER + sql
            try:
                cursor.execute(sql, params)
            except NotSupportedError as error:
                if sql is shape.sql or not _outdated(connection, error):
                    raise
                # A migration changed a table under the session's statements: the query runs
                # as plain SQL when it still can (outside a transaction, which the error ended).
                if not connection.get_autocommit():
                    raise
                cursor.execute(shape.sql, params)
            rows = cursor.fetchall()
        return shape.rows(rows, using) if rows else []

    def first(self, *args) -> Any:
        """The first row (the queryset orders and limits it), or None."""
        rows = self.all(*args)
        return rows[0] if rows else None

    # --- Building ------------------------------------------------------------------------

    def _shape(self) -> tuple[_Shape, str]:
        # Built at the first call, when the settings name the database (tests swap it in
        # before any query runs); a process keeps one database per alias.
        if self._prepared is None:
            stand_ins = [_STAND_INS[kind](i) for i, kind in enumerate(self._types)]
            queryset = self._build(*stand_ins)
            self._prepared = (self._compile(queryset, stand_ins), queryset.db)
        return self._prepared

    def _compile(self, queryset: QuerySet, stand_ins: list) -> _Shape:
        if queryset._prefetch_related_lookups:
            raise ValueError("prefetch_related cannot be prepared")
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        slots, constants = [], []
        found = set()
        for position, value in enumerate(params):
            index, stored = _argument_at(value, stand_ins, connections[queryset.db])
            if index is not None:
                slots.append((position, index, stored))
                found.add(index)
                constants.append(None)
            elif self._frozen or isinstance(value, _CONSTANTS):
                constants.append(value)
            else:
                raise ValueError(
                    f"parameter {position} is {type(value).__name__} {value!r}: only arguments"
                    " and constants may be prepared (a date or time would be frozen)"
                )
        missing = sorted(set(range(len(stand_ins))) - found)
        if missing:
            raise ValueError(f"arguments {missing} do not reach the SQL unchanged")
        again = self._build(*stand_ins).query.get_compiler(queryset.db).as_sql()
        if (sql, tuple(params)) != (again[0], tuple(again[1])):
            raise ValueError("the queryset's SQL differs from one build to the next")
        return _Shape(
            sql,
            tuple(constants),
            tuple(slots),
            _row_reader(queryset, compiler),
            for_update=queryset.query.select_for_update,
            statement=(
                None
                if self._planned_per_call
                else _statement(sql, params, connections[queryset.db])
            ),
        )


def _statement(sql: str, params: list, connection) -> tuple[str, str, str] | None:
    """The shape's server-side statement: its name, its ``PREPARE`` and its ``EXECUTE``; None
    where there is none (not PostgreSQL, turned off, or a parameter of a type without a declared
    one)."""
    if connection.vendor != "postgresql" or not getattr(
        settings, "DATABASE_PREPARED_STATEMENTS", True
    ):
        return None
    types = [_statement_type(value) for value in params]
    numbered = _numbered(sql, len(params))
    if None in types or numbered is None:
        return None
    name = f"microcreds_{next(_statement_names)}"
    if not params:
        return name, f"PREPARE {name} AS {numbered}", f"EXECUTE {name}"
    declared = ", ".join(types)
    placeholders = ", ".join(["%s"] * len(params))
    return name, f"PREPARE {name}({declared}) AS {numbered}", f"EXECUTE {name}({placeholders})"


def _statement_ready(connection, statement: tuple[str, str, str]) -> bool:
    """True when ``statement`` is prepared on ``connection``'s session, preparing it if it is
    not yet. Inside a transaction the ``PREPARE`` runs in a savepoint, so that a refusal leaves
    the transaction as it was; a refused statement runs as plain SQL from then on."""
    raw = connection.connection
    held = connection.__dict__.get("_microcreds_statements")
    if held is None or held[0] is not raw:
        # A new session (the connection was replaced): nothing is prepared on it yet.
        held = connection._microcreds_statements = (raw, set())
    name, prepare, _ = statement
    if name in held[1]:
        return True
    if name in _refused:
        return False
    savepoint = None if connection.get_autocommit() else connection.savepoint()
    try:
        # On the driver's own cursor: preparing is not one of the page's queries.
        with raw.cursor() as cursor:
            cursor.execute(prepare)
    except DATABASE_ERRORS as error:
        if savepoint is not None:
            connection.savepoint_rollback(savepoint)
        _refused.add(name)
        logger.warning("%s runs as plain SQL: PostgreSQL refused it (%s)", name, error)
        return False
    if savepoint is not None:
        connection.savepoint_commit(savepoint)
    held[1].add(name)
    return True


_refused: set[str] = set()


def _outdated(connection, error: Exception) -> bool:
    """True when ``error`` says a statement's columns changed type since it was prepared (a
    migration ran while this process kept its connection). The connection is then closed at
    the end of the request, and the next one prepares every statement afresh on a new one."""
    if "cached plan must not change result type" not in str(error):
        return False
    connection.close_at = 0  # past: closed by close_if_unusable_or_obsolete
    return True


class AnyOf(Expression):
    """``field`` is one of ``ids`` (a list of ints), written with a single parameter however
    many there are: ``= ANY(%s)`` with an array on PostgreSQL, a ``json_each`` of JSON text on
    SQLite. A condition, for ``filter()``: ``filter(AnyOf("pk", ids))``. Unlike ``pk__in``,
    its SQL is the same for any number of ids, so a prepared query can take the list as an
    argument."""

    conditional = True

    def __init__(self, field: str, ids: list[int]):
        super().__init__(output_field=BooleanField())
        self.column = F(field)
        self.ids = list(ids)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def resolve_expression(self, *args, **kwargs):
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(*args, **kwargs)
        return resolved

    @staticmethod
    def parameter(ids: list[int], connection):
        return ids if connection.vendor == "postgresql" else json.dumps(ids)

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        ids = self.parameter(self.ids, connection)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*params, ids]
        return f"{column} IN (SELECT value FROM json_each(%s))", [*params, ids]


def as_prefetched(instance, name: str, objects: list) -> None:
    """``instance.<name>.all()`` gives ``objects`` (read by a prepared query) without a query,
    as after ``prefetch_related``: kept as the related manager's own queryset with its rows, so
    changing the relation (``set``, ``delete``) acts on the instance's and forgets them."""
    queryset = getattr(instance, name).get_queryset()  # built, not run
    queryset._result_cache, queryset._prefetch_done = objects, True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _same(value, stand_in) -> bool:
    return type(value) is type(stand_in) and value == stand_in


def _argument_at(value, stand_ins: list, connection) -> tuple[int | None, Callable | None]:
    """Which argument a parameter is (None: a constant), and how the database holds it."""
    for index, stand_in in enumerate(stand_ins):
        if _same(value, stand_in):
            return index, None
    for index, stand_in in enumerate(stand_ins):
        stored = _AS_STORED.get(type(stand_in))
        if stored is not None and value == stored(stand_in, connection):
            return index, stored
    return None, None


def _row_reader(queryset: QuerySet, compiler) -> Callable[[list, str], list]:
    """A function from the fetched rows to what iterating the queryset yields (as Django's
    ModelIterable, ValuesIterable and ValuesListIterable make them)."""
    select, col_count = compiler.select, compiler.col_count
    trim = compiler.has_extra_select
    converters = list(compiler.get_converters([s[0] for s in select[:col_count]]).items())

    def converted(rows: list, using: str) -> list:
        if trim:
            rows = [row[:col_count] for row in rows]
        if not converters:
            return rows
        connection = connections[using]
        out = []
        for row in map(list, rows):
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            out.append(row)
        return out

    iterable, query = queryset._iterable_class, queryset.query
    if iterable is ModelIterable:
        klass_info = compiler.klass_info
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[start:end]]
        annotations = list(compiler.annotation_col_map.items())
        db = queryset.db
        populators = get_related_populators(klass_info, select, db)

        def models(rows: list, using: str) -> list:
            objects = []
            for row in converted(rows, using):
                obj = model.from_db(db, names, row[start:end])
                for populator in populators:
                    populator.populate(row, obj)
                for name, position in annotations:
                    setattr(obj, name, row[position])
                objects.append(obj)
            return objects

        return models
    names = list(query.selected) if query.selected else []
    if not names:
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
    if iterable is ValuesIterable:
        indexes = range(len(names))
        return lambda rows, using: [
            {names[i]: row[i] for i in indexes} for row in converted(rows, using)
        ]
    if iterable is FlatValuesListIterable:
        return lambda rows, using: [row[0] for row in converted(rows, using)]
    if iterable is NamedValuesListIterable:
        named = create_namedtuple_class(*(queryset._fields or names))
        return lambda rows, using: [named(*row) for row in converted(rows, using)]
    if iterable is ValuesListIterable:
        return lambda rows, using: [tuple(row) for row in converted(rows, using)]
    raise ValueError(f"{iterable.__name__} querysets cannot be prepared")
