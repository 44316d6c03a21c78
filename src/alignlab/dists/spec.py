"""Distribution spec strings: ``"name"``, ``"name(1, 2)"``, ``"name(df=3, loc=0, scale=2)"``.

Parsed with :mod:`ast` into literal numbers only; nothing is ever evaluated. The parser knows
no distribution names: :mod:`alignlab.dists.law` looks them up in the one family table
(:mod:`alignlab.dists.families`).
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

from alignlab._validate import ParameterError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
MAX_SPEC_LENGTH = 300


@dataclass(frozen=True)
class Spec:
    """A parsed spec: a name, positional numbers and keyword numbers."""

    name: str
    args: tuple[float, ...] = ()
    kwargs: tuple[tuple[str, float], ...] = ()

    @property
    def keywords(self) -> dict[str, float]:
        return dict(self.kwargs)

    def __str__(self) -> str:
        parts = [format_number(a) for a in self.args] + [f"{k}={format_number(v)}" for k, v in self.kwargs]
        return f"{self.name}({', '.join(parts)})" if parts else self.name


def format_number(x: float) -> str:
    """A number as a spec writes it: whole numbers without a decimal point, others by ``repr`` (exact round trip)."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def parse_spec(text: str, param: str = "spec") -> Spec:
    """Parse ``text`` into a :class:`Spec`; any other shape raises :class:`ParameterError`."""
    if not isinstance(text, str):
        raise ParameterError(param, f"must be a string such as 'name(1, key=2)' (got {text!r})")
    text = text.strip()
    if not text or len(text) > MAX_SPEC_LENGTH:
        raise ParameterError(param, f"must be a spec such as 'name' or 'name(1, key=2)' of at most "
                                    f"{MAX_SPEC_LENGTH} characters (got {text[:40]!r})")
    name, paren, rest = text.partition("(")
    name = name.strip()
    if not _NAME.match(name):
        raise ParameterError(param, f"must start with a distribution name such as 'norm' or 'pareto' (got {text!r})")
    if not paren:
        return Spec(name.lower())
    if not rest.rstrip().endswith(")"):
        if ")" in rest:
            raise ParameterError(param, f"has text after the closing parenthesis (got {text!r})")
        raise ParameterError(param, f"has an unclosed parenthesis (got {text!r})")
    try:
        tree = ast.parse("f(" + rest, mode="eval")
    except SyntaxError:
        raise ParameterError(param, f"arguments must be numbers or key=number (got {text!r})") from None
    call = tree.body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        raise ParameterError(param, f"arguments must be numbers or key=number (got {text!r})")
    args = tuple(_number(a, param, text) for a in call.args)
    seen: set[str] = set()
    kwargs = []
    for kw in call.keywords:
        if kw.arg is None:
            raise ParameterError(param, f"arguments must be numbers or key=number (got {text!r})")
        if kw.arg in seen:
            raise ParameterError(param, f"repeats the keyword {kw.arg!r} (got {text!r})")
        seen.add(kw.arg)
        kwargs.append((kw.arg, _number(kw.value, param, text)))
    return Spec(name.lower(), args, tuple(kwargs))


def _number(node: ast.AST, param: str, text: str) -> float:
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        if isinstance(node.op, ast.USub):
            sign = -sign
        node = node.operand
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        value = sign * float(node.value)
        if math.isfinite(value):
            return value
    raise ParameterError(param, f"arguments must be finite numbers or key=number (got {text!r})")
