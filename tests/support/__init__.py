"""Test and benchmark support: the app as a process, Chromium flags, fixtures shared by tiers."""
