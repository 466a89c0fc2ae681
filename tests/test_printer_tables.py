"""Printer tables other libraries extend (AePPL copies pprint's and adds its own)."""

from __future__ import annotations

import aesara.tensor as at
from aesara.graph.type import HasDataType, HasShape
from aesara.printing import PPrinter, Printer, pprint
from aesara.tensor.elemwise import DimShuffle
from aesara.tensor.random.basic import halfcauchy, normal
from aesara.tensor.subtensor import Subtensor


class _Marker(Printer):
    def process(self, output, pstate):
        return "<shape>"


def test_tensor_ops_are_keyed_by_op():
    assert isinstance(pprint.printers_dict[DimShuffle], Printer)
    assert isinstance(pprint.printers_dict[Subtensor], Printer)
    assert at.add in pprint.printers_dict and at.mul in pprint.printers_dict


def test_op_printers_come_before_conditions_put_first():
    # As a library does: copy the tables, put a catch-all condition first.
    pp = PPrinter()
    pp.printers_dict = dict(pprint.printers_dict)
    pp.printers = list(pprint.printers)
    pp.printers.insert(0, (lambda pstate, r: isinstance(r, HasShape), _Marker()))
    b, x = at.dscalar("b"), at.dmatrix("x")
    # The broadcast of b and the indexing keep their own printers; only the
    # leaves reach the catch-all.
    assert pp.process(b * x[0]) == "(<shape> * <shape>[0])"


def test_variables_with_shape_and_dtype_count_as_has_shape():
    x = at.dvector()
    assert isinstance(x, HasShape) and isinstance(x.type, HasShape)
    assert isinstance(x, HasDataType)
    assert not isinstance(3, HasShape)
    assert not isinstance(object(), HasDataType)


def test_random_variables_have_print_names():
    assert normal._print_name == ("N", "\\operatorname{N}")
    assert halfcauchy._print_name[0] == "C**+"
