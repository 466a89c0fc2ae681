"""Rewrite databases: registered rewriters selected by tags.

A :class:`RewriteDatabase` maps names and tags to rewriters; a
:class:`RewriteDatabaseQuery` (tags to include, require and exclude) picks a
subset, and each kind of database turns that subset into one rewriter:
a :class:`SequenceDB` into a :class:`SequentialGraphRewriter` ordered by
position, an :class:`EquilibriumDB` into an
:class:`EquilibriumGraphRewriter`, a :class:`LocalGroupDB` into a
:class:`SequentialNodeRewriter`. Databases nest: a database registered in
another is queried with the same query.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

from aesara.configdefaults import config
from aesara.graph.rewriting.basic import (
    EquilibriumGraphRewriter,
    GraphRewriter,
    NodeProcessingGraphRewriter,
    NodeRewriter,
    SequentialGraphRewriter,
    SequentialNodeRewriter,
    WalkingGraphRewriter,
)

__all__ = [
    "EquilibriumDB",
    "LocalGroupDB",
    "ProxyDB",
    "RewriteDatabase",
    "RewriteDatabaseQuery",
    "SequenceDB",
    "TopoDB",
]

_Rewriteish = Any  # a GraphRewriter, NodeRewriter or RewriteDatabase


class RewriteDatabase:
    """A set of named, tagged rewriters (and nested databases).

    Every registered object is selected by its name, its tags and the name of
    its class.
    """

    def __init__(self):
        self.__db__: dict[str, dict[Any, None]] = {}
        self._names: set[str] = set()
        self._order: dict[int, int] = {}
        self._by_name: dict[str, Any] = {}
        self.name: str | None = None

    def register(
        self,
        name: str,
        rewriter: _Rewriteish,
        *tags: str,
        use_db_name_as_tag: bool = True,
    ) -> None:
        """Register ``rewriter`` under ``name`` with ``tags``.

        Parameters
        ----------
        name
            A unique name; it also works as a tag selecting this rewriter.
        rewriter
            A graph rewriter, a node rewriter or a nested database.
        tags
            Tags selecting the rewriter in queries.
        use_db_name_as_tag
            Also tag the rewriter with this database's name (when it has one).
        """
        if not isinstance(rewriter, (RewriteDatabase, GraphRewriter, NodeRewriter)):
            raise TypeError(
                f"Can only register rewriters and databases, got {rewriter!r} "
                f"({type(rewriter).__name__}) for {name!r}"
            )
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"The name of a rewrite must be a non-empty str, got {name!r}"
            )
        if name in self.__db__:
            raise ValueError(f"The name {name!r} is already used in this database")
        for t in tags:
            if not isinstance(t, str):
                raise TypeError(f"Tags must be strings, got {t!r} for {name!r}")
        if use_db_name_as_tag and self.name is not None:
            tags = tags + (self.name,)
        rewriter.name = name
        self._order[id(rewriter)] = len(self._order)
        self._by_name[name] = rewriter
        self.__db__[name] = {rewriter: None}
        self._names.add(name)
        self.__db__.setdefault(type(rewriter).__name__, {})[rewriter] = None
        self.add_tags(name, *tags)

    def add_tags(self, name: str, *tags: str) -> None:
        """Add ``tags`` to the rewriter registered as ``name``."""
        obj = self[name]
        for tag in tags:
            if tag in self._names and tag != name:
                raise ValueError(
                    f"The tag {tag!r} is the name of another registered rewrite"
                )
            self.__db__.setdefault(tag, {})[obj] = None

    def remove_tags(self, name: str, *tags: str) -> None:
        """Remove ``tags`` from the rewriter registered as ``name``."""
        obj = self[name]
        for tag in tags:
            if tag in self._names:
                raise ValueError(f"Cannot remove the name {tag!r} of a rewrite")
            self.__db__.get(tag, {}).pop(obj, None)

    def _ordered(self, objs) -> list:
        return sorted(objs, key=lambda o: self._order.get(id(o), math.inf))

    def __query__(self, q: RewriteDatabaseQuery) -> list:
        if not isinstance(q, RewriteDatabaseQuery):
            raise TypeError(f"Expected a RewriteDatabaseQuery, got {q!r}")
        selected: dict = {}
        for tag in q.include:
            selected.update(self.__db__.get(tag, {}))
        for tag in q.require:
            have = self.__db__.get(tag, {})
            selected = {o: None for o in selected if o in have}
        for tag in q.exclude:
            drop = self.__db__.get(tag, {})
            selected = {o: None for o in selected if o not in drop}
        result = []
        for obj in self._ordered(selected):
            if isinstance(obj, RewriteDatabase):
                sub_q = q
                if q.extra_rewrites:
                    sub_q = q._copy(extra_rewrites=[])
                sub_q = q.subquery.get(obj.name, sub_q)
                replacement = obj.query(sub_q)
                replacement.name = obj.name
                result.append(replacement)
            else:
                result.append(obj)
        return result

    def query(self, *tags: Any, **kwtags) -> Any:
        """Select rewriters by a :class:`RewriteDatabaseQuery` or tag strings.

        Tag strings may be prefixed: ``"+tag"`` (or no prefix) includes,
        ``"-tag"`` excludes and ``"&tag"`` requires ``tag``.
        """
        if len(tags) >= 1 and isinstance(tags[0], RewriteDatabaseQuery):
            if len(tags) > 1 or kwtags:
                raise TypeError(
                    "A query object cannot be combined with tags or keyword arguments"
                )
            return self.__query__(tags[0])
        include, require, exclude = [], [], []
        for tag in tags:
            if not isinstance(tag, str):
                raise TypeError(f"Tags must be strings, got {tag!r}")
            if tag[:1] == "-":
                exclude.append(tag[1:])
            elif tag[:1] == "&":
                require.append(tag[1:])
            elif tag[:1] == "+":
                include.append(tag[1:])
            else:
                include.append(tag)
        return self.__query__(RewriteDatabaseQuery(include, require, exclude, **kwtags))

    def __getitem__(self, name: str) -> Any:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"No rewrite named {name!r} in {self}") from None

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def print_summary(self, stream=sys.stdout) -> None:
        print(f"{type(self).__name__} (id {id(self)})", file=stream)
        print(f"  names {sorted(self._names)}", file=stream)
        print(
            f"  tags {sorted(k for k in self.__db__ if k not in self._names)}",
            file=stream,
        )

    def __str__(self):
        return f"{type(self).__name__}({self.name or ''}: {len(self._names)} entries)"

    __repr__ = __str__


class RewriteDatabaseQuery:
    """Tags selecting rewriters from a :class:`RewriteDatabase`.

    Parameters
    ----------
    include
        Rewriters with any of these tags are selected.
    require
        Of those, keep the rewriters having all of these tags.
    exclude
        Of those, drop the rewriters having any of these tags.
    subquery
        ``{database name: query}`` to query a nested database differently.
    position_cutoff
        :class:`SequenceDB` entries at this position or later are left out.
    extra_rewrites
        ``(rewriter, position)`` pairs added to :class:`SequenceDB` results.
    """

    def __init__(
        self,
        include: Sequence[str],
        require: Sequence[str] | None = None,
        exclude: Sequence[str] | None = None,
        subquery: dict | None = None,
        position_cutoff: float = math.inf,
        extra_rewrites: Sequence | None = None,
    ):
        for what, tags in (
            ("include", include),
            ("require", require),
            ("exclude", exclude),
        ):
            if isinstance(tags, str):
                raise TypeError(
                    f"{what} must be a sequence of tags, not the string {tags!r}"
                )
        self.include = tuple(include)
        self.require = tuple(require or ())
        self.exclude = tuple(exclude or ())
        self.subquery = dict(subquery or {})
        self.position_cutoff = position_cutoff
        self.extra_rewrites = list(extra_rewrites or [])
        self.name: str | None = None

    def _copy(self, **changes) -> RewriteDatabaseQuery:
        args = dict(
            include=self.include,
            require=self.require,
            exclude=self.exclude,
            subquery=self.subquery,
            position_cutoff=self.position_cutoff,
            extra_rewrites=self.extra_rewrites,
        )
        args.update(changes)
        return type(self)(**args)

    def including(self, *tags: str) -> RewriteDatabaseQuery:
        """A copy that also includes ``tags``."""
        return self._copy(include=self.include + tags)

    def excluding(self, *tags: str) -> RewriteDatabaseQuery:
        """A copy that also excludes ``tags``."""
        return self._copy(exclude=self.exclude + tags)

    def requiring(self, *tags: str) -> RewriteDatabaseQuery:
        """A copy that also requires ``tags``."""
        return self._copy(require=self.require + tags)

    def register(self, *rewrites: tuple) -> RewriteDatabaseQuery:
        """A copy adding ``(rewriter, position)`` pairs to the result."""
        for item in rewrites:
            if not (isinstance(item, tuple) and len(item) == 2):
                raise TypeError(
                    f"register takes (rewriter, position) pairs, got {item!r}"
                )
        return self._copy(extra_rewrites=self.extra_rewrites + list(rewrites))

    def _key(self):
        return (
            self.include,
            self.require,
            self.exclude,
            self.position_cutoff,
            tuple(id(r) for r, _ in self.extra_rewrites),
            tuple(sorted(self.subquery)),
        )

    def __eq__(self, other):
        return isinstance(other, RewriteDatabaseQuery) and self._key() == other._key()

    def __hash__(self):
        return hash((RewriteDatabaseQuery, self._key()))

    def __str__(self):
        return (
            f"RewriteDatabaseQuery(include={self.include}, require={self.require}, "
            f"exclude={self.exclude}, subquery={self.subquery}, "
            f"position_cutoff={self.position_cutoff}, "
            f"extra_rewrites={self.extra_rewrites})"
        )

    __repr__ = __str__


class EquilibriumDB(RewriteDatabase):
    """A database whose query is an :class:`EquilibriumGraphRewriter`.

    Parameters
    ----------
    ignore_newtrees
        See :class:`EquilibriumGraphRewriter`.
    tracks_on_change_inputs
        See :class:`EquilibriumGraphRewriter`.
    """

    def __init__(
        self, ignore_newtrees: bool = True, tracks_on_change_inputs: bool = False
    ):
        super().__init__()
        self.ignore_newtrees = ignore_newtrees
        self.tracks_on_change_inputs = tracks_on_change_inputs
        self.__final__: dict[str, bool] = {}
        self.__cleanup__: dict[str, bool] = {}

    def register(
        self,
        name: str,
        rewriter: _Rewriteish,
        *tags: str,
        final_rewriter: bool = False,
        cleanup: bool = False,
        **kwargs,
    ) -> None:
        """Register ``rewriter``; ``final_rewriter`` runs it at the end of each
        pass, ``cleanup`` after each change."""
        final_rewriter = kwargs.pop("final_opt", final_rewriter)
        if final_rewriter and cleanup:
            raise ValueError(f"{name!r} cannot be both a final and a cleanup rewriter")
        super().register(name, rewriter, *tags, **kwargs)
        self.__final__[name] = final_rewriter
        self.__cleanup__[name] = cleanup

    def query(self, *tags, **kwtags) -> EquilibriumGraphRewriter:
        rewriters = super().query(*tags, **kwtags)
        final = [o for o in rewriters if self.__final__.get(o.name, False)]
        cleanup = [o for o in rewriters if self.__cleanup__.get(o.name, False)]
        others = [o for o in rewriters if o not in final and o not in cleanup]
        return EquilibriumGraphRewriter(
            others,
            max_use_ratio=config.optdb__max_use_ratio,
            ignore_newtrees=self.ignore_newtrees,
            tracks_on_change_inputs=self.tracks_on_change_inputs,
            failure_callback=NodeProcessingGraphRewriter.warn_inplace,
            final_rewriters=final or None,
            cleanup_rewriters=cleanup or None,
        )


class SequenceDB(RewriteDatabase):
    """A database whose query applies the selected rewriters by position.

    Parameters
    ----------
    failure_callback
        Passed to the :class:`SequentialGraphRewriter` (default: warn and go
        on, following ``config.on_opt_error``).
    """

    seq_rewriter_type = SequentialGraphRewriter

    def __init__(
        self, failure_callback: Callable | None = SequentialGraphRewriter.warn
    ):
        super().__init__()
        self.__position__: dict[str, float] = {}
        self.failure_callback = failure_callback

    def register(self, name: str, rewriter: _Rewriteish, *tags: str, **kwargs) -> None:
        """Register ``rewriter`` at ``position`` (a number, or ``"last"``)."""
        position = kwargs.pop("position", "last")
        if position == "last":
            position = max(self.__position__.values(), default=-1) + 1
        if not isinstance(position, (int, float)) or isinstance(position, bool):
            raise TypeError(
                f"position must be a number or 'last', got {position!r} for {name!r}"
            )
        super().register(name, rewriter, *tags, **kwargs)
        self.__position__[name] = position

    def query(self, *tags, position_cutoff: float | None = None, **kwtags):
        rewriters = super().query(*tags, **kwtags)
        if position_cutoff is None:
            position_cutoff = config.optdb__position_cutoff
        positions = dict(self.__position__)
        q = tags[0] if tags and isinstance(tags[0], RewriteDatabaseQuery) else None
        if q is not None:
            position_cutoff = min(position_cutoff, q.position_cutoff)
            for i, (rw, pos) in enumerate(q.extra_rewrites):
                if getattr(rw, "name", None) is None:
                    rw.name = f"extra_rewrite_{i}_{type(rw).__name__}"
                positions[rw.name] = pos
                rewriters.append(rw)
        rewriters = [o for o in rewriters if positions[o.name] < position_cutoff]
        rewriters.sort(key=lambda o: (positions[o.name], o.name))
        if self.failure_callback is not None:
            ret = self.seq_rewriter_type(
                *rewriters, failure_callback=self.failure_callback
            )
        else:
            ret = self.seq_rewriter_type(*rewriters)
        if q is not None and getattr(q, "name", None):
            ret.name = q.name
        return ret

    def print_summary(self, stream=sys.stdout) -> None:
        super().print_summary(stream)
        for name, pos in sorted(self.__position__.items(), key=lambda kv: kv[1]):
            print(f"  {pos}: {name}", file=stream)

    def __str__(self):
        body = ", ".join(
            f"{p}:{n}"
            for n, p in sorted(self.__position__.items(), key=lambda kv: kv[1])
        )
        return f"SequenceDB({body})"


class LocalGroupDB(SequenceDB):
    """A database of node rewriters queried as one :class:`SequentialNodeRewriter`.

    Parameters
    ----------
    apply_all_rewrites
        See :class:`SequentialNodeRewriter`.
    profile
        See :class:`SequentialNodeRewriter`.
    node_rewriter
        The class of the group built.
    """

    def __init__(
        self,
        apply_all_rewrites: bool = False,
        profile: bool = False,
        node_rewriter: type = SequentialNodeRewriter,
    ):
        super().__init__(failure_callback=None)
        self.apply_all_rewrites = apply_all_rewrites
        self.profile = profile
        self.node_rewriter = node_rewriter

    def register(self, name, rewriter, *tags, position="last", **kwargs):
        if not isinstance(rewriter, (NodeRewriter, RewriteDatabase)):
            raise TypeError(
                f"LocalGroupDB holds node rewriters, got {rewriter!r} for {name!r}"
            )
        super().register(name, rewriter, *tags, position=position, **kwargs)

    def query(self, *tags, **kwtags):
        seq = super().query(*tags, **kwtags)
        ret = self.node_rewriter(
            *list(seq), apply_all_rewrites=self.apply_all_rewrites, profile=self.profile
        )
        ret.name = self.name
        return ret


class TopoDB(RewriteDatabase):
    """Wraps the query of a database of node rewriters in a :class:`WalkingGraphRewriter`."""

    def __init__(
        self,
        db: RewriteDatabase,
        order: str = "in_to_out",
        ignore_newtrees: bool = False,
        failure_callback: Callable | None = NodeProcessingGraphRewriter.warn_inplace,
    ):
        super().__init__()
        self.db = db
        self.order = order
        self.ignore_newtrees = ignore_newtrees
        self.failure_callback = failure_callback

    def query(self, *tags, **kwtags):
        return WalkingGraphRewriter(
            self.db.query(*tags, **kwtags),
            self.order,
            self.ignore_newtrees,
            self.failure_callback,
        )


class ProxyDB(RewriteDatabase):
    """Forwards queries to another database (so it can be registered twice)."""

    def __init__(self, db: RewriteDatabase):
        if not isinstance(db, RewriteDatabase):
            raise TypeError(f"ProxyDB wraps a RewriteDatabase, got {db!r}")
        super().__init__()
        self.db = db

    def query(self, *tags, **kwtags):
        return self.db.query(*tags, **kwtags)


# Names of earlier releases.
OptimizationDatabase = RewriteDatabase
OptimizationQuery = RewriteDatabaseQuery
Query = RewriteDatabaseQuery

from aesara.utils import deprecated_names_getattr  # noqa: E402

# Aesara 2.9 serves this old name with a DeprecationWarning.
__getattr__ = deprecated_names_getattr(
    __name__,
    [("DB", "`DB` is deprecated; use `RewriteDatabase` instead.", RewriteDatabase)],
)
