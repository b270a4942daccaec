"""Property test over every model's parameter space: build, or refuse naming the parameters."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from parametric import available_models
from parametric.errors import ParameterError
from strategies import params_strategy

MODELS = sorted(available_models())


@pytest.mark.parametrize("name", MODELS)
def test_every_in_range_set_builds_or_is_refused_by_name(name):
    cls = available_models()[name]

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(params_strategy(cls.schema))
    def check(values):
        try:
            params = cls.params(values)
        except ParameterError as exc:
            assert exc.names and set(exc.names) <= set(cls.schema.specs), str(exc)
            return
        design = cls.design(params)
        assert design.parts and all(p.area > 0 for p in design.parts)

    check()
