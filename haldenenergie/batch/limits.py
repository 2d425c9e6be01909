"""The thresholds of the batch statistics (standard library only: the CLI reads them cheaply)."""

from __future__ import annotations

#: z-score of the 90 % exceedance quantile of a normal distribution (Φ⁻¹(0.9) = 1.28155).
Z_P90 = 1.2816
#: Rank threshold for the "share of runs in the top 10" statistic (issue 6).
TOP_N = 10
#: Fewest comparable weather years for a P90 from interannual variability (``--min-years``).
#: Assumption: 10 years. With n years the sample standard deviation has a relative standard
#: error of about 1/√(2(n−1)) (24 % at n = 10, 50 % at n = 3), and the empirical 10th percentile
#: of fewer than 10 years is an extrapolation below the lowest year; wind energy-yield practice
#: likewise asks for at least 10 years of long-term reference data to characterise interannual
#: variability (MEASNET, "Evaluation of site-specific wind conditions", version 2, 2016).
MIN_YEARS = 10
#: How ``<q>_energy_p90_mwh_per_a`` is computed (``--p90-method``; the first is the default).
P90_METHODS = ("normal", "empirical")
