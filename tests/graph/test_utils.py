"""Tests of aesara.graph.utils."""

import inspect
import pickle

import pytest

from aesara.graph.utils import (
    InconsistencyError,
    MetaObject,
    MissingInputError,
    Scratchpad,
    ValidatingScratchpad,
    add_tag_trace,
    difference,
    flatten,
    format_user_location,
    get_variable_trace_string,
    simple_extract_stack,
    to_return_values,
    uniq,
    user_frame_summary,
)
from tests.graph import tt


class Point(MetaObject):
    __props__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class TestMetaObject:
    def test_props_semantics(self):
        assert Point(1, 2) == Point(1, 2)
        assert Point(1, 2) != Point(2, 1)
        assert hash(Point(1, 2)) == hash(Point(1, 2))
        assert str(Point(1, "a")) == "Point{x=1, y='a'}" == repr(Point(1, "a"))
        assert Point(1, 2)._props() == (1, 2)
        assert Point(1, 2)._props_dict() == {"x": 1, "y": 2}

    def test_subclass_inherits_but_differs(self):
        class Point3(Point):
            pass

        assert Point3(1, 2) == Point3(1, 2)
        assert Point3(1, 2) != Point(1, 2)

    def test_classes_equal_by_metaclass_compare_equal(self):
        # Aesara compares classes with ==, so a metaclass can make two
        # dynamically created classes (same wrapped thing) interchangeable.
        class ByKey(type):
            def __eq__(cls, other):
                return isinstance(other, ByKey) and cls.key == other.key

            def __hash__(cls):
                return hash(cls.key)

        def make(key):
            return ByKey("Tagged", (Point,), {"key": key})

        A, B, C = make("k"), make("k"), make("other")
        assert A is not B
        assert A(1, 2) == B(1, 2) and hash(A(1, 2)) == hash(B(1, 2))
        assert A(1, 2) != C(1, 2)
        assert A(1, 2) != B(2, 1)

    def test_custom_eq_kept(self):
        class AlwaysEq(MetaObject):
            __props__ = ("v",)

            def __init__(self, v):
                self.v = v

            def __eq__(self, other):
                return True

            def __hash__(self):
                return 0

        assert AlwaysEq(1) == AlwaysEq(2)

    def test_empty_props(self):
        class Empty(MetaObject):
            __props__ = ()

        assert Empty() == Empty() and hash(Empty()) == hash(Empty())
        assert str(Empty()) == "Empty"

    def test_no_props(self):
        class Plain(MetaObject):
            pass

        a = Plain()
        assert a == a and a != Plain()
        assert repr(a).startswith("<")  # no infinite recursion

    def test_props_validation(self):
        with pytest.raises(TypeError, match="must be a tuple of strings"):

            class Bad(MetaObject):
                __props__ = "x"


class TestScratchpad:
    def test_basics(self):
        s = Scratchpad()
        s.a = 1
        assert str(s) == "scratchpad{'a': 1}" == repr(s)
        t = Scratchpad()
        t.b = 2
        assert s.__update__(t) is s
        assert s.a == 1 and s.b == 2
        s.clear()
        assert not hasattr(s, "a")

    def test_copy_is_shallow_and_independent(self):
        from copy import copy

        s = Scratchpad()
        s.lst = [1]
        c = copy(s)
        assert type(c) is Scratchpad and c.lst is s.lst
        c.other = 1
        assert not hasattr(s, "other")

    def test_info(self, capsys):
        s = Scratchpad()
        s.k = "v"
        s.info()
        assert "k: v" in capsys.readouterr().out

    def test_validating(self):
        s = ValidatingScratchpad("test_value", float)
        s.test_value = "1.5"
        assert s.test_value == 1.5
        s.other = "1.5"
        assert s.other == "1.5"
        with pytest.raises(ValueError):
            s.test_value = "abc"

    def test_pickle(self):
        s = Scratchpad()
        s.a = [1, 2]
        assert pickle.loads(pickle.dumps(s)).a == [1, 2]


class Holder:
    def __init__(self):
        self.tag = Scratchpad()


class TestTraces:
    def test_add_tag_trace_user_line(self):
        h = add_tag_trace(Holder())
        line = inspect.currentframe().f_lineno - 1
        assert h.tag.trace == [[(__file__, line, "test_add_tag_trace_user_line", None)]]

    def test_user_frame_summary_limit(self):
        def inner():
            return user_frame_summary(limit=2)

        frames = inner()
        assert [f[2] for f in frames] == ["inner", "test_user_frame_summary_limit"]
        assert user_frame_summary(limit=None)[-1][2] == "<module>"

    def test_variable_trace_string(self):
        x = tt("x")
        line = inspect.currentframe().f_lineno - 1
        text = get_variable_trace_string(x)
        assert text.startswith("\nBacktrace when that variable is created:\n")
        assert f'File "{__file__}", line {line}, in test_variable_trace_string' in text
        assert 'x = tt("x")' in text  # the source line is shown
        loc = format_user_location(x)
        assert f"line {line}" in loc and 'x = tt("x")' in loc
        assert "Backtrace" not in loc

    def test_trace_string_without_trace(self):
        h = Holder()
        assert get_variable_trace_string(h) == ""
        assert format_user_location(h) == ""
        h.tag.trace = []
        assert get_variable_trace_string(h) == ""
        # The old flat layout is accepted.
        h.tag.trace = [("f.py", 3, "fn", None)]
        assert 'File "f.py", line 3, in fn' in get_variable_trace_string(h)

    def test_simple_extract_stack(self):
        stack = simple_extract_stack(limit=2)
        assert len(stack) == 2
        assert stack[-1][2] == "test_simple_extract_stack"
        assert all(s[0] != __file__ for s in simple_extract_stack(skips=[__file__]))

    def test_missing_input_error(self):
        x = tt("x")
        err = MissingInputError("Undeclared input x", variable=x)
        text = str(err)
        assert text.startswith("Undeclared input x\n")
        assert "Backtrace when that variable is created" in text
        assert err.variable is x
        assert str(MissingInputError("plain")) == "plain"
        assert issubclass(InconsistencyError, Exception)


class TestSequenceHelpers:
    def test_flatten(self):
        assert flatten([1, [2, (3, [4])], 5]) == [1, 2, 3, 4, 5]
        assert flatten([]) == []

    def test_uniq(self):
        assert uniq([3, 1, 3, 2, 1]) == [3, 1, 2]

    def test_difference(self):
        assert difference([1, 2, 3, 2], [2]) == [1, 3]

    def test_to_return_values(self):
        assert to_return_values([1]) == 1
        assert to_return_values([1, 2]) == [1, 2]
