"""Command-line values coerced without pydantic, for the parameter types bleu-assess uses.

typer (0.2x) coerces every non-flag value through a pydantic `TypeAdapter` built on first use:
importing pydantic and building adapters costs about 80 ms of every command's start-up, more
than the rest of the CLI together. Our commands only take strings, flags, paths, numbers (with
bounds or not, never clamped), str enums and lists of these, which typer's own pydantic-free helpers
(`coerce_cli_choice`, `coerce_cli_path`) or a plain conversion handle. `install()` gives such
parameters a light coercer; any other annotation, and any value the light coercer refuses,
goes to typer's own adapter; what that adapter refuses too becomes a `BadValue` saying what
the parameter takes, worded in the command's language by cli/usage.py.

typer exposes no public hook for this: `install` wraps `_TyperParameter.get_runtime_param`
(typer >= 0.24) and does nothing when typer's internals differ, leaving typer's own path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from bleu_assess.cli.usage import BadValue, click_errors


def _scalar(annotation: Any, info: Any) -> Callable[[Any, Any, Any], Any] | None:
    """A coercer (value, param, ctx) -> value for one leaf annotation, or None to leave it to typer."""
    from typer._param_types import coerce_cli_choice, coerce_cli_path  # pydantic-free helpers

    if info.parser is not None or getattr(info, "click_type", None) is not None:
        return None
    if annotation is str:
        return lambda value, param, ctx: value if isinstance(value, str) else _refuse()
    if annotation is bool:  # flags arrive as bools; anything else is typer's to parse
        return lambda value, param, ctx: value if isinstance(value, bool) else _refuse()
    if annotation in (int, float) and not info.clamp:
        return lambda value, param, ctx: _number(annotation, value, info.min, info.max)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        choices: Sequence[Any] = list(annotation)
        return lambda value, param, ctx: coerce_cli_choice(value, choices=choices,
                                                           case_sensitive=info.case_sensitive, ctx=ctx)
    if isinstance(annotation, type) and issubclass(annotation, Path):
        path_type = info.path_type or annotation
        return lambda value, param, ctx: coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)
    return None


def _number(kind: type, value: Any, low: float | None, high: float | None) -> Any:
    """`value` (text as typed, or a default) as `kind` within [low, high]; ValueError otherwise,
    for typer's adapter to word (bools are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        _refuse()
    number = kind(value)
    if kind is int and isinstance(value, float) and number != value:
        _refuse()
    if (low is not None and number < low) or (high is not None and number > high):
        _refuse()
    return number


def _refuse() -> Any:
    raise ValueError("left to typer")


def install() -> None:
    """Coerce the simple parameters of every command without pydantic (see the module docstring)."""
    try:
        from typer import _coercion, core
    except ImportError:  # another typer layout: its own coercion applies
        return
    parameter = getattr(core, "_TyperParameter", None)
    runtime = getattr(_coercion, "RuntimeParam", None)
    if parameter is None or runtime is None or not hasattr(parameter, "get_runtime_param"):
        return
    original = parameter.get_runtime_param

    class Light(runtime):  # type: ignore[misc, valid-type]
        """A RuntimeParam whose values are coerced by `convert`, falling back to typer's adapter."""

        def __init__(self, descriptor: Any, convert: Callable[[Any, Any, Any], Any], many: bool) -> None:
            super().__init__(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
            object.__setattr__(self, "_convert", convert)
            object.__setattr__(self, "_many", many)
            object.__setattr__(self, "_descriptor", descriptor)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            try:
                if self._many:
                    items = value if isinstance(value, (list, tuple)) else [value]
                    return [self._convert(item, param, ctx) for item in items]
                return self._convert(value, param, ctx)
            except ValueError:  # typer's adapter decides; what it refuses is worded by cli/usage.py
                try:
                    return _coercion.build_runtime_param(self._descriptor)._coerce_value(value, param=param, ctx=ctx)
                except click_errors.BadParameter as error:
                    raise _bad_value(error, value, self._descriptor, param, ctx) from None

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            descriptor = self.type_descriptor
            annotation, many = descriptor.annotation, False
            if get_origin(annotation) is list and len(get_args(annotation)) == 1:
                annotation, many = get_args(annotation)[0], True
            convert = None if descriptor.file_annotation is not None else _scalar(annotation,
                                                                                   descriptor.parameter_info)
            if convert is not None:
                self._runtime_param = Light(descriptor, convert, many)
        return original(self)

    parameter.get_runtime_param = get_runtime_param


def _bad_value(error: Exception, value: Any, descriptor: Any, param: Any, ctx: Any) -> Exception:
    """typer's refusal of `value` as a BadValue that says what the parameter takes (its choices,
    its kind of number and bounds), for cli/usage.py to word; typer's own for any other type."""
    annotation, info = descriptor.annotation, descriptor.parameter_info
    if get_origin(annotation) is list and len(get_args(annotation)) == 1:
        annotation = get_args(annotation)[0]
    typed = value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value
    message = str(getattr(error, "message", error))
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return BadValue(message, typed, "choice", tuple(str(c.value) for c in annotation), ctx=ctx, param=param)
    if annotation in (int, float):
        return BadValue(message, typed, "integer" if annotation is int else "number", low=info.min, high=info.max,
                        ctx=ctx, param=param)
    return error
