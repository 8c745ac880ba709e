import re
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ENV_READ = re.compile(r"""(?:os\.environ\.get|env_bool|env_list)\(\s*["']([A-Z_]+)["']""")


def variables_read() -> set[str]:
    names = set()
    for module in (BASE_DIR / "catalogue").glob("*.py"):
        names |= set(ENV_READ.findall(module.read_text()))
    return names


@pytest.mark.parametrize("name", sorted(variables_read()))
def test_every_environment_variable_is_in_env_example(name):
    assert re.search(rf"^#? ?{name}=", (BASE_DIR / ".env.example").read_text(), re.M), name
