"""Indicators: the catalogue of measured quantities and the indicator systems built from them."""
