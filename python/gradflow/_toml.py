"""Writing a config dict as TOML, keeping every number's decimal text.

gradflow refuses TOML floats (a double would cap the precision), so a Python float is refused here
too: numbers are decimal strings or ints (decimal.Decimal is written as its text, mpmath.mpf with
every digit of its precision).
"""
import decimal
import os

from ._errors import InvalidInput


def _scalar(key, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, decimal.Decimal):
        return _quote(str(value))
    if isinstance(value, float):
        raise InvalidInput(f"{key} = {value!r} is a Python float: give a decimal string such as "
                           f"\"{value!r}\" (a double would cap the precision)")
    try:
        import numpy as np
        if isinstance(value, np.integer):
            return str(int(value))
        if isinstance(value, np.bool_):
            return "true" if value else "false"
        if isinstance(value, np.str_):
            return _quote(str(value))
        if isinstance(value, np.floating):
            raise InvalidInput(f"{key} = {value!r} is a NumPy float: give a decimal string")
        if isinstance(value, np.ndarray):
            return _value(key, value.tolist())
    except ImportError:
        pass
    if type(value).__name__ == "mpf":
        import mpmath
        return _quote(mpmath.nstr(value, mpmath.libmp.prec_to_dps(value.context.prec) + 2, min_fixed=1,
                                  max_fixed=0, strip_zeros=False))
    raise InvalidInput(f"{key} = {value!r}: a {type(value).__name__} is not a config value "
                       "(strings, ints, booleans and nested lists of them)")


def _quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(key, value):
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(f"{key}[{i}]", v) for i, v in enumerate(value)) + "]"
    try:
        import numpy as np
        if isinstance(value, np.ndarray):
            return _value(key, value.tolist())
    except ImportError:
        pass
    return _scalar(key, value)


def value_text(key, value):
    """The text of one value for `--set key=text` (a plain string stays as typed)."""
    if isinstance(value, str):
        return value
    return _value(key, value)


def dumps(config):
    """config: {section: {key: value}} (top-level scalars first, as TOML needs)."""
    lines = []
    tables = []
    for k, v in config.items():
        if isinstance(v, dict):
            tables.append((k, v))
        else:
            lines.append(f"{k} = {_value(k, v)}")
    for name, table in tables:
        if lines:
            lines.append("")
        lines.append(f"[{name}]")
        for k, v in table.items():
            if isinstance(v, dict):
                raise InvalidInput(f"{name}.{k}: nested tables are not config keys")
            lines.append(f"{k} = {_value(f'{name}.{k}', v)}")
    return "\n".join(lines) + "\n"


def absolutise_csv_paths(config, base):
    """A string value ending in .csv is a CSV path: relative ones are made absolute against `base`
    (the working directory), because the TOML written for a dict config lives in a temporary directory."""
    def fix(v):
        if isinstance(v, str) and v.lower().endswith(".csv") and not os.path.isabs(v):
            return os.path.join(base, v)
        if isinstance(v, list):
            return [fix(x) for x in v]
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        return v
    return fix(config)
