"""The validate path stays light: no Hypothesis, no pytest, no optional engines' cost."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module", ["klaviyo_contract", "klaviyo_contract.cli", "klaviyo_contract.contract"]
)
def test_importing_the_validate_path_loads_neither_hypothesis_nor_pytest(module: str) -> None:
    code = (
        f"import sys, {module}, klaviyo_contract.cli as cli;"
        "cli.build_parser();"
        "heavy = sorted(m for m in ('hypothesis', 'hypothesis_jsonschema', 'pytest', '_pytest')"
        " if m in sys.modules);"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_running_validate_loads_neither_hypothesis_nor_pytest(tmp_path) -> None:
    payload = tmp_path / "job.json"
    payload.write_text('{"data": {"type": "catalog-item-bulk-create-job"}}')
    code = (
        "import sys, io, klaviyo_contract.cli as cli;"
        f"cli.run(['validate', {str(payload)!r}], io.StringIO(), io.StringIO());"
        "print(','.join(m for m in ('hypothesis', 'pytest') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("module", ["klaviyo_contract", "klaviyo_contract.pytest_plugin"])
def test_the_facade_and_the_plugin_load_no_input_reader(module: str) -> None:
    """Readers are the driver's: importing the API (or the plugin pytest loads in every
    run) costs none of them, and no core module reaches back into the driver."""
    code = (
        f"import sys, {module};"
        "print(','.join(sorted(m for m in sys.modules if m.startswith("
        "('klaviyo_contract.inputs', 'klaviyo_contract.validation')))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
