"""Unified social credit code check character (GB 32100-2015) on published codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.codes.credit import (
    CREDIT_CHARSET,
    CREDIT_WEIGHTS,
    credit_check_chars,
    org_check_chars,
)
from xinzhi.ingest.enterprises import is_valid_credit_code, validate_credit_codes

# Published codes: the example of GB 32100-2015 commonly cited in documentation, and the codes
# printed on the public business licences / websites of large companies.
VALID = [
    "91350100M000100Y43",  # example code used in GB 32100-2015 guides
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110108551385082Q",  # 北京小米科技有限责任公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
]


def test_weights_are_powers_of_three_mod_31() -> None:
    assert CREDIT_WEIGHTS.tolist() == [
        1,
        3,
        9,
        27,
        19,
        26,
        16,
        17,
        20,
        29,
        25,
        13,
        8,
        24,
        10,
        30,
        28,
    ]
    assert len(CREDIT_CHARSET) == 31
    assert not set("IOZSV") & set(CREDIT_CHARSET)


def test_published_codes_are_valid() -> None:
    assert validate_credit_codes(pd.Series(VALID)).isna().all()
    assert all(is_valid_credit_code(c) for c in VALID)
    assert credit_check_chars(pd.Series([c[:17] for c in VALID])).tolist() == [c[17] for c in VALID]
    # the organisation-code part (positions 9–17) carries a GB 11714 check character
    assert org_check_chars(pd.Series([c[8:16] for c in VALID])).tolist() == [c[16] for c in VALID]


def test_mutations_are_rejected() -> None:
    codes = pd.Series(
        [
            "91350100M000100Y44",  # wrong check character
            "91350100M000100Y4",  # 17 characters
            "91350100M000100I43",  # I is not in the character set
            "9144030071526726XH",
            "914403001922038217",
            "",
            None,
            " 91350100m000100y43 ",  # lower case and spaces are normalised → valid
        ]
    )
    assert validate_credit_codes(codes).tolist() == [
        "credit_code_check",
        "credit_code_format",
        "credit_code_format",
        "credit_code_check",
        "credit_code_check",
        "credit_code_missing",
        "credit_code_missing",
        None,
    ]


@settings(deadline=None)  # no timing assertion: a loaded CI machine must not fail it
@given(st.sampled_from(VALID), st.integers(0, 16), st.sampled_from(list(CREDIT_CHARSET)))
def test_any_single_substitution_is_detected(code: str, pos: int, char: str) -> None:
    """Weights are units mod 31 (31 prime), so one changed character always changes the sum."""
    mutated = code[:pos] + char + code[pos + 1 :]
    assert is_valid_credit_code(mutated) == (mutated == code)


def test_check_formula_by_hand() -> None:
    body = "91350100M000100Y4"
    vals = np.array([CREDIT_CHARSET.index(c) for c in body])
    assert CREDIT_CHARSET[(31 - int((vals * CREDIT_WEIGHTS).sum()) % 31) % 31] == "3"
