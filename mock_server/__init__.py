"""Offline stand-in for the Ingram Micro Xvantage Reseller Orders API."""

__version__ = "0.1.0"
