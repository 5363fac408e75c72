import warnings
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from staffing.forecast import (
    MODEL_NAIVE,
    MODEL_NONE,
    MODEL_SMOOTHING,
    MODEL_WEEKDAY_MEAN,
    PoolSeries,
    event_lift_learn,
    pool_backtest,
    pool_forecast,
    seasonal_naive,
)
from staffing.models import PlanPool
from tests.staffing.synthetic import PRAGUE, holidays_of, synthetic_pool

UTC_ZONE = ZoneInfo("UTC")
MONDAY = datetime(2026, 1, 5, tzinfo=UTC)


def plain_series(history, *, start=MONDAY, zone=UTC_ZONE, horizon_hours=672, share=None, lift=None):
    span = len(history) + horizon_hours
    return PoolSeries(
        start=start,
        history=np.asarray(history, dtype=np.float64),
        horizon_hours=horizon_hours,
        zone=zone,
        holiday_share=np.zeros(span) if share is None else share,
        event_lift=np.ones(span) if lift is None else lift,
    )


def office_week():
    """10 an hour on weekdays 8:00-18:00, 1 at other hours, half at the weekend, and a
    lunchtime peak on Wednesdays: no two weekdays alike."""
    week = np.zeros(168)
    for day in range(7):
        for hour in range(24):
            week[day * 24 + hour] = (10 if 8 <= hour < 18 else 1) * (1 if day < 5 else 0.5)
    week[2 * 24 + 12] += 7
    return week


def test_a_pure_weekly_pattern_is_reproduced_by_the_model_and_the_baseline():
    week = office_week()

    made = pool_forecast(plain_series(np.tile(week, 12)))

    assert made.model_name == MODEL_SMOOTHING.format(season="M")
    np.testing.assert_allclose(made.forecast, np.tile(week, 4), atol=1e-6)
    np.testing.assert_array_equal(made.baseline, np.tile(week, 4))


def test_the_forecast_is_the_horizon_long_and_never_negative_on_a_sparse_pool():
    # About two contacts a day: most hours and some days are empty.
    pool = synthetic_pool(seed=3, start=MONDAY, weeks=30, per_day=2.0, horizon_hours=500)

    made = pool_forecast(pool.series)

    assert made.forecast.shape == (500,)
    assert made.baseline.shape == (500,)
    assert (made.forecast >= 0).all()
    assert made.forecast.sum() > 0


def test_a_holiday_in_the_horizon_lowers_exactly_the_share_of_the_clients_closed():
    # No holiday in the history: clients on holiday are taken to bring nothing.
    pool = synthetic_pool(seed=5, start=MONDAY, weeks=10)
    series = pool.series
    share = series.holiday_share.copy()
    holiday = slice(len(series.history) + 3 * 24, len(series.history) + 4 * 24)
    share[holiday] = 0.4

    usual = pool_forecast(series).forecast
    with_holiday = pool_forecast(plain_series_like(series, share=share)).forecast

    ratio = with_holiday / usual
    horizon_holiday = slice(3 * 24, 4 * 24)
    np.testing.assert_allclose(ratio[horizon_holiday], 0.6, rtol=1e-12)
    np.testing.assert_allclose(np.delete(ratio, np.s_[3 * 24 : 4 * 24]), 1.0, rtol=1e-12)


def test_what_clients_on_holiday_still_bring_is_learnt_from_the_history():
    # 60 % of the pool closes on the holidays and still brings half its volume: the pool
    # keeps 1 - 0.6 * (1 - 0.5) = 70 % on such a day.
    pool = synthetic_pool(
        seed=11,
        start=datetime(2025, 1, 6, tzinfo=UTC),
        weeks=60,
        holidays=holidays_of([2025, 2026]),
        holiday_residual=0.5,
    )
    series = pool.series
    hours = len(series.history)
    share = series.holiday_share.copy()
    share[hours:] = 0.0
    share[hours + 48 : hours + 72] = 0.6

    usual = pool_forecast(plain_series_like(series, share=np.where(share > 0, 0.0, share)))
    with_holiday = pool_forecast(plain_series_like(series, share=share))

    kept = with_holiday.forecast[48:72].sum() / usual.forecast[48:72].sum()
    assert kept == pytest.approx(0.7, abs=0.03)


def test_a_clients_event_in_the_horizon_lifts_its_hours_by_the_lift():
    pool = synthetic_pool(seed=6, start=MONDAY, weeks=10)
    series = pool.series
    lift = series.event_lift.copy()
    hours = len(series.history)
    lift[hours + 100 : hours + 130] = 1.3

    usual = pool_forecast(series).forecast
    lifted = pool_forecast(plain_series_like(series, lift=lift)).forecast

    np.testing.assert_allclose(lifted[100:130], usual[100:130] * 1.3, rtol=1e-12)
    np.testing.assert_allclose(lifted[:100], usual[:100], rtol=1e-12)


def two_year_pool():
    """The figures of docs/staffing.md, "Forecast": two years of a 400-a-day pool growing 25 %
    a year, 60 % of it closed on 12 holidays a year, a sale a year and one in the weeks the
    backtest holds out (2 to 4 November 2026, +40 %), which also hold a holiday (28 October)
    and the end of summer time (25 October)."""
    return synthetic_pool(
        seed=2026,
        start=datetime(2024, 11, 11, tzinfo=UTC),
        weeks=104,
        holidays=holidays_of([2024, 2025, 2026]),
        events=[
            (date(2025, 6, 16), date(2025, 6, 18), 1.4),
            (date(2025, 11, 28), date(2025, 11, 30), 1.5),
            (date(2026, 6, 15), date(2026, 6, 17), 1.4),
            (date(2026, 11, 2), date(2026, 11, 4), 1.4),
        ],
    )


def test_on_two_years_with_trend_holidays_and_a_sale_the_model_beats_the_baseline():
    backtest = pool_backtest(two_year_pool().series, weeks=4)

    assert backtest.weeks == 4
    assert backtest.mape is not None and backtest.baseline_mape is not None
    assert backtest.bias is not None and backtest.baseline_bias is not None
    assert backtest.mape < 0.05
    assert backtest.baseline_mape > 0.10
    assert abs(backtest.bias) < 0.025
    assert abs(backtest.baseline_bias) > abs(backtest.bias)


def test_a_short_history_forecasts_like_the_baseline_and_has_no_backtest():
    pool = synthetic_pool(seed=8, start=MONDAY, weeks=3)

    made = pool_forecast(pool.series)
    backtest = pool_backtest(pool.series)

    assert made.model_name == MODEL_WEEKDAY_MEAN
    assert made.forecast.shape == (672,)
    assert (made.forecast >= 0).all()
    assert made.forecast.sum() == pytest.approx(made.baseline.sum(), rel=0.05)
    assert backtest == type(backtest)(4, None, None, None, None)


def test_the_backtest_needs_two_weeks_of_history_before_the_weeks_it_holds_out():
    week = office_week()

    assert pool_backtest(plain_series(np.tile(week, 6)[:-1])).mape is None
    assert pool_backtest(plain_series(np.tile(week, 6))).mape is not None
    assert pool_backtest(plain_series(np.tile(week, 3)), weeks=1).mape is not None


def test_under_a_day_of_history_the_forecast_is_the_baseline():
    made = pool_forecast(plain_series(np.full(20, 3.0)))

    assert made.model_name == MODEL_NAIVE
    np.testing.assert_array_equal(made.forecast, np.full(672, 3.0))


def test_an_all_zero_pool_forecasts_zeros_without_warnings():
    series = plain_series(np.zeros(104 * 168))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        made = pool_forecast(series)
        backtest = pool_backtest(series)

    assert made.model_name == MODEL_NONE
    np.testing.assert_array_equal(made.forecast, np.zeros(672))
    np.testing.assert_array_equal(made.baseline, np.zeros(672))
    assert backtest == type(backtest)(4, None, None, None, None)


def test_a_sparse_pool_forecasts_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for seed in range(4):
            pool = synthetic_pool(seed=seed, start=MONDAY, weeks=40, per_day=0.5)
            assert (pool_forecast(pool.series).forecast >= 0).all()
            pool_backtest(pool.series)


@pytest.mark.parametrize(
    ("history", "zone"),
    [
        # Local days of 23 and 25 hours make its daily totals vary by a million.
        (np.full(60 * 168, 1e6), PRAGUE),
        (np.tile(np.r_[np.full(168, 10.0), np.zeros(168)], 15), UTC_ZONE),
        (np.random.default_rng(1).poisson(np.exp(np.linspace(0, 6, 104 * 168))), UTC_ZONE),
    ],
    ids=["a million an hour", "open every other week", "growing 400-fold"],
)
def test_pools_the_optimiser_once_stopped_short_on_forecast_without_warnings(history, zone):
    series = plain_series(history, start=datetime(2024, 11, 11, tzinfo=UTC), zone=zone)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        made = pool_forecast(series)
        pool_backtest(series)

    assert np.isfinite(made.forecast).all()
    assert (made.forecast >= 0).all()


def local_office_hours(start, hours, zone):
    """5 contacts an hour on weekdays from 9:00 to 17:00 local time, none otherwise."""
    local = [(start + timedelta(hours=i)).astimezone(zone) for i in range(hours)]
    return np.array([5.0 if t.weekday() < 5 and 9 <= t.hour < 17 else 0.0 for t in local])


def test_the_profile_follows_local_time_across_the_end_of_summer_time():
    # Nine weeks from Monday 17 August 2026 (local midnight); the horizon holds 25 October.
    start = datetime(2026, 8, 17, tzinfo=PRAGUE).astimezone(UTC)
    history = local_office_hours(start, 9 * 168, PRAGUE)
    series = plain_series(history, start=start, zone=PRAGUE)
    horizon_start = start + timedelta(hours=9 * 168)

    made = pool_forecast(series)

    expected_open = local_office_hours(horizon_start, 672, PRAGUE) > 0
    assert (made.forecast[expected_open] > 4.9).all()
    # Closed hours: nothing, to the float rounding of the daily model's closed weekend.
    assert (made.forecast[~expected_open] < 1e-9).all()
    # Monday 19 October opens at 7:00 UTC (9:00 summer time), Monday 26 October at 8:00 UTC
    # (9:00 winter time); the baseline, a week earlier in UTC, is an hour early.
    first_monday = (
        int((datetime(2026, 10, 19, 7, tzinfo=UTC) - horizon_start).total_seconds()) // 3600
    )
    second_monday = first_monday + 7 * 24
    assert made.forecast[first_monday] > 0
    assert made.forecast[second_monday] < 1e-9
    assert made.forecast[second_monday + 1] > 0
    assert made.baseline[second_monday] > 0


def test_the_baseline_is_the_last_week_repeated():
    history = np.arange(336, dtype=np.float64)

    baseline = seasonal_naive(history=history, horizon_hours=200)

    assert baseline[0] == 168
    assert baseline[167] == 335
    assert baseline[168] == 168
    assert baseline[199] == 199


def test_under_a_week_the_baseline_is_the_mean_of_the_same_hour_of_the_day():
    # Two days: hour h brings h on the first and h + 2 on the second.
    history = np.concatenate([np.arange(24), np.arange(24) + 2]).astype(np.float64)

    baseline = seasonal_naive(history=history, horizon_hours=30)

    np.testing.assert_array_equal(baseline[:24], np.arange(24) + 1)
    np.testing.assert_array_equal(baseline[24:], np.arange(6) + 1)


def test_mape_and_bias_as_defined_in_the_kpis():
    # One an hour for five weeks, two an hour in the sixth. Held out: weeks 3 to 6, forecast
    # from weeks 1 and 2 as one an hour (24 a day) by both. Days: 21 exact, 7 at
    # |24 - 48| / 48 = 0.5, so MAPE = 3.5 / 28 = 0.125; bias = (672 - 840) / 840 = -0.2.
    history = np.concatenate([np.ones(5 * 168), np.full(168, 2.0)])

    backtest = pool_backtest(plain_series(history), weeks=4)

    assert backtest.mape == pytest.approx(0.125)
    assert backtest.bias == pytest.approx(-0.2)
    assert backtest.baseline_mape == pytest.approx(0.125)
    assert backtest.baseline_bias == pytest.approx(-0.2)


def test_mape_leaves_out_days_without_contacts_and_bias_counts_them():
    # One an hour for six weeks but none on the last day: that day's error is left out of
    # MAPE (every other day is exact), and bias = (672 - 648) / 648.
    history = np.ones(6 * 168)
    history[-24:] = 0

    backtest = pool_backtest(plain_series(history), weeks=4)

    assert backtest.baseline_mape == pytest.approx(0.0)
    assert backtest.baseline_bias == pytest.approx(24 / 648)
    assert backtest.mape == pytest.approx(0.0)
    assert backtest.bias == pytest.approx(24 / 648)


def test_event_lift_compares_event_days_with_the_same_weekdays_before():
    week = [100.0, 100, 100, 100, 100, 50, 20]
    daily = week * 4 + [180.0, 160.0]
    event_days = [False] * 28 + [True, True]

    # (180 + 160) / (100 + 100)
    assert event_lift_learn(daily=daily, event_days=event_days) == pytest.approx(1.7)


def test_event_lift_leaves_earlier_event_days_out_of_the_usual_volume():
    daily = [100.0] * 7 + [250.0] + [100.0] * 6 + [150.0]
    event_days = [False] * 7 + [True] + [False] * 6 + [True]

    # Day 7 against day 0; day 14 against day 0 only, day 7 being an event:
    # (250 + 150) / (100 + 100).
    assert event_lift_learn(daily=daily, event_days=event_days) == pytest.approx(2.0)


def test_event_lift_is_none_without_an_earlier_event():
    assert event_lift_learn(daily=[100.0] * 14, event_days=[False] * 14) is None
    # An event in the first week has no week before it to compare with.
    assert event_lift_learn(daily=[100.0] * 14, event_days=[True] + [False] * 13) is None


def test_a_series_whose_holidays_do_not_cover_the_horizon_is_refused():
    with pytest.raises(ValueError, match="horizon"):
        PoolSeries(
            start=MONDAY,
            history=np.ones(48),
            horizon_hours=24,
            zone=UTC_ZONE,
            holiday_share=np.zeros(48),
            event_lift=np.ones(72),
        )


def test_every_model_name_fits_the_plan():
    longest = PlanPool._meta.get_field("model_name").max_length
    names = [MODEL_NONE, MODEL_NAIVE, MODEL_WEEKDAY_MEAN]
    names += [MODEL_SMOOTHING.format(season=season) for season in "AM"]
    assert max(len(name) for name in names) <= longest


def plain_series_like(series, *, share=None, lift=None):
    return PoolSeries(
        start=series.start,
        history=series.history,
        horizon_hours=series.horizon_hours,
        zone=series.zone,
        holiday_share=series.holiday_share if share is None else share,
        event_lift=series.event_lift if lift is None else lift,
    )
