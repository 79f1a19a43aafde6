"""Querysets compiled to SQL once per process, for the hottest small reads.

Building a queryset and compiling it to SQL costs 0.5-3 ms of Python on the
benchmark machine (more with joins, annotations and an ORDER BY) — several
times what PostgreSQL takes to answer a small indexed read, and a case page
makes eight of them (README, "Performance").  The SQL of such a read never
changes: only the key it is asked about does.  ``CompiledQuery`` builds the
queryset once with marker values in place of its arguments, keeps the SQL
and parameters Django made, and afterwards runs that SQL through Django's
cursor (query counting, logging and the database router still apply) with
the real values where the markers were, converting each column as Django
would.

Only for ``values_list`` (``rows``, ``objects``) or ``values`` (``dicts``)
querysets whose arguments are primary keys (``int``), UUIDs, dates,
datetimes or strings compared as they are, and whose SQL depends on nothing
else: no ``__in`` lists of varying length (a caller that has them compiles
one query per length), no lookups that rewrite a string (``icontains``) or
read the active time zone or language.  Compiling checks that every argument
reached the parameters.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from datetime import UTC, date, datetime
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet

from psycopg.types.numeric import Int8

from portal.lib import db

# Far outside any primary key; one per argument.
_MARKER_BASE = -(10**15)

# SQL, parameters, the argument in each parameter (-1: none), the width of a
# row, the converters, and the arguments the backend takes as text (dates on
# SQLite).
Compiled = tuple[str, list[Any], list[int], int, list[Any], frozenset[int]]


def _as_text(value: Any) -> str | None:
    """A datetime, date or UUID as a backend without the native type stores
    it (SQLite: naive UTC text, ISO dates, hex UUIDs)."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, date):
        return value.isoformat()
    return None


# Every ``prepared`` read, for the plan tests (each one's generic plan).
PREPARED: list[CompiledQuery] = []
# Around a ``generic`` read in a pipeline, for it alone: one plan for all
# values (set as ``portal.lib.db.JOINS_AS_WRITTEN`` is).
GENERIC_PLAN = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"
CUSTOM_PLANS = "SELECT set_config('plan_cache_mode', NULL, true)"


class CompiledQuery:
    """``build(*args)`` returns the queryset; ``rows(*args)`` its rows,
    ``objects(*args)`` its rows as model instances.

    >>> DECISIONS = CompiledQuery(
    ...     lambda pk: Decision.objects.filter(application_id=pk).values_list("id")
    ... )
    >>> DECISIONS.rows(application.pk)

    ``kinds`` gives the type of each argument (``int`` unless told);
    ``joins_as_written`` plans a many-join read in its written join order;
    ``prepared`` runs it as a prepared statement where the backend can
    (``portal.lib.postgresql``): parsed and planned once per connection.
    Only for reads whose best plan does not depend on the values — lookups
    by a key — since PostgreSQL may then keep one generic plan for all of
    them (the plan tests check that plan).  ``generic`` (prepared too)
    forces that one plan from the first run, for a read whose generic plan
    PostgreSQL misjudges as dearer than the custom ones (a walk of a partial
    index that stops after a page); its constants (the open statuses) are
    written into the SQL, so that the plan can prove a partial index's
    condition.
    """

    def __init__(
        self,
        build: Callable[..., QuerySet[Any, Any]],
        *,
        kinds: tuple[type, ...] | None = None,
        joins_as_written: bool = False,
        prepared: bool = False,
        generic: bool = False,
    ) -> None:
        parameters = inspect.signature(build).parameters.values()
        arity = len(parameters)
        self._build = build
        self._kinds = kinds if kinds is not None else (int,) * arity
        # ``build(*args)`` takes as many arguments as ``kinds`` names.
        variadic = any(p.kind is p.VAR_POSITIONAL for p in parameters)
        if len(self._kinds) != arity and not (variadic and kinds is not None):
            raise ValueError("one kind per argument")
        if joins_as_written and (prepared or generic):
            # A prepared read is planned once; its join order would be lost.
            raise ValueError("a prepared read is not planned as written")
        # Plan the joins in written order (portal.lib.db.joins_as_written).
        self._joins_as_written = joins_as_written
        self._prepared = prepared or generic
        self._generic = generic
        if self._prepared:
            PREPARED.append(self)
        self._by_alias: dict[str, Compiled] = {}
        # The SQL with its constants written in (``generic``), by database.
        self._inlined: dict[str, str] = {}
        self._names: list[str] = []
        # The SQL's columns by name, as ``values()`` names them.
        self._columns: list[str] = []
        self._filtered: dict[str, str] = {}
        self._plan: list[Any] | None = None
        # The model whose router decides the database (known once built).
        self._model: Any = None

    def _markers(self) -> list[Any]:
        return [
            uuid.UUID(int=index + 1)
            if kind is uuid.UUID
            # Days of February (March) in year 1: no real date, and not
            # date.min (a plausible constant in a query).
            else date(1, 2, index + 1)
            if kind is date
            else datetime(1, 3, index + 1, tzinfo=UTC)
            if kind is datetime
            # A noncharacter no form lets through.
            else f"\ufdd0{index}"
            if kind is str
            else _MARKER_BASE - index
            for index, kind in enumerate(self._kinds)
        ]

    def _compile(self, alias: str) -> Compiled:
        markers = self._markers()
        queryset = self._build(*markers)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)

        # Where each argument goes: the parameter positions holding a marker,
        # as it is or as the text the backend adapted it to (SQLite takes
        # dates as ISO text and UUIDs as hex).
        texts = [_as_text(marker) for marker in markers]

        def slot(value: Any) -> int:
            if isinstance(value, int | uuid.UUID | date | str) and value in markers:
                return markers.index(value)
            if isinstance(value, str) and value in texts:
                return texts.index(value)
            return -1

        slots = [slot(value) for value in params]
        as_text = frozenset(
            index
            for index, value in zip(slots, params, strict=True)
            if index >= 0 and isinstance(value, str) and self._kinds[index] is not str
        )
        missing = set(range(len(markers))) - set(slots)
        if missing:
            raise ValueError(f"arguments {sorted(missing)} did not reach the SQL")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        # The names of a values_list (the order of the row's columns).
        self._names = list(queryset._fields)  # type: ignore[attr-defined]
        # As Django's ValuesIterable names them.
        query = queryset.query
        self._columns = (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
        # FilteredRelation aliases and the relation each one narrows.
        filtered = queryset.query._filtered_relations  # type: ignore[attr-defined]
        self._filtered = {name: f.relation_name for name, f in filtered.items()}
        compiled = (sql, params, slots, compiler.col_count, converters, as_text)
        self._by_alias[alias] = compiled
        return compiled

    def _alias(self) -> str:
        if self._model is None:
            self._model = self._build(*self._markers()).model
        return router.db_for_read(self._model) or "default"

    def queryset(self, *args: Any) -> QuerySet[Any, Any]:
        """The queryset for ``args``, as the ORM would run it (for EXPLAIN)."""
        return self._build(*args)

    def rows(self, *args: Any) -> list[tuple[Any, ...]]:
        """The queryset's rows for ``args`` (tuples in ``values_list`` order)."""
        return self._rows(self._alias(), args)

    def _statement(self, alias: str, args: tuple[Any, ...]) -> tuple[str, list[Any]]:
        """The SQL and parameter values for ``args``."""
        if len(args) != len(self._kinds) or not all(
            type(arg) is kind for arg, kind in zip(args, self._kinds, strict=True)
        ):
            raise TypeError(f"expected arguments of types {self._kinds}, got {args!r}")
        sql, params, slots, _width, _converters, as_text = self._by_alias.get(
            alias
        ) or self._compile(alias)
        values = [
            params[position]
            if slot < 0
            else _as_text(args[slot])
            if slot in as_text
            else args[slot]
            for position, slot in enumerate(slots)
        ]
        return sql, values

    def prepared_statement(self, *args: Any) -> tuple[str, list[Any]]:
        """The SQL and values a pipelining backend runs prepared for
        ``args`` (for the plan tests)."""
        return self._prepared_statement(self._alias(), args)

    def _prepared_statement(
        self, alias: str, args: tuple[Any, ...]
    ) -> tuple[str, list[Any]]:
        sql, values = self._statement(alias, args)  # compiled, arguments checked
        if self._generic:
            inlined = self._inlined.get(alias)
            if inlined is None:
                inlined = self._inlined[alias] = self._inline(alias)
            _sql, _params, slots, *_rest = self._by_alias[alias]
            sql, values = inlined, [args[slot] for slot in slots if slot >= 0]
        # Integers as bigint whatever their size (psycopg would send a small
        # one as smallint): one prepared statement per query, not one per
        # size of its values.
        return sql, [Int8(v) if type(v) is int else v for v in values]

    def _inline(self, alias: str) -> str:
        """The SQL with each constant parameter written in as a literal."""
        from psycopg import sql as psycopg_sql

        compiled_sql, params, slots, *_rest = self._by_alias[alias]
        connection = connections[alias]
        connection.ensure_connection()
        values = iter(zip(params, slots, strict=True))

        def literal(match: Any) -> str:
            if match.group() == "%%":
                return "%%"
            value, slot = next(values)
            if slot >= 0:
                return "%s"
            text = psycopg_sql.Literal(value).as_string(connection.connection)
            return text.replace("%", "%%")

        return re.sub(r"%s|%%", literal, compiled_sql)

    def _pipelined(
        self, alias: str, args: tuple[Any, ...]
    ) -> list[tuple[str, list[Any], bool]]:
        """Its statements for ``Pipelined``, its rows the middle one's:
        prepared (with one generic plan forced, if asked), or planned each
        time (in written join order, if asked); a plan setting is set
        before and put back after, in the pipeline's transaction."""
        if self._prepared:
            sql, values = self._prepared_statement(alias, args)
            around = (GENERIC_PLAN, CUSTOM_PLANS) if self._generic else None
        else:
            sql, values = self._statement(alias, args)
            around = (
                (db.JOINS_AS_WRITTEN, db.JOINS_AS_DEFAULT)
                if self._joins_as_written
                else None
            )
        read = (sql, values, self._prepared)
        if around is None:
            return [read]
        before, after = around
        return [(before, [], False), read, (after, [], False)]

    def _rows(self, alias: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        connection = connections[alias]
        fetched_before = _fetched.get()
        key = (id(self), alias, args)
        if fetched_before is not None and key in fetched_before:
            fetched = fetched_before.pop(key)  # its statement was made there
        elif self._prepared and db.pipelines(alias):
            statements = self._pipelined(alias, args)
            fetched = _run_pipelined(alias, statements)[len(statements) // 2]
        else:
            sql, values = self._statement(alias, args)
            with (
                db.joins_as_written(alias) if self._joins_as_written else nullcontext(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, values)
                fetched = cursor.fetchall()
        _sql, _params, _slots, width, converters, _as_text = self._by_alias[alias]
        if not converters:
            return [tuple(row[:width]) for row in fetched]
        result = []
        for row in fetched:
            items = list(row[:width])
            for position, (functions, expression) in converters:
                value = items[position]
                for function in functions:
                    value = function(value, expression, connection)
                items[position] = value
            result.append(tuple(items))
        return result

    def dicts(self, *args: Any) -> list[dict[str, Any]]:
        """The rows of a ``values()`` queryset, as ``values()`` returns them."""
        rows = self._rows(self._alias(), args)
        columns = self._columns
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def objects(self, *args: Any) -> list[Any]:
        """The rows as instances of the queryset's model, as ``.only()`` of
        the ``values_list`` names would load them.  A name through a relation
        (``foreign_national__family_name``, ``assignment__examiner__username``)
        loads that related instance and keeps it on its parent, as
        ``select_related`` does; each related path must name its primary key
        (a NULL key: no related row, kept as None).  Other names
        (annotations) become attributes of the instance."""
        alias = self._alias()
        rows = self._rows(alias, args)
        if self._plan is None:
            self._plan = _plan(self._model, self._names, self._filtered)
        plan = self._plan
        extras = _extras(self._model, self._names)
        result = []
        for row in rows:
            loaded: dict[tuple[str, ...], Any] = {}
            for path, model, attnames, positions, pk_position, link in plan:
                if path and row[pk_position] is None:
                    instance = None
                else:
                    instance = model.from_db(
                        alias, attnames, [row[position] for position in positions]
                    )
                loaded[path] = instance
                if path:
                    parent = loaded[path[:-1]]
                    if parent is not None:
                        link(parent, instance)
            main = loaded[()]
            for name, position in extras:
                setattr(main, name, row[position])
            result.append(main)
        return result


# Rows that ``fetched_together`` read ahead, by (query, database, arguments).
_fetched: ContextVar[dict[tuple[int, str, tuple[Any, ...]], list[Any]] | None] = (
    ContextVar("zairyu_compiled_fetched", default=None)
)


@contextmanager
def fetched_together(
    *reads: tuple[CompiledQuery, tuple[Any, ...]],
    writes: Sequence[tuple[str, list[Any]]] = (),
) -> Iterator[None]:
    """Run ``reads`` (compiled queries and their arguments) in one round
    trip; inside the block each one's ``rows`` / ``objects`` for those
    arguments takes its rows from there instead of asking the database.

    A case page makes five or six such reads, each tiny; on the benchmark
    machine every round trip — a blocking wait and a wake-up in the web
    worker, a statement cycle in PostgreSQL — cost more CPU than the read
    itself (README, "Performance").  On PostgreSQL the statements travel
    through its pipeline mode (``portal.lib.postgresql.Pipelined``: run in
    order, as one implicit transaction or inside the caller's), the
    ``prepared`` ones as prepared statements; elsewhere (SQLite on
    ``make run``) nothing is read ahead and each read runs on its own.

    ``writes`` (SQL and parameters, for ``default``) are sent after the
    reads in the same round trip, prepared (their SQL does not change) —
    the case pages' audit record of the view
    (``portal.audit.services.audit_recorded_with``); elsewhere they run one
    by one when the block ends without an error."""
    aliases = {query._alias() for query, _args in reads}
    alias = aliases.pop() if len(aliases) == 1 else ""
    if (
        not reads
        or not alias
        or (writes and alias != "default")  # writes go to the primary only
        or not db.pipelines(alias)
    ):
        yield
        # After the reads, as on PostgreSQL (not when the block raised).
        with connections["default"].cursor() as cursor:
            for sql, params in writes:
                cursor.execute(sql, params)
        return
    statements: list[tuple[str, list[Any], bool]] = []
    keys: list[tuple[tuple[int, str, tuple[Any, ...]], int]] = []
    for query, args in reads:
        mine = query._pipelined(alias, args)
        # Its rows: the statement between the plan settings, if any.
        keys.append(((id(query), alias, args), len(statements) + len(mine) // 2))
        statements += mine
    statements += [(sql, list(params), True) for sql, params in writes]
    results = _run_pipelined(alias, statements)
    found = {key: results[position] for key, position in keys}
    token = _fetched.set(found)
    try:
        yield
    finally:
        _fetched.reset(token)


def _run_pipelined(
    alias: str, statements: list[tuple[str, list[Any], bool]]
) -> list[list[Any]]:
    """``statements`` in one round trip, through Django's cursor (so logs,
    query counts and execute wrappers see one query)."""
    from portal.lib.postgresql.base import Pipelined

    pipelined = Pipelined(statements)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            pipelined, [v for _sql, values, _p in statements for v in values]
        )
    return pipelined.results


def _plan(model: type[Model], names: list[str], filtered: dict[str, str]) -> list[Any]:
    """For each relation path named (the model itself first, parents before
    children): the path, its model, the attnames loaded in the model's field
    order, their positions in the row, the position of its primary key, and
    how to keep the instance on its parent.  A ``FilteredRelation`` alias
    (``filtered``: alias -> relation) is kept as an attribute of that name,
    as ``select_related`` does."""
    by_path: dict[tuple[str, ...], dict[str, int]] = {(): {}}
    for position, name in enumerate(names):
        *parts, attname = name.split("__")
        by_path.setdefault(tuple(parts), {})[attname] = position
    plan = []
    for path in sorted(by_path, key=len):
        current: Any = model
        link: Any = None
        for depth, part in enumerate(path):
            if depth == 0 and part in filtered:
                field = current._meta.get_field(filtered[part])
                link = _attribute_linker(part)
            else:
                field = current._meta.get_field(part)
                link = _linker(field)
            current = field.related_model
        columns = by_path[path]
        attnames = [
            f.attname for f in current._meta.concrete_fields if f.attname in columns
        ]
        if path and current._meta.pk.attname not in columns:
            raise ValueError(f"{'__'.join(path)} needs its primary key")
        plan.append(
            (
                path,
                current,
                attnames,
                [columns[attname] for attname in attnames],
                columns.get(current._meta.pk.attname),
                link,
            )
        )
    return plan


def _linker(field: Any) -> Callable[[Any, Any], None]:
    """Keep ``child`` on ``parent`` as ``select_related`` does (both ways for
    a one-to-one), so that neither side reads it again."""

    def link(parent: Any, child: Any) -> None:
        field.set_cached_value(parent, child)
        if child is not None and field.one_to_one:
            field.remote_field.set_cached_value(child, parent)

    return link


def _attribute_linker(name: str) -> Callable[[Any, Any], None]:
    def link(parent: Any, child: Any) -> None:
        setattr(parent, name, child)

    return link


def _extras(model: type[Model], names: list[str]) -> list[tuple[str, int]]:
    """The names that are not fields of the model (annotations)."""
    own = {f.attname for f in model._meta.concrete_fields}
    return [
        (name, position)
        for position, name in enumerate(names)
        if "__" not in name and name not in own
    ]
