"""Numbers for reading, against hand-written expectations."""

from iadsim.report import fmt


def test_rounding_residue_is_zero_and_intervals_read_as_words():
    assert fmt.interval(-5.55e-17, 0.125, "proportion") == "0% to 12%"
    assert fmt.number(-5.55e-17, 3) == "0"
    assert fmt.estimate(0.7, 0.48, 0.854, "proportion") == "70% (48% to 85%)"
    assert fmt.estimate(1.05, 0.7, 1.4, "mean") == "1.05 (0.70 to 1.40)"


def test_small_proportions_keep_a_decimal_not_exponents():
    assert fmt.interval(0.000883, 0.0278, "proportion") == "<0.1% to 2.8%"
    assert fmt.percent(0.004) == "0.4%"
    assert fmt.percent(0.25, sign=True) == "+25%"
    assert fmt.number(0.3, 2, sign=True) == "+0.30"


def test_decimals_follow_the_interval_width():
    assert fmt.decimals_for(0.7) == 2  # 0.70 wide: two decimals
    assert fmt.decimals_for(120.0) == 0  # seconds: whole numbers
    assert fmt.estimate(512.3, 440.0, 590.0, "mean") == "512 (440 to 590)"
    assert fmt.quantity("HELO-1.first_detected_s", "mean") == "seconds"
    assert fmt.quantity("p_any_killed", "proportion") == "share"
