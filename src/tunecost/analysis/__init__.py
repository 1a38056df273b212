"""What the numbers mean: compare (the Result and its ledger), break-even, Monte Carlo,
sensitivity, threshold, and calibration against published runs."""
