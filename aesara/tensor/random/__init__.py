"""Random variables: symbolic draws from probability distributions.

``aesara.tensor.random.normal(0, 1, size=3)`` builds a draw; a
:class:`~aesara.tensor.random.utils.RandomStream` manages the generators so
that compiled functions draw new numbers at each call.
"""

import aesara.tensor.random.rewriting
import aesara.tensor.random.utils
import aesara.tensor.random.var  # noqa: F401 - registers the shared constructors
from aesara.tensor.random.basic import *  # noqa: F403
from aesara.tensor.random.op import (
    RandomState,
    RandomVariable,
    default_rng,
    default_supp_shape_from_params,
)
from aesara.tensor.random.type import (
    RandomGeneratorType,
    RandomStateType,
    RandomType,
    random_generator_type,
    random_state_type,
)
from aesara.tensor.random.utils import RandomStream
